package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
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
    return jsonCalls(false, skipPrefixes);
  }

  /**
   * As {@link #jsonCalls(String...)}; with {@code requireArgs} an object without "arguments"/"parameters" is not
   * a call (bare JSON, where a lone {@code {"name": …}} is more likely data than a call).
   */
  static BlockDecoder jsonCalls(boolean requireArgs, String... skipPrefixes) {
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
        if (requireArgs && !JsonValues.hasArguments(v)) return null;
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
   * or the older {@code NAME\n{json}}. As vLLM: the name is stripped, text between pairs is ignored (also a
   * literal {@code \n} the model sometimes writes), string-typed values stay text as written, others are
   * stripped and parsed as JSON, then as a Python literal, else kept as text.
   */
  static List<RawCall> glm(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    int k = t.indexOf("<arg_key>");
    int nl = t.indexOf('\n');
    int brace = t.indexOf('{');
    int nameEnd = k >= 0 ? k : nl >= 0 ? nl : brace >= 0 ? brace : t.length();
    if (nl >= 0 && nl < nameEnd) nameEnd = nl;
    if (brace >= 0 && brace < nameEnd) nameEnd = brace;
    String name = t.substring(0, nameEnd).strip();
    if (name.isEmpty() || !isName(name)) return null;
    String rest = t.substring(nameEnd).strip();
    if (rest.startsWith("{")) {
      JsonObject args = JsonValues.parseObject(rest);
      return args == null ? null : List.of(new RawCall(name, args));
    }
    if (!rest.isEmpty() && !rest.startsWith("<arg_key>")) return null;
    List<String[]> pairs = argPairs(rest, true);
    if (pairs == null) return null;
    ToolSpec tool = o.tool(name);
    JsonObject args = new JsonObject();
    for (String[] kv : pairs) {
      String key = kv[0].strip();
      args.put(key, ValueTyper.jsonUnlessString(kv[1], tool == null ? null : tool.propertySchema(key)));
    }
    return List.of(new RawCall(name, args));
  }

  /**
   * The {@code <arg_key>K</arg_key><arg_value>V</arg_value>} pairs of GLM and HY, in order, as written; text
   * between pairs is ignored (as vLLM's pattern does), between a key and its value only blanks (for GLM also a
   * literal {@code \n}). Null when a pair is broken.
   */
  static List<String[]> argPairs(String s, boolean escapedNewlines) {
    List<String[]> out = new ArrayList<>();
    int p = 0;
    while (true) {
      int ks = s.indexOf("<arg_key>", p);
      if (ks < 0) return out;
      int ke = s.indexOf("</arg_key>", ks);
      int vs = ke < 0 ? -1 : s.indexOf("<arg_value>", ke);
      int ve = vs < 0 ? -1 : s.indexOf("</arg_value>", vs);
      if (ve < 0) return null;
      boolean joined = escapedNewlines ? isBlankOrEscapedNewlines(s, ke + 10, vs) : s.substring(ke + 10, vs).isBlank();
      if (!joined) return null;
      out.add(new String[] {s.substring(ks + 9, ke), s.substring(vs + 11, ve)});
      p = ve + 12;
    }
  }

  /** Blanks, or the two chars {@code \n} that GLM 4.7 sometimes writes literally, between two tags. */
  private static boolean isBlankOrEscapedNewlines(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (Balance.isBlank(c)) continue;
      if (c == '\\' && i + 1 < to && s.charAt(i + 1) == 'n') {
        i++;
        continue;
      }
      return false;
    }
    return true;
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
   * inside {@code <｜tool▁call▁begin｜>…<｜tool▁call▁end｜>}; each call stands on its own.
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

  /**
   * Kimi K2: {@code <|tool_call_begin|>functions.NAME:IDX<|tool_call_argument_begin|>{…}<|tool_call_end|>}, each
   * call on its own (one broken call does not take its neighbours with it).
   */
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
   * {@code <invoke name="N"><parameter name="P">v</parameter></invoke>} (MiniMax-M2), the {@code steptml:} variant
   * (Step-3) and DeepSeek's DSML (V3.2, V4); each invoke on its own. Values are typed by the schema like
   * Qwen3-Coder's; DSML says per parameter whether the value is a raw string ({@code string="true"}) or not, and
   * a non-string value is coerced to the schema's types (vLLM's {@code coerce_to_schema_type}), or read as JSON
   * when the tool has no schema for it.
   */
  static BlockDecoder invokes(String prefix) {
    String invokeOpen = "<" + prefix + "invoke ";
    String invokeClose = "</" + prefix + "invoke>";
    String paramOpen = "<" + prefix + "parameter ";
    String paramClose = "</" + prefix + "parameter>";
    boolean dsml = prefix.contains("DSML");
    return (body, complete, o) -> {
      List<RawCall> out = new ArrayList<>();
      int i = body.indexOf(invokeOpen);
      if (i < 0) return null;
      boolean anyCall = false;
      while (i >= 0) {
        int end = body.indexOf(invokeClose, i);
        if (end < 0) {
          out.add(RawCall.rejected(body.substring(i)));
          break;
        }
        String segment = body.substring(i, end + invokeClose.length());
        RawCall c = invoke(segment, invokeOpen.length(), paramOpen, paramClose, dsml, o);
        out.add(c == null ? RawCall.rejected(segment) : c.withText(segment));
        anyCall |= c != null;
        i = body.indexOf(invokeOpen, end);
      }
      return anyCall ? out : null;
    };
  }

  private static RawCall invoke(String seg, int nameFrom, String paramOpen, String paramClose, boolean dsml,
                                ParserOptions o) {
    int ne = seg.indexOf('>');
    if (ne < 0) return null;
    String name = attribute(seg.substring(nameFrom, ne), "name");
    if (name == null || name.isEmpty()) return null;
    ToolSpec tool = o.tool(name);
    JsonObject args = new JsonObject();
    int end = seg.length();
    int p = seg.indexOf(paramOpen, ne);
    while (p >= 0) {
      int pe = seg.indexOf('>', p);
      int pc = pe < 0 ? -1 : seg.indexOf(paramClose, pe);
      if (pc < 0) return null;
      String attrs = seg.substring(p + paramOpen.length(), pe);
      String pname = attribute(attrs, "name");
      if (pname == null) return null;
      JsonObject schema = tool == null ? null : tool.propertySchema(pname);
      Object v;
      if (dsml) {
        String value = seg.substring(pe + 1, pc);
        String isString = attribute(attrs, "string");
        v = "true".equals(isString) ? value : ValueTyper.coerce(value, schema);
      } else {
        v = ValueTyper.schemaTyped(trimOneNewline(seg.substring(pe + 1, pc)), schema);
      }
      args.put(pname, v);
      p = seg.indexOf(paramOpen, pc);
      if (p > end) break;
    }
    return new RawCall(name, dsml ? unwrapArguments(args, tool) : args);
  }

  /**
   * DeepSeek V3.2 sometimes wraps all its arguments in one parameter "arguments" or "input" (an object, or a
   * string holding one). As vLLM: when that name is not in the tool's schema and the wrapped keys all are, the
   * wrapped object is the arguments.
   */
  static JsonObject unwrapArguments(JsonObject args, ToolSpec tool) {
    if (args.size() != 1 || tool == null || tool.parameters() == null) return args;
    if (!(tool.parameters().getValue("properties") instanceof JsonObject props)) return args;
    for (String wrapper : new String[] {"arguments", "input"}) {
      if (!args.containsKey(wrapper) || props.containsKey(wrapper)) continue;
      Object inner = args.getValue(wrapper);
      if (inner instanceof String str) inner = JsonValues.parse(str.strip());
      if (inner instanceof JsonObject obj && props.fieldNames().containsAll(obj.fieldNames())) return obj;
    }
    return args;
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
   * {@code NAME{…}}, or a bare {@code NAME} (a call without arguments, which vLLM drops).
   */
  static List<RawCall> mistral(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    if (t.startsWith("[") || t.startsWith("{")) return JSON_CALLS.decode(t, complete, o);
    int brace = t.indexOf('{');
    String head = brace < 0 ? t : t.substring(0, brace);
    String id = null;
    int argsTag = head.indexOf("[ARGS]");
    if (argsTag >= 0) {
      if (!head.substring(argsTag + 6).isBlank()) return null;
      head = head.substring(0, argsTag);
    }
    int idTag = head.indexOf("[CALL_ID]");
    if (idTag >= 0) {
      id = head.substring(idTag + "[CALL_ID]".length()).strip();
      head = head.substring(0, idTag);
    }
    String name = head.strip();
    if (name.isEmpty() || !isName(name)) return null;
    JsonObject args = brace < 0 ? new JsonObject() : JsonValues.parseObject(t.substring(brace));
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

  /**
   * OLMo 3: pythonic calls one after another (one per line), between {@code <function_calls>} and
   * {@code </function_calls>} or bare at the start of the answer. A bracketed list is not this format (vLLM
   * wraps the lines in a list itself, so a list inside becomes a list of lists and no call).
   */
  static List<RawCall> pythonLines(String body, boolean complete, ParserOptions o) {
    if (!complete) return null;
    String t = body.strip();
    if (t.startsWith("[")) return null;
    return PythonLiteral.callSequence(t);
  }

  /** Llama 4 between {@code <|python_start|>} and {@code <|python_end|>} (or the end): pythonic list or JSON. */
  static List<RawCall> pythonBlock(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    if (t.startsWith("{")) return complete ? JSON_CALLS.decode(t, true, o) : null;
    return bracketList(t, true, o);
  }

  /**
   * Apertus: {@code [{"NAME": {ARGS}}, …]} after {@code <|tools_prefix|>}: each element an object whose single
   * key is the tool's name. Arguments must be an object (null or missing means none).
   */
  static List<RawCall> apertus(String body, boolean complete, ParserOptions o) {
    Object v = JsonValues.parse(body.strip());
    List<Object> items = new ArrayList<>();
    if (v instanceof JsonArray a) items.addAll(a.getList());
    else if (v instanceof JsonObject obj) items.add(obj.getMap());
    else return null;
    List<RawCall> out = new ArrayList<>();
    for (Object item : items) {
      JsonObject obj = item instanceof JsonObject j ? j
          : item instanceof java.util.Map<?, ?> m ? new JsonObject(castMap(m)) : null;
      if (obj == null || obj.size() != 1) return null;
      String name = obj.fieldNames().iterator().next();
      Object raw = obj.getValue(name);
      JsonObject args = JsonValues.arguments(raw, true);
      if (args == null || name.isBlank()) return null;
      out.add(new RawCall(name.strip(), args));
    }
    return out.isEmpty() ? null : out;
  }

  @SuppressWarnings("unchecked")
  private static java.util.Map<String, Object> castMap(java.util.Map<?, ?> m) {
    return (java.util.Map<String, Object>) m;
  }

  /**
   * FunctionGemma: {@code call:NAME{key:<escape>value<escape>,…}} between {@code <start_function_call>} and
   * {@code <end_function_call>}. Values are JSON when they parse (vLLM), except that a parameter the schema
   * types as a string stays text.
   */
  static List<RawCall> functionGemma(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    if (!t.startsWith("call:") || !t.endsWith("}")) return null;
    int brace = t.indexOf('{');
    if (brace < 0) return null;
    String name = t.substring(5, brace);
    if (name.isEmpty() || !isWord(name)) return null;
    String inner = t.substring(brace + 1, t.length() - 1);
    String esc = "<escape>";
    ToolSpec tool = o.tool(name);
    JsonObject args = new JsonObject();
    int i = 0;
    while (true) {
      int vs = inner.indexOf(":" + esc, i);
      if (vs < 0) break;
      int ks = vs;
      while (ks > i && isWordChar(inner.charAt(ks - 1))) ks--;
      int ve = inner.indexOf(esc, vs + 1 + esc.length());
      if (ve < 0) return null; // a value without its closing <escape>: cut off, not a call
      String key = inner.substring(ks, vs);
      String value = inner.substring(vs + 1 + esc.length(), ve);
      if (!key.isEmpty()) {
        args.put(key, ValueTyper.jsonUnlessString(value, tool == null ? null : tool.propertySchema(key), false));
      }
      i = ve + esc.length();
    }
    return List.of(new RawCall(name, args));
  }

  private static boolean isWord(String s) {
    for (int i = 0; i < s.length(); i++) if (!isWordChar(s.charAt(i))) return false;
    return true;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  /**
   * Gemma 4: {@code call:NAME{key:<|"|>text<|"|>,n:42,flag:true,obj:{…},list:[…]}} between {@code <|tool_call>}
   * and {@code <tool_call|>} (or {@code <turn|>}); a stray colon before {@code call:} is tolerated. At the end of
   * output the closing tag may be missing, but not the call's closing brace.
   */
  static List<RawCall> gemma4(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    if (t.startsWith(":")) t = t.substring(1);
    if (!t.startsWith("call:")) return null;
    int brace = t.indexOf('{');
    if (brace < 0) return null;
    String name = t.substring(5, brace).strip();
    if (name.isEmpty()) return null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(isWordChar(c) || c == '-' || c == '.')) return null;
    }
    int close = GemmaArgs.closing(t, brace);
    if (close < 0 || !t.substring(close + 1).isBlank()) return null;
    return List.of(new RawCall(name, GemmaArgs.object(t.substring(brace + 1, close))));
  }

  /**
   * GigaChat 3: one JSON object {@code {"name": …, "arguments": {…}}} after {@code function call<|role_sep|>}
   * (or {@code <|function_call|>}); arguments must be an object.
   */
  static List<RawCall> gigachat(String body, boolean complete, ParserOptions o) {
    if (!(JsonValues.parse(body.strip()) instanceof JsonObject obj)) return null;
    if (!(obj.getValue("name") instanceof String name) || name.isBlank()) return null;
    if (!(obj.getValue("arguments") instanceof JsonObject args)) return null;
    return List.of(new RawCall(name, args));
  }

  /**
   * Hunyuan (HY) V3, inside {@code <tool_calls>}: {@code <tool_call>NAME<tool_sep><arg_key>K</arg_key>
   * <arg_value>V</arg_value>…</tool_call>}, each call on its own; values typed as vLLM's HY parser does.
   */
  static List<RawCall> hyV3(String body, boolean complete, ParserOptions o) {
    return sections(body, "<tool_call>", "</tool_call>", seg -> {
      int sep = seg.indexOf("<tool_sep>");
      if (sep < 0) return null;
      String name = seg.substring(0, sep).strip();
      if (name.isEmpty() || !isName(name)) return null;
      List<String[]> pairs = argPairs(seg.substring(sep + "<tool_sep>".length()), false);
      if (pairs == null) return null;
      ToolSpec tool = o.tool(name);
      JsonObject args = new JsonObject();
      for (String[] kv : pairs) {
        args.put(kv[0], ValueTyper.hyTyped(kv[1], tool == null ? null : tool.propertySchema(kv[0])));
      }
      return new RawCall(name, args);
    });
  }

  /** An XML-ish call inside {@code <tool_calls>}: JSON (Jamba, MiniMax) or HY V3's tags (for {@code auto}). */
  static List<RawCall> toolCallsBlock(String body, boolean complete, ParserOptions o) {
    if (body.strip().startsWith("<tool_call>")) return hyV3(body, complete, o);
    return JSON_CALLS.decode(body, complete, o);
  }

  /**
   * MiniMax inside {@code <tool_calls>}: one JSON object {@code {"name", "arguments"}} per line, each line on its
   * own (a line that is not a call stays content).
   */
  static List<RawCall> minimaxLines(String body, boolean complete, ParserOptions o) {
    List<RawCall> out = new ArrayList<>();
    boolean any = false;
    for (String line : body.split("\n")) {
      String l = line.strip();
      if (l.isEmpty()) continue;
      RawCall c = null;
      if (JsonValues.parse(l) instanceof JsonObject obj && obj.containsKey("arguments")) {
        c = JsonValues.callFromObject(obj);
      }
      if (c == null) {
        out.add(RawCall.rejected(l));
      } else {
        out.add(c.withText(l));
        any = true;
      }
    }
    return any ? out : null;
  }

  /**
   * LFM2's habit of echoing the call it just made, capped with a second {@code <|tool_call_end|>}: swallowed,
   * as vLLM does (an empty list: neither a call nor content).
   */
  static List<RawCall> echo(String body, boolean complete, ParserOptions o) {
    return List.of();
  }

  /** An xLAM code fence: JSON calls, with or without a {@code json} language tag; other fences are not calls. */
  static List<RawCall> fence(String body, boolean complete, ParserOptions o) {
    String t = body;
    int nl = t.indexOf('\n');
    String tag = (nl < 0 ? t : t.substring(0, nl)).strip();
    if (!tag.isEmpty() && !tag.equals("json")) {
      if (!(tag.startsWith("[") || tag.startsWith("{"))) return null;
    } else if (nl >= 0) {
      t = t.substring(nl + 1);
    }
    return JSON_CALLS.decode(t, complete, o);
  }

  /**
   * Kimi K3's XTML inside {@code <|open|>tools<|sep|>}: {@code <|open|>call tool="N" index="1"<|sep|>} then
   * {@code <|open|>argument key="K" type="T"<|sep|>V<|close|>argument<|sep|>}… and {@code <|close|>call<|sep|>},
   * each call on its own. As vLLM: attribute values are unescaped ({@code &quot;}, {@code &amp;}), a
   * {@code type="string"} value (or one without a type) is the text as written, any other is JSON, else the text.
   */
  static List<RawCall> kimiK3(String body, boolean complete, ParserOptions o) {
    return sections(body, "<|open|>call", "<|close|>call<|sep|>", seg -> {
      int sep = seg.indexOf(XTML_SEP);
      if (sep <= 0 || !Character.isWhitespace(seg.charAt(0))) return null;
      String name = xtmlAttribute(seg.substring(0, sep), "tool");
      if (name == null || name.isEmpty()) return null;
      JsonObject args = new JsonObject();
      String open = "<|open|>argument";
      String close = "<|close|>argument<|sep|>";
      int i = seg.indexOf(open, sep);
      while (i >= 0) {
        int vs = seg.indexOf(XTML_SEP, i);
        int ve = vs < 0 ? -1 : seg.indexOf(close, vs);
        if (ve < 0) return null;
        String attrs = seg.substring(i + open.length(), vs);
        String key = xtmlAttribute(attrs, "key");
        if (key == null || attrs.isEmpty() || !Character.isWhitespace(attrs.charAt(0))) return null;
        String type = xtmlAttribute(attrs, "type");
        String raw = seg.substring(vs + XTML_SEP.length(), ve);
        Object v = raw;
        if (type != null && !type.equals("string")) {
          Object j = JsonValues.parse(raw);
          if (j != JsonValues.FAIL) v = j;
        }
        args.put(key, v);
        i = seg.indexOf(open, ve);
      }
      return new RawCall(name, args);
    });
  }

  private static final String XTML_SEP = "<|sep|>";

  private static String xtmlAttribute(String attrs, String key) {
    String v = attribute(attrs, key);
    return v == null ? null : v.replace("&quot;", "\"").replace("&amp;", "&");
  }

  private static final String SOLAR_CALL = "<|tool_call:start|>";
  private static final String SOLAR_ARG = "<|tool_arg:start|>";
  private static final String SOLAR_VALUE = "<|tool_arg:value|>";
  private static final String SOLAR_ARG_END = "<|tool_arg:end|>";

  /**
   * Solar Open2 after {@code <|tool_call:start|>}: {@code NAME\n} then {@code <|tool_arg:start|>K<|tool_arg:value|>V
   * <|tool_arg:end|>}…; the block ends at {@code <|tool_call:end|>}. As vLLM, a call whose end tag the model dropped
   * ends where the next {@code <|tool_call:start|>} begins, a value ends at its end tag, the next argument or the
   * call's end, the first of two same-named arguments wins, and values are coerced to the schema's types (text
   * without a schema). Each call stands on its own; the last one, cut off by the end of output, is not a call.
   */
  static List<RawCall> solarOpen2(String body, boolean complete, ParserOptions o) {
    List<RawCall> out = new ArrayList<>();
    boolean any = false;
    int from = 0;
    while (from >= 0) {
      int next = body.indexOf(SOLAR_CALL, from);
      String seg = body.substring(from, next < 0 ? body.length() : next);
      boolean closed = next >= 0 || complete;
      RawCall c = closed ? solarCall(seg, o) : null;
      String text = SOLAR_CALL + seg + (next < 0 && complete ? "<|tool_call:end|>" : "");
      out.add(c == null ? RawCall.rejected(text) : c.withText(text));
      any |= c != null;
      from = next < 0 ? -1 : next + SOLAR_CALL.length();
    }
    return any ? out : null;
  }

  private static RawCall solarCall(String seg, ParserOptions o) {
    int nl = seg.indexOf('\n');
    if (nl < 0) return null;
    String name = seg.substring(0, nl).strip();
    if (name.isEmpty()) return null;
    ToolSpec tool = o.tool(name);
    JsonObject args = new JsonObject();
    int i = seg.indexOf(SOLAR_ARG, nl);
    while (i >= 0) {
      int ks = i + SOLAR_ARG.length();
      int vs = seg.indexOf(SOLAR_VALUE, ks);
      int nextArg = seg.indexOf(SOLAR_ARG, ks);
      if (vs < 0 || (nextArg >= 0 && nextArg < vs)) {
        i = nextArg; // no value before the next argument: not an argument
        continue;
      }
      int from = vs + SOLAR_VALUE.length();
      int end = seg.indexOf(SOLAR_ARG_END, from);
      int ve = Math.min(end < 0 ? seg.length() : end, nextArg < 0 ? seg.length() : nextArg);
      String key = seg.substring(ks, vs);
      if (!args.containsKey(key)) {
        String value = seg.substring(from, ve);
        JsonObject schema = tool == null ? null : tool.propertySchema(key);
        args.put(key, schema == null ? value : ValueTyper.coerce(value, schema));
      }
      i = nextArg;
    }
    return new RawCall(name, args);
  }

  /**
   * MiniCPM5 after {@code <function}: {@code  name="N">} then {@code <param name="K">V</param>}… (also inside an
   * {@code <arguments>} element). As vLLM: values are stripped, a CDATA section or XML escapes are unwrapped,
   * string-typed parameters stay text and others are JSON, then a Python literal, else the text; parameters the
   * tool does not declare are ignored, a lone undeclared "arguments"/"properties" object is unwrapped into the
   * declared ones; a parameter without a name or given twice, or a missing required one, makes it no call.
   */
  static List<RawCall> miniCpm5(String body, boolean complete, ParserOptions o) {
    if (!complete) return null;
    String t = body.startsWith("name=") ? " " + body : body; // the tokenizer sometimes collapses "<function name="
    if (t.isEmpty() || !Character.isWhitespace(t.charAt(0))) return null;
    int gt = t.indexOf('>');
    if (gt < 0) return null;
    String name = attribute(t.substring(0, gt), "name");
    if (name == null || name.isEmpty()) return null;
    ToolSpec tool = o.tool(name);
    java.util.Set<String> declared = new java.util.HashSet<>();
    if (tool != null && tool.parameters() != null && tool.parameters().getValue("properties") instanceof JsonObject p) {
      declared.addAll(p.fieldNames());
    }
    JsonObject args = new JsonObject();
    int i = t.indexOf("<param", gt);
    while (i >= 0) {
      int tagEnd = t.indexOf('>', i);
      if (tagEnd < 0) return null;
      String pname = attribute(t.substring(i + "<param".length(), tagEnd), "name");
      if (pname == null || pname.isEmpty()) return null;
      int close = t.indexOf("</param>", tagEnd);
      if (close < 0) return null;
      String value = xmlText(t.substring(tagEnd + 1, close)).strip();
      if (!miniCpmArgument(pname, value, args, declared, tool)) return null;
      i = t.indexOf("<param", close);
    }
    if (tool != null && tool.parameters() != null && tool.parameters().getValue("required") instanceof JsonArray req) {
      for (Object r : req) if (r instanceof String s && !args.containsKey(s)) return null;
    }
    return List.of(new RawCall(name, args));
  }

  private static boolean miniCpmArgument(String key, String value, JsonObject args, java.util.Set<String> declared,
                                         ToolSpec tool) {
    if ((key.equals("properties") || key.equals("arguments")) && !declared.isEmpty() && !declared.contains(key)) {
      Object wrapped = JsonValues.parse(value);
      if (wrapped == JsonValues.FAIL) wrapped = PythonLiteral.literal(value);
      if (!(wrapped instanceof JsonObject w)) return false;
      boolean added = false;
      for (String k : w.fieldNames()) {
        if (!declared.contains(k)) continue;
        if (args.containsKey(k)) return false;
        Object v = w.getValue(k);
        JsonObject schema = tool.propertySchema(k);
        boolean stringTyped = schema != null && "string".equals(schema.getValue("type"));
        if (stringTyped && !(v instanceof String)) v = JsonWriter.valueText(v);
        else if (!stringTyped && v instanceof String s) v = ValueTyper.jsonUnlessString(s, null);
        args.put(k, v);
        added = true;
      }
      return added;
    }
    if (!declared.isEmpty() && !declared.contains(key)) return true;
    if (args.containsKey(key)) return false;
    JsonObject schema = tool == null ? null : tool.propertySchema(key);
    args.put(key, schema != null && "string".equals(schema.getValue("type")) ? value
        : ValueTyper.jsonUnlessString(value, null));
    return true;
  }

  /** An XML element's text: a whole CDATA section unwrapped, else the five standard escapes decoded. */
  private static String xmlText(String v) {
    String s = v.strip();
    if (s.startsWith("<![CDATA[") && s.endsWith("]]>")) return s.substring(9, s.length() - 3);
    if (v.indexOf('&') < 0 || v.indexOf('<') >= 0) return v;
    return v.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
        .replace("&amp;", "&");
  }

  /**
   * Inkling after {@code <|content_invoke_tool_json|>}: one JSON object {@code {"name": …, "args": {…}}} ("arguments"
   * or "parameters" also read, as vLLM does); no arguments are {@code {}}, arguments that are not an object make no
   * call.
   */
  static List<RawCall> inkling(String body, boolean complete, ParserOptions o) {
    if (!(JsonValues.parse(body) instanceof JsonObject obj)) return null;
    if (!(obj.getValue("name") instanceof String name) || name.isBlank()) return null;
    String key = obj.containsKey("args") ? "args" : obj.containsKey("arguments") ? "arguments" : "parameters";
    JsonObject args = JsonValues.arguments(obj.getValue(key), obj.containsKey(key));
    return args == null ? null : List.of(new RawCall(name.strip(), args));
  }

  private interface Section {
    RawCall decode(String segment);
  }

  /**
   * The calls between {@code open} and {@code close} in a block, each on its own: a segment that does not
   * decode, or that the block's end cut off, stays content (its own text) and the others still count. Null when
   * no segment makes a call.
   */
  private static List<RawCall> sections(String body, String open, String close, Section s) {
    List<RawCall> out = new ArrayList<>();
    int i = body.indexOf(open);
    if (i < 0) return null;
    boolean any = false;
    while (i >= 0) {
      int e = body.indexOf(close, i);
      if (e < 0) {
        out.add(RawCall.rejected(body.substring(i)));
        break;
      }
      String segment = body.substring(i, e + close.length());
      RawCall c = s.decode(body.substring(i + open.length(), e));
      out.add(c == null ? RawCall.rejected(segment) : c.withText(segment));
      any |= c != null;
      i = body.indexOf(open, e);
    }
    return any ? out : null;
  }
}
