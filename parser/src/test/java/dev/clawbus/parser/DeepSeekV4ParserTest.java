package dev.clawbus.parser;

/** The deepseek_v4 format: corpus in src/test/resources/parser/deepseek_v4.jsonl (rules of vLLM's deepseek_v4 parser). */
class DeepSeekV4ParserTest extends FamilyCasesTest {
  DeepSeekV4ParserTest() {
    super("deepseek_v4");
  }
}
