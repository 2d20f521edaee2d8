package dev.clawbus.parser;

/** The internlm format: corpus in src/test/resources/parser/internlm.jsonl. */
class InternLmParserTest extends FamilyCasesTest {
  InternLmParserTest() {
    super("internlm");
  }
}
