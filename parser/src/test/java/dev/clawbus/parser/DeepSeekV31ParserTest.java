package dev.clawbus.parser;

/** The deepseek_v31 format: corpus in src/test/resources/parser/deepseek_v31.jsonl. */
class DeepSeekV31ParserTest extends FamilyCasesTest {
  DeepSeekV31ParserTest() {
    super("deepseek_v31");
  }
}
