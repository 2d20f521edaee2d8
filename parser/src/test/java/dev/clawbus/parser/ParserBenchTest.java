package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The benchmark corpus must exercise each family for real: every sample parses to its call. */
class ParserBenchTest {
  @Test
  void everySampleMakesOneCall() {
    ParserOptions o = new ParserOptions(ParserBench.TOOLS, false, "split", i -> "c" + i);
    for (String f : ToolParsers.formats()) {
      if (f.equals("none")) continue;
      ParseResult r = ParseResult.parse(f, ParserBench.sample(f, "ls \"a b\" <x>", 2), o);
      assertEquals(1, r.toolCalls().size(), f + ": " + r);
      assertEquals("exec", r.toolCalls().get(0).name(), f);
    }
  }
}
