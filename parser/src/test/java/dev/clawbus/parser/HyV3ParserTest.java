package dev.clawbus.parser;

/** The hy_v3 format: corpus in src/test/resources/parser/hy_v3.jsonl (rules of vLLM's hy_v3 parser). */
class HyV3ParserTest extends FamilyCasesTest {
  HyV3ParserTest() {
    super("hy_v3");
  }
}
