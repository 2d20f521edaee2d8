package dev.clawbus.parser;

/** The functiongemma format: corpus in src/test/resources/parser/functiongemma.jsonl (rules of vLLM's functiongemma parser). */
class FunctionGemmaParserTest extends FamilyCasesTest {
  FunctionGemmaParserTest() {
    super("functiongemma");
  }
}
