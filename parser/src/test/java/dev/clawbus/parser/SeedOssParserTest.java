package dev.clawbus.parser;

/** The seed_oss format: corpus in src/test/resources/parser/seed_oss.jsonl. */
class SeedOssParserTest extends FamilyCasesTest {
  SeedOssParserTest() {
    super("seed_oss");
  }
}
