package dev.clawbus.transformer.parser;

/** The openai format: corpus in src/test/resources/parser/openai.jsonl. */
class OpenAiHarmonyParserTest extends FamilyCasesTest {
  OpenAiHarmonyParserTest() {
    super("openai");
  }
}
