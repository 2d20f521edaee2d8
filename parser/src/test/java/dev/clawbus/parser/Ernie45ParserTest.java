package dev.clawbus.parser;

/** The ernie45 format: corpus in src/test/resources/parser/ernie45.jsonl. */
class Ernie45ParserTest extends FamilyCasesTest {
  Ernie45ParserTest() {
    super("ernie45");
  }
}
