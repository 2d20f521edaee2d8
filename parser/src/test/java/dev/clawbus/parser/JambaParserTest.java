package dev.clawbus.parser;

/** The jamba format: corpus in src/test/resources/parser/jamba.jsonl. */
class JambaParserTest extends FamilyCasesTest {
  JambaParserTest() {
    super("jamba");
  }
}
