package dev.clawbus.parser;

/** The qwen3_coder format: corpus in src/test/resources/parser/qwen3_coder.jsonl. */
class Qwen3CoderParserTest extends FamilyCasesTest {
  Qwen3CoderParserTest() {
    super("qwen3_coder");
  }
}
