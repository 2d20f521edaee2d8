package dev.clawbus.parser;

/** The hunyuan_a13b format: corpus in src/test/resources/parser/hunyuan_a13b.jsonl. */
class HunyuanA13bParserTest extends FamilyCasesTest {
  HunyuanA13bParserTest() {
    super("hunyuan_a13b");
  }
}
