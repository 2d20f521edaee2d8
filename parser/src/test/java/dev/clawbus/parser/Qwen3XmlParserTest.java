package dev.clawbus.parser;

/** The qwen3_xml format: corpus in src/test/resources/parser/qwen3_xml.jsonl. */
class Qwen3XmlParserTest extends FamilyCasesTest {
  Qwen3XmlParserTest() {
    super("qwen3_xml");
  }
}
