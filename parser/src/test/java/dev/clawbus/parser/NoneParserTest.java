package dev.clawbus.parser;

/** The none format: corpus in src/test/resources/parser/none.jsonl. */
class NoneParserTest extends FamilyCasesTest {
  NoneParserTest() {
    super("none");
  }
}
