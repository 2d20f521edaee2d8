package dev.clawbus.parser;

/** The hermes format: corpus in src/test/resources/parser/hermes.jsonl. */
class HermesParserTest extends FamilyCasesTest {
  HermesParserTest() {
    super("hermes");
  }
}
