package dev.clawbus.parser;

/**
 * The cohere_command3 format: corpus in src/test/resources/parser/cohere_command3.jsonl (rules of cohere_melody's
 * cmd3() filter preset, which vLLM's cohere_command3 parsers run, and the Command chat templates).
 */
class CohereCommand3ParserTest extends FamilyCasesTest {
  CohereCommand3ParserTest() {
    super("cohere_command3");
  }
}
