package dev.clawbus.parser;

/** The pythonic format: corpus in src/test/resources/parser/pythonic.jsonl. */
class PythonicParserTest extends FamilyCasesTest {
  PythonicParserTest() {
    super("pythonic");
  }
}
