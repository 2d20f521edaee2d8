package dev.clawbus.parser;

/** The auto format: corpus in src/test/resources/parser/auto.jsonl. */
class AutoParserTest extends FamilyCasesTest {
  AutoParserTest() {
    super("auto");
  }
}
