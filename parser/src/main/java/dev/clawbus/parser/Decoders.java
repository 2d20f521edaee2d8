package dev.clawbus.parser;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The block decoders, one per markup style. All return null for text that is not a well-formed call. */
final class Decoders {
  private Decoders() {}

  private static final BlockDecoder JSON_CALLS = jsonCalls();

  /**
   * JSON call objects ({"name", "arguments"|"parameters"}), alone, in arrays, or several separated by blanks,
   * commas or semicolons; an optional prefix (InternLM's {@code <|plugin|>}) and code fences are skipped.
   */
  static BlockDecoder jsonCalls(String... skipPrefixes) {
    return (body, complete, o) -> {
      String t = body.strip();
      for (String p : skipPrefixes) {
        if (t.startsWith(p)) t = t.substring(p.length()).strip();
      }
      t = unfence(t);
      List<RawCall> out = new ArrayList<>();
      int i = 0;
      int n = t.length();
      while (i < n) {
        char c = t.charAt(i);
        if (Balance.isBlank(c) || c == ';' || c == ',') {
          i++;
          continue;
        }
        int e = Balance.valueEnd(t, i, false);
        if (e < 0) return null;
        Object v = JsonValues.parse(t.substring(i, e));
        if (!JsonValues.collectCalls(v, out)) return null;
        i = e;
      }
      return out.isEmpty() ? null : out;
    };
  }

  static String unfence(String t) {
    if (t.startsWith("```")) {
      int nl = t.indexOf('\n');
      int end = t.lastIndexOf("```");
      if (nl > 0 && end > nl) return t.substring(nl + 1, end).strip();
    }
    return t;
  }

  /**
   * Qwen3-Coder XML: {@code <function=NAME><parameter=P>value</parameter>…</function>}, possibly several.
   * Values are text typed by the schema; one leading and one trailing newline around a value are layout.
   */
  static List<RawCall> xmlFunctions(String body, boolean complete, ParserOptions o) {
    List<RawCall> out = new ArrayList<>();
    int i = body.indexOf("<function=");
    if (i < 0) return null;
    while (i >= 0) {
      int nameEnd = body.indexOf('>', i);
      if (nameEnd < 0) return null;
      String name = body.substring(i + "<function=".length(), nameEnd).strip();
      int next = body.indexOf("<function=", nameEnd);
      int close = body.indexOf("</function>", nameEnd);
      int segEnd;
      if (close >= 0 && (next < 0 || close < next)) {
        segEnd = close;
      } else {
        // vLLM tolerates a missing </function> before the next function or the end of the block, but a call
        // cut off by the end of output might be truncated: only take it when the block itself was closed.
        if (!complete) return null;
        segEnd = next >= 0 ? next : body.length();
      }
      if (name.isEmpty()) return null;
      ToolSpec tool = o.tool(name);
      out.add(new RawCall(name, xmlParameters(body, nameEnd + 1, segEnd, "<parameter=", "</parameter>", tool)));
      i = next;
    }
    return out;
  }

  private static JsonObject xmlParameters(String s, int from, int to, String open, String close, ToolSpec tool) {
    JsonObject args = new JsonObject();
    int p = s.indexOf(open, from);
    while (p >= 0 && p < to) {
      int ne = s.indexOf('>', p);
      if (ne < 0 || ne >= to) break;
      String pname = s.substring(p + open.length(), ne).strip();
      int vEnd = to;
      int c = s.indexOf(close, ne);
      if (c >= 0 && c < vEnd) vEnd = c;
      int nx = s.indexOf(open, ne);
      if (nx >= 0 && nx < vEnd) vEnd = nx;
      String value = trimOneNewline(s.substring(ne + 1, vEnd));
      args.put(pname, ValueTyper.schemaTyped(value, tool == null ? null : tool.propertySchema(pname)));
      p = nx >= 0 && nx < to ? nx : -1;
    }
    return args;
  }

  static String trimOneNewline(String v) {
    int a = v.startsWith("\n") ? 1 : v.startsWith("\r\n") ? 2 : 0;
    int b = v.length();
    if (b > a && v.endsWith("\n")) b -= (b - 1 > a && v.charAt(b - 2) == '\r') ? 2 : 1;
    return v.substring(a, b);
  }

  /**
   * GLM-4.5/4.7: {@code NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>…} (4.7 without the newlines),
   * or the older {@code NAME\n{json}}. String-typed parameters stay text, others are JSON when they parse.
   */
  static List<RawCall> glm(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    int k = t.indexOf("<arg_key>");
    int nl = t.indexOf('\n');
    int brace = t.indexOf('{');
    int nameEnd = k >= 0 ? k : nl >= 0 ? nl : brace >= 0 ? brace : t.length();
    if (brace >= 0 && brace < nameEnd) nameEnd = brace;
    String name = t.substring(0, nameEnd).strip();
    if (name.isEmpty() || !isName(name)) return null;
    String rest = t.substring(nameEnd).strip();
    if (rest.startsWith("{")) {
      JsonObject args = JsonValues.parseObject(rest);
      return args == null ? null : List.of(new RawCall(name, args));
    }
    ToolSpec tool = o.tool(name);
    JsonObject args = new JsonObject();
    int p = 0;
    while (p < rest.length()) {
      int ks = rest.indexOf("<arg_key>", p);
      if (ks < 0) {
        if (!rest.substring(p).isBlank()) return null;
        break;
      }
      if (!rest.substring(p, ks).isBlank()) return null;
      int ke = rest.indexOf("</arg_key>", ks);
      int vs = rest.indexOf("<arg_value>", ke);
      int ve = rest.indexOf("</arg_value>", vs);
      if (ke < 0 || vs < 0 || ve < 0 || !rest.substring(ke + 10, vs).isBlank()) return null;
      String key = rest.substring(ks + 9, ke).strip();
      String value = rest.substring(vs + 11, ve);
      args.put(key, ValueTyper.jsonUnlessString(value, tool == null ? null : tool.propertySchema(key)));
      p = ve + 12;
    }
    return List.of(new RawCall(name, args));
  }

  static boolean isName(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':')) return false;
    }
    return true;
  }

  /**
   * What {@code <tool_call>} holds depends on the family: a JSON object or list (Hermes), Qwen3 XML, GLM's
   * name and argument pairs. This one takes any of them, for the families where the markup is shared.
   */
  static BlockDecoder toolCallBody(boolean allowGlm) {
    BlockDecoder json = jsonCalls();
    return (body, complete, o) -> {
      String t = body.strip();
      if (t.startsWith("{") || t.startsWith("[") || t.startsWith("```")) return json.decode(body, complete, o);
      if (t.contains("<function=")) return xmlFunctions(body, complete, o);
      if (allowGlm && complete) return glm(body, complete, o);
      return null;
    };
  }

  /**
   * DeepSeek V3 ({@code function<｜tool▁sep｜>NAME\n```json\n{…}\n```}) and V3.1 ({@code NAME<｜tool▁sep｜>{…}})
   * inside {@code <｜tool▁call▁begin｜>…<｜tool▁call▁end｜>}.
   */
  static List<RawCall> deepseek(String body, boolean complete, ParserOptions o) {
    return sections(body, "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", seg -> {
      int sep = seg.indexOf("<｜tool▁sep｜>");
      if (sep < 0) return null;
      String left = seg.substring(0, sep).strip();
      String right = seg.substring(sep + "<｜tool▁sep｜>".length());
      String name;
      String args;
      int fence = right.indexOf("```");
      if (fence >= 0) {
        name = right.substring(0, fence).strip();
        String f = right.substring(fence).strip();
        if (!f.endsWith("```")) return null;
        args = unfence(f);
      } else {
        name = left;
        args = right.strip();
      }
      if (name.isEmpty() || !isName(name)) return null;
      JsonObject a = args.isEmpty() ? new JsonObject() : JsonValues.parseObject(args);
      return a == null ? null : new RawCall(name, a);
    });
  }

  /** Kimi K2: {@code <|tool_call_begin|>functions.NAME:IDX<|tool_call_argument_begin|>{…}<|tool_call_end|>}. */
  static List<RawCall> kimi(String body, boolean complete, ParserOptions o) {
    return sections(body, "<|tool_call_begin|>", "<|tool_call_end|>", seg -> {
      int sep = seg.indexOf("<|tool_call_argument_begin|>");
      if (sep < 0) return null;
      String id = seg.substring(0, sep).strip();
      String name = id;
      int colon = name.indexOf(':');
      if (colon >= 0) name = name.substring(0, colon);
      int dot = name.lastIndexOf('.');
      if (dot >= 0) name = name.substring(dot + 1);
      if (name.isEmpty() || !isName(name)) return null;
      String args = seg.substring(sep + "<|tool_call_argument_begin|>".length()).strip();
      JsonObject a = args.isEmpty() ? new JsonObject() : JsonValues.parseObject(args);
      return a == null ? null : new RawCall(name, a, id);
    });
  }

  /**
   * {@code <invoke name="N"><parameter name="P">v</parameter></invoke>} (MiniMax-M2) and the
   * {@code steptml:} variant (Step-3); values are typed by the schema like Qwen3-Coder's.
   */
  static BlockDecoder invokes(String prefix) {
    String invokeOpen = "<" + prefix + "invoke ";
    String invokeClose = "</" + prefix + "invoke>";
    String paramOpen = "<" + prefix + "parameter ";
    String paramClose = "</" + prefix + "parameter>";
    return (body, complete, o) -> {
      List<RawCall> out = new ArrayList<>();
      int i = body.indexOf(invokeOpen);
      if (i < 0) return null;
      while (i >= 0) {
        int ne = body.indexOf('>', i);
        int end = body.indexOf(invokeClose, i);
        if (ne < 0 || end < 0 || end < ne) return null;
        String name = attribute(body.substring(i + invokeOpen.length(), ne), "name");
        if (name == null || name.isEmpty()) return null;
        ToolSpec tool = o.tool(name);
        JsonObject args = new JsonObject();
        int p = body.indexOf(paramOpen, ne);
        while (p >= 0 && p < end) {
          int pe = body.indexOf('>', p);
          int pc = body.indexOf(paramClose, pe);
          if (pe < 0 || pc < 0 || pc > end) return null;
          String attrs = body.substring(p + paramOpen.length(), pe);
          String pname = attribute(attrs, "name");
          if (pname == null) return null;
          String value = trimOneNewline(body.substring(pe + 1, pc));
          // DeepSeek V3.2 says per parameter whether the value is a raw string or JSON
          String isString = attribute(attrs, "string");
          Object v;
          if ("true".equals(isString)) {
            v = value;
          } else if ("false".equals(isString)) {
            Object j = JsonValues.parse(value);
            v = j == JsonValues.FAIL ? value : j;
          } else {
            v = ValueTyper.schemaTyped(value, tool == null ? null : tool.propertySchema(pname));
          }
          args.put(pname, v);
          p = body.indexOf(paramOpen, pc);
        }
        out.add(new RawCall(name, args));
        i = body.indexOf(invokeOpen, end);
      }
      return out;
    };
  }

  /** The value of {@code key="…"} (or single quotes) in a tag's attribute text, or null. */
  static String attribute(String attrs, String key) {
    int i = 0;
    while ((i = attrs.indexOf(key, i)) >= 0) {
      boolean boundary = i == 0 || Character.isWhitespace(attrs.charAt(i - 1));
      int j = i + key.length();
      while (j < attrs.length() && Character.isWhitespace(attrs.charAt(j))) j++;
      if (boundary && j < attrs.length() && attrs.charAt(j) == '=') {
        j++;
        while (j < attrs.length() && Character.isWhitespace(attrs.charAt(j))) j++;
        if (j >= attrs.length()) return null;
        char q = attrs.charAt(j);
        if (q == '"' || q == '\'') {
          int e = attrs.indexOf(q, j + 1);
          return e < 0 ? null : attrs.substring(j + 1, e).strip();
        }
        int e = j;
        while (e < attrs.length() && !Character.isWhitespace(attrs.charAt(e))) e++;
        return attrs.substring(j, e);
      }
      i = j;
    }
    return null;
  }

  /**
   * Mistral after {@code [TOOL_CALLS]}: a JSON list or object of calls, or {@code NAME[CALL_ID]id[ARGS]{…}} /
   * {@code NAME{…}}.
   */
  static List<RawCall> mistral(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    if (t.startsWith("[") || t.startsWith("{")) return JSON_CALLS.decode(t, complete, o);
    int brace = t.indexOf('{');
    if (brace <= 0) return null;
    String head = t.substring(0, brace);
    String id = null;
    int argsTag = head.indexOf("[ARGS]");
    if (argsTag >= 0) head = head.substring(0, argsTag);
    int idTag = head.indexOf("[CALL_ID]");
    if (idTag >= 0) {
      id = head.substring(idTag + "[CALL_ID]".length()).strip();
      head = head.substring(0, idTag);
    }
    String name = head.strip();
    if (name.isEmpty() || !isName(name)) return null;
    JsonObject args = JsonValues.parseObject(t.substring(brace));
    return args == null ? null : List.of(new RawCall(name, args, id == null || id.isEmpty() ? null : id));
  }

  /** A bare bracket list: JSON calls ({@code [{…}]}) or pythonic ({@code [f(a=1)]}). */
  static List<RawCall> bracketList(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    int i = t.startsWith("[") ? 1 : 0;
    while (i < t.length() && Balance.isBlank(t.charAt(i))) i++;
    if (i < t.length() && t.charAt(i) == '{') return JSON_CALLS.decode(t, complete, o);
    return PythonLiteral.callList(t);
  }

  /** OLMo 3: one pythonic call per line between {@code <function_calls>} and {@code </function_calls>}. */
  static List<RawCall> pythonLines(String body, boolean complete, ParserOptions o) {
    if (!complete) return null;
    String t = body.strip();
    if (t.startsWith("[")) return bracketList(t, true, o);
    StringBuilder list = new StringBuilder("[");
    for (String line : t.split("\n")) {
      if (line.isBlank()) continue;
      if (list.length() > 1) list.append(", ");
      list.append(line.strip());
    }
    return PythonLiteral.callList(list.append(']').toString());
  }

  /** Llama 4 between {@code <|python_start|>} and {@code <|python_end|>}: pythonic list or JSON. */
  static List<RawCall> pythonBlock(String body, boolean complete, ParserOptions o) {
    if (!complete) return null;
    String t = body.strip();
    if (t.startsWith("{")) return JSON_CALLS.decode(t, true, o);
    return bracketList(t, true, o);
  }

  private interface Section {
    RawCall decode(String segment);
  }

  private static List<RawCall> sections(String body, String open, String close, Section s) {
    List<RawCall> out = new ArrayList<>();
    int i = body.indexOf(open);
    if (i < 0) return null;
    while (i >= 0) {
      int e = body.indexOf(close, i);
      if (e < 0) return null;
      RawCall c = s.decode(body.substring(i + open.length(), e));
      if (c == null) return null;
      out.add(c);
      i = body.indexOf(open, e);
    }
    return out;
  }
}
