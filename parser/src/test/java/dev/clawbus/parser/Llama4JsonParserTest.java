package dev.clawbus.parser;

/** The llama4_json format: corpus in src/test/resources/parser/llama4_json.jsonl. */
class Llama4JsonParserTest extends FamilyCasesTest {
  Llama4JsonParserTest() {
    super("llama4_json");
  }
}
