package dev.clawbus.parser;

/** The poolside_v1 format: corpus in src/test/resources/parser/poolside_v1.jsonl (rules of vLLM's poolside_v1 parser). */
class PoolsideV1ParserTest extends FamilyCasesTest {
  PoolsideV1ParserTest() {
    super("poolside_v1");
  }
}
