package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** gpt-oss harmony as it streams: what each piece emits, headers, unfinished messages, reasoning modes. */
class HarmonyStreamingTest {
  private static StreamingToolParser parser(String reasoning) {
    return ToolParsers.create("openai", new ParserOptions(List.of(), false, reasoning, i -> "id" + i));
  }

  @Test
  void messageTextGoesOutAsItComesAndAPossibleTokenIsHeld() {
    StreamingTimingTest.Rec r = new StreamingTimingTest.Rec();
    StreamingToolParser p = parser("split");
    p.feed("<|channel|>analysis<|message|>Think", r);
    assertEquals(List.of("r:Think"), r.take());
    p.feed("ing <|e", r);
    assertEquals(List.of("r:ing "), r.take());
    p.feed("nd|><|start|>assistant<|channel|>final<|message|>a < b and <x> more", r);
    assertEquals(List.of("c:a < b and <x> more"), r.take(), "a '<' that cannot start a token is text");
    p.feed(" then <|return|>", r);
    p.finish(r);
    assertEquals(List.of("c: then", "c: "), r.take(), "trailing blanks wait for what follows");
  }

  @Test
  void aLongTailAfterALessThanIsNotHeld() {
    StreamingTimingTest.Rec r = new StreamingTimingTest.Rec();
    StreamingToolParser p = parser("split");
    p.feed("<|channel|>final<|message|>x <thirteen chars", r);
    assertEquals(List.of("c:x <thirteen chars"), r.take());
  }

  @Test
  void recipientsWithAndWithoutTheirNamespace() {
    ParseResult a = ParseResult.parse("openai",
        "<|start|>assistant to=functions.get<|channel|>commentary <|constrain|>json<|message|>{\"x\": 1}<|call|>",
        ParserOptions.of(List.of()));
    assertEquals("get", a.toolCalls().get(0).name());
    ParseResult b = ParseResult.parse("openai", "<|channel|>commentary to=browser.search<|message|>{}<|call|>",
        ParserOptions.of(List.of()));
    assertEquals("browser.search", b.toolCalls().get(0).name());
    ParseResult c = ParseResult.parse("openai", "<|channel|>commentary to=functions.f<|message|><|call|>",
        ParserOptions.of(List.of()));
    assertEquals("{}", c.toolCalls().get(0).argumentsJson(), "no body: no arguments");
  }

  @Test
  void unfinishedMessagesAtTheEnd() {
    ParseResult thinking = ParseResult.parse("openai", "<|channel|>analysis<|message|>still thinking <|",
        ParserOptions.of(List.of()));
    assertEquals("still thinking <|", thinking.reasoningContent());
    assertNull(thinking.content());
    ParseResult header = ParseResult.parse("openai",
        "<|channel|>final<|message|>Done.<|end|><|start|>assistant<|channel|>fin", ParserOptions.of(List.of()));
    assertEquals("Done.<|start|>assistant<|channel|>fin", header.content(), "a header that never got its message");
    ParseResult plain = ParseResult.parse("openai", "no harmony at all", ParserOptions.of(List.of()));
    assertEquals("no harmony at all", plain.content());
  }

  @Test
  void reasoningModes() {
    String text = "<|channel|>analysis<|message|>why<|end|><|start|>assistant<|channel|>final<|message|>Because.";
    ParseResult split = ParseResult.parse("openai", text, ParserOptions.of(List.of()));
    assertEquals("why", split.reasoningContent());
    assertEquals("Because.", split.content());
    ParseResult pass = ParseResult.parse("openai", text, ParserOptions.of(List.of()).withReasoning("pass"));
    assertNull(pass.reasoningContent());
    assertEquals("whyBecause.", pass.content());
    ParseResult drop = ParseResult.parse("openai", text, ParserOptions.of(List.of()).withReasoning("drop"));
    assertNull(drop.reasoningContent());
    assertEquals("Because.", drop.content());
  }

  @Test
  void structuredCallsAfterHarmonyText() {
    StreamingTimingTest.Rec r = new StreamingTimingTest.Rec();
    StreamingToolParser p = parser("split");
    p.feed("<|channel|>final<|message|>Hi", r);
    p.feedToolCallDelta(0, "s", "f", "{}", r);
    p.finish(r);
    assertEquals(List.of("c:Hi", "t0:f{}"), r.take());
  }
}
