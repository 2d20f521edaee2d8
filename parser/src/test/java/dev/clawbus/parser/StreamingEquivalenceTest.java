package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Property: however the output is cut (1 char per piece, random sizes), the streaming parser emits what the
 * non-streaming parse returns — for every corpus case and for random mixes of prose, markup-like noise and
 * calls in every family's format.
 */
class StreamingEquivalenceTest {
  private static final String[] NOISE = {"plain words ", "a < b ", "<b>bold</b> ", "{\"k\": 1} ", "[1, 2] ",
      "<tool ", "<|end ", "[TOOL ", "func(x) ", "é😀 ", "\n\n", "  ", "<think", "functools ", "<｜tool "};

  @TestFactory
  Stream<DynamicTest> everyCorpusCase() {
    return ParserCases.loadAll().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
        () -> ParserCases.assertStreamingEquivalent(c, 7)));
  }

  @TestFactory
  Stream<DynamicTest> randomMixesPerFamily() {
    return ToolParsers.formats().stream().map(f -> DynamicTest.dynamicTest(f, () -> {
      SplittableRandom rnd = new SplittableRandom(f.hashCode());
      for (int round = 0; round < 40; round++) {
        StringBuilder text = new StringBuilder();
        int parts = 1 + rnd.nextInt(5);
        for (int p = 0; p < parts; p++) {
          if (rnd.nextInt(3) == 0) text.append(ParserBench.sample(f, "cmd " + round + " <x> \"q\"", p));
          else text.append(NOISE[rnd.nextInt(NOISE.length)]);
        }
        ParserCases.Case c = new ParserCases.Case("mix" + round, f, text.toString(), null, null);
        ParserCases.assertStreamingEquivalent(withTools(c), round);
      }
    }));
  }

  private static ParserCases.Case withTools(ParserCases.Case c) {
    io.vertx.core.json.JsonArray tools = new io.vertx.core.json.JsonArray();
    for (ToolSpec t : ParserBench.TOOLS) {
      tools.add(new io.vertx.core.json.JsonObject().put("name", t.name()).put("parameters", t.parameters()));
    }
    return new ParserCases.Case(c.name(), c.format(), c.text(), tools, null);
  }

  @Test
  void plainTextIsEmittedAsSoonAsItCannotStartACall() {
    List<String> got = new ArrayList<>();
    StreamingToolParser p = ToolParsers.create("hermes", ParserOptions.of(List.of()));
    ParserSink sink = new ParserSink() {
      public void content(String t) {
        got.add(t);
      }

      public void reasoning(String t) {}

      public void toolCall(int i, String id, String n, String a) {}
    };
    p.feed("Hello", sink);
    assertEquals(List.of("Hello"), got);
    p.feed(" wor<", sink); // "<" may start <tool_call>: held
    assertEquals(List.of("Hello", " wor"), got);
    p.feed("b>", sink); // "<b" cannot: released
    assertEquals(" wor<b>", String.join("", got.subList(1, got.size())));
  }

  @Test
  void aCallIsEmittedWholeTheMomentItCloses() {
    ParseResult r = new ParseResult();
    StreamingToolParser p = ToolParsers.create("qwen3_coder", ParserOptions.of(List.of()));
    String text = "<tool_call>\n<function=exec>\n<parameter=command>\nls\n</parameter>\n</function>\n</tool_call>";
    for (int i = 0; i < text.length() - 1; i++) {
      p.feed(text.substring(i, i + 1), r);
      assertTrue(r.toolCalls().isEmpty(), "no partial call at " + i);
    }
    p.feed(text.substring(text.length() - 1), r);
    assertEquals(1, r.toolCalls().size());
    assertEquals("{\"command\":\"ls\"}", r.toolCalls().get(0).argumentsJson());
    assertEquals(1, p.toolCallCount());
  }

  @Test
  void aRunawayBlockIsGivenBackAsContent() {
    StringBuilder filler = new StringBuilder();
    while (filler.length() <= MarkupParser.MAX_BLOCK) filler.append("words without an end tag ");
    ParseResult r = new ParseResult();
    StreamingToolParser p = ToolParsers.create("hermes", ParserOptions.of(List.of()));
    p.feed("<tool_call>", r);
    p.feed(filler, r);
    assertTrue(r.content() != null && r.content().startsWith("<tool_call>words"), "released before the end");
    p.feed("<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>", r);
    p.finish(r);
    assertEquals(1, r.toolCalls().size());
    assertEquals("<tool_call>" + filler, r.content());
  }
}
