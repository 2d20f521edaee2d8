package dev.clawbus.parser;

/** The solar_open2 format: corpus in src/test/resources/parser/solar_open2.jsonl (rules of vLLM's solar_open2 parser). */
class SolarOpen2ParserTest extends FamilyCasesTest {
  SolarOpen2ParserTest() {
    super("solar_open2");
  }
}
