package dev.clawbus.parser;

/** The deepseek_v32 format: corpus in src/test/resources/parser/deepseek_v32.jsonl. */
class DeepSeekV32ParserTest extends FamilyCasesTest {
  DeepSeekV32ParserTest() {
    super("deepseek_v32");
  }
}
