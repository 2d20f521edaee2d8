package dev.clawbus.parser;

/** The glm47 format: corpus in src/test/resources/parser/glm47.jsonl. */
class Glm47ParserTest extends FamilyCasesTest {
  Glm47ParserTest() {
    super("glm47");
  }
}
