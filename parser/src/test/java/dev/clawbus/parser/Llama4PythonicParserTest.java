package dev.clawbus.parser;

/** The llama4_pythonic format: corpus in src/test/resources/parser/llama4_pythonic.jsonl. */
class Llama4PythonicParserTest extends FamilyCasesTest {
  Llama4PythonicParserTest() {
    super("llama4_pythonic");
  }
}
