package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small parts: JSON text, call objects, options, the auto and pass-through parsers, parse requests. */
class SmallPartsTest {
  @Test
  void jsonTextEscapesWhatJsonMust() {
    assertEquals("null", JsonText.quote(new StringBuilder(), null).toString());
    assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\\u2028\\u2029é\"",
        JsonText.quote(new StringBuilder(), "a\"b\\c\n\r\t\u0001\u001f\u2028\u2029é").toString());
    assertEquals("x\"\"", JsonText.quote(new StringBuilder("x"), "").toString());
    assertEquals("\"\\u0000\"", JsonText.quote(new StringBuilder(), "\0").toString());
    assertEquals("\"«\\u001a\"", JsonText.quote(new StringBuilder(), "«\u001a").toString(), "only controls escaped");
  }

  @Test
  void callObjects() {
    assertEquals(new JsonObject(), JsonValues.arguments(null, true));
    assertEquals(new JsonObject(), JsonValues.arguments("x", false));
    assertEquals(new JsonObject(), JsonValues.arguments("  ", true));
    assertEquals(new JsonObject().put("a", 1), JsonValues.arguments("{\"a\": 1}", true));
    assertNull(JsonValues.arguments("[1]", true));
    assertNull(JsonValues.arguments(5, true));
    RawCall c = JsonValues.callFromObject(new JsonObject().put("name", " f ").put("parameters", new JsonObject())
        .put("id", "abc"));
    assertEquals("f", c.name());
    assertEquals("abc", c.id());
    assertNull(JsonValues.callFromObject(new JsonObject().put("name", "f").put("id", " ")).id());
    assertNull(JsonValues.callFromObject(new JsonObject().put("name", " ")));
    assertNull(JsonValues.callFromObject(new JsonObject().put("name", "f").put("arguments", 1)));
    assertEquals("g", JsonValues.callFromObject(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "g"))).name());
    assertEquals("outer", JsonValues.callFromObject(new JsonObject().put("name", "outer")
        .put("function", new JsonObject().put("name", "inner"))).name());
    List<RawCall> out = new ArrayList<>();
    assertFalse(JsonValues.collectCalls(new JsonArray(), out));
    assertFalse(JsonValues.collectCalls(new JsonArray().add(1), out));
    assertFalse(JsonValues.collectCalls(new JsonArray().add(new JsonObject().put("name", "a")).add(new JsonObject()), out));
    assertFalse(JsonValues.collectCalls(new JsonObject(), out));
    assertFalse(JsonValues.collectCalls("text", out));
    out.clear();
    assertTrue(JsonValues.collectCalls(new JsonObject().put("name", "a"), out));
    assertEquals(1, out.size());
    assertTrue(JsonValues.hasArguments(new JsonObject().put("name", "a").put("parameters", 1)));
    assertFalse(JsonValues.hasArguments(new JsonObject().put("name", "a")));
    assertTrue(JsonValues.hasArguments(new JsonObject().put("function", new JsonObject().put("name", "a")
        .put("arguments", "{}"))));
    assertFalse(JsonValues.hasArguments(new JsonArray()));
    assertFalse(JsonValues.hasArguments("x"));
    assertFalse(JsonValues.hasArguments(new JsonArray().add(new JsonObject().put("arguments", 1)).add(1)));
  }

  @Test
  void optionsAcceptNamesByTheRequestsTools() {
    ParserOptions none = ParserOptions.noTools("drop", i -> "x" + i);
    assertFalse(none.accepts("anything"), "a request without tools gets no call");
    assertEquals("drop", none.reasoning());
    assertEquals("x3", none.idForIndex().apply(3));
    ParserOptions any = ParserOptions.of(List.of());
    assertTrue(any.accepts("anything"), "nothing to check against");
    assertFalse(any.accepts(""));
    assertFalse(any.accepts(null));
    ParserOptions some = ParserOptions.of(List.of(new ToolSpec("a", null)));
    assertTrue(some.accepts("a"));
    assertFalse(some.accepts("b"));
    assertTrue(some.withAllowUnknownTools(true).accepts("b"));
    assertTrue(some.withAllowUnknownTools(true).allowUnknownTools());
    assertEquals("a", some.withReasoning("pass").tools().get(0).name());
    ParserOptions defaults = new ParserOptions(null, false, null, null);
    assertEquals("split", defaults.reasoning());
    assertTrue(defaults.tools().isEmpty());
    String id = defaults.idForIndex().apply(0);
    assertTrue(id.matches("call[A-Za-z0-9]{24}"), id);
  }

  @Test
  void autoPassesStructuredDeltasAndCountsCalls() {
    ParseResult r = new ParseResult();
    StreamingToolParser p = ToolParsers.create("auto", new ParserOptions(List.of(), false, "split", i -> "i" + i));
    assertEquals(0, p.toolCallCount());
    p.feedToolCallDelta(0, "x", "f", "{\"a\"", r);
    p.feedToolCallDelta(0, null, null, ": 1}", r);
    p.finish(r);
    assertEquals(List.of(new ParseResult.Call(0, "x", "f", "{\"a\":1}")), r.toolCalls());
    assertEquals(1, p.toolCallCount());
    ParseResult h = new ParseResult();
    StreamingToolParser q = ToolParsers.create("auto", ParserOptions.of(List.of()));
    q.feed("  <|chan", h);
    assertEquals(List.of(), h.toolCalls());
    assertNull(h.content(), "undecided between harmony and the rest: held");
    q.feed("nel|>final<|message|>Hi", h);
    q.finish(h);
    assertEquals("  Hi", h.content(), "text before harmony's header is content as written");
    ParseResult t = new ParseResult();
    StreamingToolParser u = ToolParsers.create("auto", ParserOptions.of(List.of()));
    u.feed("<|cha", t);
    u.feedToolCallDelta(0, null, "g", "{}", t);
    u.finish(t);
    assertEquals("<|cha", t.content(), "a structured delta decides: not harmony");
    assertEquals("g", t.toolCalls().get(0).name());
    ParseResult e = new ParseResult();
    StreamingToolParser v = ToolParsers.create("auto", ParserOptions.of(List.of()));
    v.feed(" <|st", e);
    v.finish(e);
    assertEquals(" <|st", e.content());
  }

  @Test
  void passThroughKeepsEverything() {
    ParseResult r = new ParseResult();
    StreamingToolParser p = ToolParsers.create("none", ParserOptions.of(List.of()));
    p.feed("", r);
    p.feed(null, r);
    p.feed("<tool_call>{\"name\": \"a\"}</tool_call> ", r);
    p.feed("  ", r);
    p.finish(r);
    assertEquals("<tool_call>{\"name\": \"a\"}</tool_call>   ", r.content());
    assertEquals(0, p.toolCallCount());
  }

  @Test
  void parseRequests() {
    JsonObject req = new JsonObject().put("format", "hermes").put("model_output",
        "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>").put("tools", new JsonArray().add(
            new JsonObject().put("name", "g")));
    assertEquals("<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>", ParseRequests.run(req).content());
    assertEquals("f", ParseRequests.run(req.copy().put("allow_unknown_tools", true)).toolCalls().get(0).name());
    assertEquals("f", ParseRequests.run(req.copy().put("tools", null).put("text",
        "<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>")).toolCalls().get(0).name());
    JsonObject think = new JsonObject().put("format", "hermes").put("model_output", "<think>r</think>c");
    assertEquals("r", ParseRequests.run(think).reasoningContent());
    assertEquals("<think>r</think>c", ParseRequests.run(think.copy().put("reasoning", "pass")).content());
    JsonObject streamed = think.copy().put("stream_deltas", new JsonArray().add("<thi").add("nk>r</think>c"));
    assertEquals("c", ParseRequests.run(streamed).content());
    assertNull(ParseRequests.run(new JsonObject().put("format", "none")).content());
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("format", ""),
        new JsonObject().put("format", 1), think.copy().put("tools", "x"), think.copy().put("stream_deltas", "x"),
        think.copy().put("stream_deltas", new JsonArray().add(1)), new JsonObject().put("format", "hermes")
            .put("text", 5), think.copy().put("reasoning", "loud"), think.copy().put("format", "nope"))) {
      assertThrows(IllegalArgumentException.class, () -> ParseRequests.run(bad), bad.encode());
    }
  }
}
