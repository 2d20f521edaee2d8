package dev.clawbus.parser;

/** The step3 format: corpus in src/test/resources/parser/step3.jsonl. */
class Step3ParserTest extends FamilyCasesTest {
  Step3ParserTest() {
    super("step3");
  }
}
