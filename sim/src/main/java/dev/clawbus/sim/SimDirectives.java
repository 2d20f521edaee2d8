package dev.clawbus.sim;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code [[sim ...]]} directives of one request, read from its last user message. The syntax is
 * documented on {@link VllmSimulator}.
 */
record SimDirectives(Integer words, Long seed, Integer tokensPerSecond, Integer ttftMs, String text,
    Integer errorStatus, Integer errorAfterTokens, List<ToolSpec> tools, String afterTool) {

  static final SimDirectives NONE = new SimDirectives(null, null, null, null, null, null, null, List.of(), null);

  /** Where {@code after_tool} puts the content of the last tool message. */
  static final String RESULT_PLACEHOLDER = "{result}";

  /**
   * One tool call the model will make: as structured {@code tool_calls} or printed as Qwen3-Coder XML, in round
   * {@code turn} of the exchange (1: answering the user message; N: after N-1 rounds of tool results).
   */
  record ToolSpec(String name, JsonObject args, boolean xml, String id, int turn) {
    ToolSpec(String name, JsonObject args, boolean xml, String id) {
      this(name, args, xml, id, 1);
    }
  }

  /** A directive the simulator cannot understand: answered with a 400 so test authors see their typo. */
  static final class DirectiveException extends RuntimeException {
    DirectiveException(String message) {
      super(message, null, false, false);
    }
  }

  private static final String OPEN = "[[sim";

  /**
   * The directives of the last user message, for the round the exchange is in: round 1 answers the user message,
   * and each run of {@code tool} messages after it starts the next round. Text directives and tools without
   * {@code turn} belong to round 1; a tool with {@code turn=N} is called in round N. In a later round without a tool
   * of its own the model answers {@code after_tool} (with {@value #RESULT_PLACEHOLDER} replaced by the content of
   * the last tool message) or, without it, plain words, so an agent loop driven by the simulator ends.
   */
  static SimDirectives of(JsonArray messages) {
    if (messages == null) return NONE;
    int toolRuns = 0;
    boolean inRun = false;
    String lastToolResult = null;
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (!(messages.getValue(i) instanceof JsonObject o)) continue;
      String role = o.getString("role");
      boolean tool = "tool".equals(role);
      if (tool && !inRun) {
        toolRuns++;
        if (lastToolResult == null) lastToolResult = SimTokenizer.contentText(o.getValue("content"));
      }
      inRun = tool;
      if ("user".equals(role)) {
        SimDirectives d = parse(SimTokenizer.contentText(o.getValue("content")));
        return toolRuns == 0 ? d.forTurn(1, null) : d.forTurn(toolRuns + 1, lastToolResult);
      }
    }
    return NONE;
  }

  /** What round {@code turn} answers; {@code toolResult} is the last tool message's content (null in round 1). */
  private SimDirectives forTurn(int turn, String toolResult) {
    List<ToolSpec> now = tools.stream().filter(t -> t.turn() == turn).toList();
    if (turn == 1) {
      return new SimDirectives(words, seed, tokensPerSecond, ttftMs, text, errorStatus, errorAfterTokens, now, null);
    }
    String reply = now.isEmpty() && afterTool != null ? afterTool.replace(RESULT_PLACEHOLDER, toolResult) : null;
    return new SimDirectives(reply != null ? null : words, seed, tokensPerSecond, ttftMs, reply, errorStatus,
        errorAfterTokens, now, null);
  }

  static SimDirectives parse(String s) {
    if (s == null || !s.contains(OPEN)) return NONE;
    Builder b = new Builder();
    int at = 0;
    while ((at = s.indexOf(OPEN, at)) >= 0) {
      int i = at + OPEN.length();
      if (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != ']') {
        at = i; // e.g. "[[simulate": not ours
        continue;
      }
      at = parseBlock(s, i, b);
    }
    return b.build();
  }

  private static int parseBlock(String s, int i, Builder b) {
    ToolBuilder tool = new ToolBuilder();
    int len = s.length();
    while (true) {
      while (i < len && Character.isWhitespace(s.charAt(i))) i++;
      if (i >= len) throw new DirectiveException("unterminated [[sim ...]] directive: missing ]]");
      if (s.startsWith("]]", i)) {
        b.finishTool(tool);
        return i + 2;
      }
      int eq = s.indexOf('=', i);
      if (eq < 0) throw new DirectiveException("sim directive: expected key=value at '" + snippet(s, i) + "'");
      String key = s.substring(i, eq).trim();
      int v = eq + 1;
      int end = valueEnd(s, v);
      String raw = s.substring(v, end);
      i = end;
      b.put(key, raw, tool);
    }
  }

  /** Values are bare words, JSON strings ("a \"b\""), or JSON objects/arrays; brackets in strings are fine. */
  private static int valueEnd(String s, int v) {
    int len = s.length();
    if (v >= len) return v;
    char c = s.charAt(v);
    if (c == '"') {
      for (int j = v + 1; j < len; j++) {
        char d = s.charAt(j);
        if (d == '\\') j++;
        else if (d == '"') return j + 1;
      }
      throw new DirectiveException("sim directive: unterminated string value");
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      boolean inString = false;
      for (int j = v; j < len; j++) {
        char d = s.charAt(j);
        if (inString) {
          if (d == '\\') j++;
          else if (d == '"') inString = false;
        } else if (d == '"') {
          inString = true;
        } else if (d == '{' || d == '[') {
          depth++;
        } else if ((d == '}' || d == ']') && --depth == 0) {
          return j + 1;
        }
      }
      throw new DirectiveException("sim directive: unbalanced JSON value");
    }
    int j = v;
    while (j < len && !Character.isWhitespace(s.charAt(j)) && !s.startsWith("]]", j)) j++;
    return j;
  }

  private static String snippet(String s, int i) {
    return s.substring(i, Math.min(s.length(), i + 20));
  }

  private static final class ToolBuilder {
    String name;
    JsonObject args;
    Boolean xml;
    String id;
    Integer turn;
  }

  private static final class Builder {
    Integer words;
    Long seed;
    Integer tps;
    Integer ttft;
    String text;
    Integer error;
    Integer errorAfter;
    String afterTool;
    boolean xmlDefault;
    final List<ToolBuilder> tools = new ArrayList<>();

    void put(String key, String raw, ToolBuilder tool) {
      switch (key) {
        case "words" -> words = positive(key, raw, 0);
        case "seed" -> seed = parseLong(key, raw);
        case "tps" -> tps = positive(key, raw, 1);
        case "ttft_ms" -> ttft = positive(key, raw, 0);
        case "text" -> text = string(raw);
        case "text_b64" -> text = base64(raw);
        case "error" -> error = positive(key, raw, 400);
        case "error_after" -> errorAfter = positive(key, raw, 0);
        case "tool" -> tool.name = string(raw);
        case "id" -> tool.id = string(raw);
        case "turn" -> tool.turn = positive(key, raw, 1);
        case "after_tool" -> afterTool = string(raw);
        case "args" -> tool.args = args(raw);
        case "mode" -> {
          if (!raw.equals("xml") && !raw.equals("structured")) {
            throw new DirectiveException("sim directive: mode must be xml or structured, got '" + raw + "'");
          }
          tool.xml = raw.equals("xml");
        }
        default -> throw new DirectiveException("sim directive: unknown key '" + key + "'");
      }
    }

    void finishTool(ToolBuilder t) {
      if (t.name != null) {
        tools.add(t);
        if (t.xml != null) xmlDefault = t.xml;
      } else if (t.args != null || t.id != null || t.turn != null) {
        throw new DirectiveException("sim directive: args/id/turn need tool=NAME in the same [[sim ...]] block");
      } else if (t.xml != null) {
        xmlDefault = t.xml;
      }
    }

    SimDirectives build() {
      List<ToolSpec> specs = new ArrayList<>(tools.size());
      for (ToolBuilder t : tools) {
        specs.add(new ToolSpec(t.name, t.args == null ? new JsonObject() : t.args,
            t.xml == null ? xmlDefault : t.xml, t.id, t.turn == null ? 1 : t.turn));
      }
      return new SimDirectives(words, seed, tps, ttft, text, error, errorAfter, List.copyOf(specs), afterTool);
    }
  }

  private static int positive(String key, String raw, int min) {
    try {
      int n = Integer.parseInt(raw);
      if (n < min) throw new DirectiveException("sim directive: " + key + " must be >= " + min + ", got " + raw);
      return n;
    } catch (NumberFormatException e) {
      throw new DirectiveException("sim directive: " + key + " must be an integer, got '" + raw + "'");
    }
  }

  private static long parseLong(String key, String raw) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new DirectiveException("sim directive: " + key + " must be an integer, got '" + raw + "'");
    }
  }

  private static String string(String raw) {
    if (raw.startsWith("\"")) {
      try {
        return (String) Json.decodeValue(raw);
      } catch (DecodeException | ClassCastException e) {
        throw new DirectiveException("sim directive: bad JSON string " + raw);
      }
    }
    return raw;
  }

  private static String base64(String raw) {
    try {
      return new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new DirectiveException("sim directive: text_b64 is not base64");
    }
  }

  private static JsonObject args(String raw) {
    try {
      return new JsonObject(raw);
    } catch (DecodeException e) {
      throw new DirectiveException("sim directive: args must be a JSON object, got " + raw);
    }
  }
}
