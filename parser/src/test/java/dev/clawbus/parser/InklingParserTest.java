package dev.clawbus.parser;

/** The inkling format: corpus in src/test/resources/parser/inkling.jsonl (rules of vLLM's inkling parser). */
class InklingParserTest extends FamilyCasesTest {
  InklingParserTest() {
    super("inkling");
  }
}
