package dev.clawbus.parser;

/** The glm45 format: corpus in src/test/resources/parser/glm45.jsonl. */
class Glm45ParserTest extends FamilyCasesTest {
  Glm45ParserTest() {
    super("glm45");
  }
}
