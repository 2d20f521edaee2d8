package dev.clawbus.parser;

/** The mistral format: corpus in src/test/resources/parser/mistral.jsonl. */
class MistralParserTest extends FamilyCasesTest {
  MistralParserTest() {
    super("mistral");
  }
}
