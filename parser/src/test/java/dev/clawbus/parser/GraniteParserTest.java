package dev.clawbus.parser;

/** The granite format: corpus in src/test/resources/parser/granite.jsonl. */
class GraniteParserTest extends FamilyCasesTest {
  GraniteParserTest() {
    super("granite");
  }
}
