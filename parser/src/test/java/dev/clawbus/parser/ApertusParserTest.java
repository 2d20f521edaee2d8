package dev.clawbus.parser;

/** The apertus format: corpus in src/test/resources/parser/apertus.jsonl (rules of vLLM's apertus parser). */
class ApertusParserTest extends FamilyCasesTest {
  ApertusParserTest() {
    super("apertus");
  }
}
