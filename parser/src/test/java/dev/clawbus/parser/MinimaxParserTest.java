package dev.clawbus.parser;

/** The minimax format: corpus in src/test/resources/parser/minimax.jsonl. */
class MinimaxParserTest extends FamilyCasesTest {
  MinimaxParserTest() {
    super("minimax");
  }
}
