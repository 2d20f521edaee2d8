package dev.clawbus.parser;

/** The llama3_json format: corpus in src/test/resources/parser/llama3_json.jsonl. */
class Llama3JsonParserTest extends FamilyCasesTest {
  Llama3JsonParserTest() {
    super("llama3_json");
  }
}
