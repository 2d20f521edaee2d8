package dev.clawbus.parser;

/** The granite4 format: corpus in src/test/resources/parser/granite4.jsonl (rules of vLLM's granite4 parser). */
class Granite4ParserTest extends FamilyCasesTest {
  Granite4ParserTest() {
    super("granite4");
  }
}
