package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The assembled result of parsing one response: content (null when none), reasoning (null when none) and
 * the calls in order. Also a {@link ParserSink}, so streaming output can be assembled into it.
 */
public final class ParseResult implements ParserSink {
  /** One call as emitted. */
  public record Call(int index, String id, String name, String argumentsJson) {}

  private StringBuilder content;
  private StringBuilder reasoning;
  private final List<Call> calls = new ArrayList<>();

  public ParseResult() {}

  /** Non-streaming: the whole text as one piece. */
  public static ParseResult parse(String format, String text, ParserOptions o) {
    StreamingToolParser p = ToolParsers.create(format, o);
    ParseResult r = new ParseResult();
    if (text != null) p.feed(text, r);
    p.finish(r);
    return r;
  }

  /** Streaming: the pieces fed one at a time, output assembled from what the parser emitted. */
  public static ParseResult parseStream(String format, List<String> pieces, ParserOptions o) {
    StreamingToolParser p = ToolParsers.create(format, o);
    ParseResult r = new ParseResult();
    for (String s : pieces) p.feed(s, r);
    p.finish(r);
    return r;
  }

  @Override
  public void content(String text) {
    if (content == null) content = new StringBuilder();
    content.append(text);
  }

  @Override
  public void reasoning(String text) {
    if (reasoning == null) reasoning = new StringBuilder();
    reasoning.append(text);
  }

  @Override
  public void toolCall(int index, String id, String name, String argumentsJson) {
    calls.add(new Call(index, id, name, argumentsJson));
  }

  public String content() {
    return content == null ? null : content.toString();
  }

  public String reasoningContent() {
    return reasoning == null ? null : reasoning.toString();
  }

  public List<Call> toolCalls() {
    return Collections.unmodifiableList(calls);
  }

  /** {@code {"content", "tool_calls": [{"name", "arguments": {…}}], "reasoning_content"}}. */
  public JsonObject toJson() {
    JsonArray tc = new JsonArray();
    for (Call c : calls) {
      tc.add(new JsonObject().put("name", c.name()).put("arguments", new JsonObject(c.argumentsJson())));
    }
    return new JsonObject().put("content", content()).put("tool_calls", tc).put("reasoning_content",
        reasoningContent());
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
