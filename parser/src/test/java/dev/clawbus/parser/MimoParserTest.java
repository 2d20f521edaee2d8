package dev.clawbus.parser;

/** The mimo format: corpus in src/test/resources/parser/mimo.jsonl (rules of vLLM's mimo parser). */
class MimoParserTest extends FamilyCasesTest {
  MimoParserTest() {
    super("mimo");
  }
}
