package dev.clawbus.parser;

/** The kimi_k3 format: corpus in src/test/resources/parser/kimi_k3.jsonl (rules of vLLM's kimi_k3 parser). */
class KimiK3ParserTest extends FamilyCasesTest {
  KimiK3ParserTest() {
    super("kimi_k3");
  }
}
