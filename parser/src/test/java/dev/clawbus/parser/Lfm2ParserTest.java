package dev.clawbus.parser;

/** The lfm2 format: corpus in src/test/resources/parser/lfm2.jsonl (rules of vLLM's lfm2 parser). */
class Lfm2ParserTest extends FamilyCasesTest {
  Lfm2ParserTest() {
    super("lfm2");
  }
}
