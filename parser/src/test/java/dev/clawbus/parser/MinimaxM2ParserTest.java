package dev.clawbus.parser;

/** The minimax_m2 format: corpus in src/test/resources/parser/minimax_m2.jsonl. */
class MinimaxM2ParserTest extends FamilyCasesTest {
  MinimaxM2ParserTest() {
    super("minimax_m2");
  }
}
