package dev.clawbus.parser;

/** The xlam format: corpus in src/test/resources/parser/xlam.jsonl. */
class XlamParserTest extends FamilyCasesTest {
  XlamParserTest() {
    super("xlam");
  }
}
