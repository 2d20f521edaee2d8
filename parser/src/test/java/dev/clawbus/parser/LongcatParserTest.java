package dev.clawbus.parser;

/** The longcat format: corpus in src/test/resources/parser/longcat.jsonl. */
class LongcatParserTest extends FamilyCasesTest {
  LongcatParserTest() {
    super("longcat");
  }
}
