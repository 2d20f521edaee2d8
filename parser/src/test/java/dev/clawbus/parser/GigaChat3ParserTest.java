package dev.clawbus.parser;

/** The gigachat3 format: corpus in src/test/resources/parser/gigachat3.jsonl (rules of vLLM's gigachat3 parser). */
class GigaChat3ParserTest extends FamilyCasesTest {
  GigaChat3ParserTest() {
    super("gigachat3");
  }
}
