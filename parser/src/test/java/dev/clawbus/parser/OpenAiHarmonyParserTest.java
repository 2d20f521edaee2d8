package dev.clawbus.parser;

/** The openai format: corpus in src/test/resources/parser/openai.jsonl. */
class OpenAiHarmonyParserTest extends FamilyCasesTest {
  OpenAiHarmonyParserTest() {
    super("openai");
  }
}
