package dev.clawbus.parser;

/** The olmo3 format: corpus in src/test/resources/parser/olmo3.jsonl. */
class Olmo3ParserTest extends FamilyCasesTest {
  Olmo3ParserTest() {
    super("olmo3");
  }
}
