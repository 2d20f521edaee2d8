package dev.clawbus.parser;

/** The granite-20b-fc format: corpus in src/test/resources/parser/granite-20b-fc.jsonl. */
class Granite20bFcParserTest extends FamilyCasesTest {
  Granite20bFcParserTest() {
    super("granite-20b-fc");
  }
}
