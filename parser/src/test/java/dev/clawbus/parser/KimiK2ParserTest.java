package dev.clawbus.parser;

/** The kimi_k2 format: corpus in src/test/resources/parser/kimi_k2.jsonl. */
class KimiK2ParserTest extends FamilyCasesTest {
  KimiK2ParserTest() {
    super("kimi_k2");
  }
}
