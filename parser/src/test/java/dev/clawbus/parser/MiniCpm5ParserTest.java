package dev.clawbus.parser;

/** The minicpm5 format: corpus in src/test/resources/parser/minicpm5.jsonl (rules of vLLM's minicpm5 (file minicpm5xml_tool_parser.py) parser). */
class MiniCpm5ParserTest extends FamilyCasesTest {
  MiniCpm5ParserTest() {
    super("minicpm5");
  }
}
