package dev.clawbus.parser;

/**
 * The cohere_command4 format: corpus in src/test/resources/parser/cohere_command4.jsonl (rules of cohere_melody's
 * cmd4() filter preset, which vLLM's cohere_command4 parsers run, and the Command chat templates).
 */
class CohereCommand4ParserTest extends FamilyCasesTest {
  CohereCommand4ParserTest() {
    super("cohere_command4");
  }
}
