package dev.clawbus.parser;

/** The gemma4 format: corpus in src/test/resources/parser/gemma4.jsonl (rules of vLLM's gemma4 parser). */
class Gemma4ParserTest extends FamilyCasesTest {
  Gemma4ParserTest() {
    super("gemma4");
  }
}
