package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rescue and pass-through: vLLM's structured tool_call deltas and markup it left in content. */
class StructuredDeltaTest {
  private static final List<ToolSpec> TOOLS = ToolSpec.fromRequestTools(new JsonArray()
      .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "exec")))
      .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "read"))));

  private static ParserOptions options() {
    return new ParserOptions(TOOLS, false, "split", i -> "id" + i);
  }

  @Test
  void structuredCallsAreAccumulatedAndEmittedWholePerIndex() {
    ParseResult r = new ParseResult();
    StreamingToolParser p = ToolParsers.create("qwen3_coder", options());
    p.feedToolCallDelta(0, "chatcmpl-tool-1", "exec", "", r);
    p.feedToolCallDelta(0, null, null, "{\"comm", r);
    p.feedToolCallDelta(0, null, null, "and\": \"ls\"}", r);
    assertEquals(0, r.toolCalls().size(), "held until the next index or the end");
    p.feedToolCallDelta(1, "chatcmpl-tool-2", "read", null, r);
    assertEquals(1, r.toolCalls().size());
    p.finish(r);
    assertEquals(List.of(new ParseResult.Call(0, "chatcmpl-tool-1", "exec", "{\"command\":\"ls\"}"),
        new ParseResult.Call(1, "chatcmpl-tool-2", "read", "{}")), r.toolCalls());
    assertNull(r.content());
  }

  @Test
  void markupLeftInContentAndStructuredCallsShareOneNumbering() {
    ParseResult r = new ParseResult();
    StreamingToolParser p = ToolParsers.create("hermes", options());
    p.feed("<tool_call>{\"name\": \"read\", \"arguments\": {\"path\": \"a\"}}</tool_call>", r);
    p.feedToolCallDelta(0, "x", "exec", "{\"command\":\"pwd\"}", r);
    p.finish(r);
    assertEquals(2, r.toolCalls().size());
    assertEquals("read", r.toolCalls().get(0).name());
    assertEquals(0, r.toolCalls().get(0).index());
    assertEquals("exec", r.toolCalls().get(1).name());
    assertEquals(1, r.toolCalls().get(1).index());
    assertEquals(2, p.toolCallCount());
  }

  @Test
  void brokenStructuredArgumentsOrUnknownNamesStayContent() {
    ParseResult r = new ParseResult();
    StreamingToolParser p = ToolParsers.create("none", options());
    p.feedToolCallDelta(0, "a", "exec", "{\"command\": \"ls", r);
    p.feedToolCallDelta(1, "b", "drop_db", "{}", r);
    p.finish(r);
    assertEquals(0, r.toolCalls().size());
    assertEquals("exec{\"command\": \"lsdrop_db{}", r.content());
  }

  @Test
  void unknownToolsAreCallsWhenAllowed() {
    ParserOptions o = options().withAllowUnknownTools(true);
    ParseResult r = ParseResult.parse("hermes", "<tool_call>{\"name\": \"drop_db\", \"arguments\": {}}</tool_call>", o);
    assertEquals("drop_db", r.toolCalls().get(0).name());
  }
}
