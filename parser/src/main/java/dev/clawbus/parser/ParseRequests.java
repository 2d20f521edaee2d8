package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One parse request object ({@code {"format","text"|"model_output","tools"?,"stream_deltas"?,"reasoning"?}})
 * to its result: the CLI's {@code --jsonl} mode. A malformed request is an IllegalArgumentException.
 */
final class ParseRequests {
  private ParseRequests() {}

  static ParseResult run(JsonObject req) {
    Object format = req.getValue("format");
    if (!(format instanceof String f) || f.isEmpty()) throw new IllegalArgumentException("'format' is required");
    Object tools = req.getValue("tools");
    if (tools != null && !(tools instanceof JsonArray)) throw new IllegalArgumentException("'tools' must be an array");
    Object reasoning = req.getValue("reasoning");
    ParserOptions o = ParserOptions.of(ToolSpec.fromRequestTools((JsonArray) tools));
    if (reasoning instanceof String r) o = o.withReasoning(r);
    if (Boolean.TRUE.equals(req.getValue("allow_unknown_tools"))) o = o.withAllowUnknownTools(true);
    Object deltas = req.getValue("stream_deltas");
    if (deltas != null) {
      if (!(deltas instanceof JsonArray a)) throw new IllegalArgumentException("'stream_deltas' must be an array");
      List<String> pieces = new ArrayList<>(a.size());
      for (Object p : a) {
        if (!(p instanceof String s)) throw new IllegalArgumentException("'stream_deltas' must hold strings");
        pieces.add(s);
      }
      return ParseResult.parseStream(f, pieces, o);
    }
    Object text = req.containsKey("text") ? req.getValue("text") : req.getValue("model_output");
    if (text != null && !(text instanceof String)) throw new IllegalArgumentException("'text' must be a string");
    return ParseResult.parse(f, (String) text, o);
  }
}
