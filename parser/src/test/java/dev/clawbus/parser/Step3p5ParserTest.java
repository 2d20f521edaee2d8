package dev.clawbus.parser;

/** The step3p5 format: corpus in src/test/resources/parser/step3p5.jsonl (rules of vLLM's step3p5 parser). */
class Step3p5ParserTest extends FamilyCasesTest {
  Step3p5ParserTest() {
    super("step3p5");
  }
}
