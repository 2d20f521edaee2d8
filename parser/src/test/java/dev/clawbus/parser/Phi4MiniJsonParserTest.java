package dev.clawbus.parser;

/** The phi4_mini_json format: corpus in src/test/resources/parser/phi4_mini_json.jsonl. */
class Phi4MiniJsonParserTest extends FamilyCasesTest {
  Phi4MiniJsonParserTest() {
    super("phi4_mini_json");
  }
}
