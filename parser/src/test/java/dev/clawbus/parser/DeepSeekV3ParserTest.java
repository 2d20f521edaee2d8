package dev.clawbus.parser;

/** The deepseek_v3 format: corpus in src/test/resources/parser/deepseek_v3.jsonl. */
class DeepSeekV3ParserTest extends FamilyCasesTest {
  DeepSeekV3ParserTest() {
    super("deepseek_v3");
  }
}
