package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * MiniMax M3's tool calls ({@code minimax_m3}): every structural tag follows the namespace token
 * {@code ]<]minimax[>[}. One {@code <tool_call>} wrapper holds any number of {@code <invoke name="N">} elements; a
 * parameter is an element named after it, {@code <K>V</K>}, and nests: a value that opens with a namespaced tag is
 * an object of child elements, or an array of {@code <item>} children where the schema allows an array.
 *
 * <p>As vLLM's grammar ({@code _llm_nom/m3_text.py}, {@code data_type.py}): a plain value is the text as written when
 * the schema allows only a string (or has none), otherwise it is read as each type the schema allows (null, integer,
 * number, boolean, JSON for arrays, objects and other types) and the most confident reading wins, readings the schema
 * accepts first; text no type reads stays text. An empty value is {@code {}}, {@code []} or null when the schema
 * allows that, else "". Inside a nested value an element given twice becomes a list, text beside child elements is
 * kept under {@code "$text"}, and leaves are typed by the schema's properties, additionalProperties, items and
 * prefixItems (through anyOf/oneOf/allOf). The schema check behind "the schema accepts" covers type, enum, const and
 * the anyOf/oneOf/allOf combinators.
 */
final class MinimaxM3 {
  private MinimaxM3() {}

  static final String NS = "]<]minimax[>[";
  static final String START = NS + "<tool_call>";
  static final String END = NS + "</tool_call>";
  private static final String INVOKE = NS + "<invoke name=\"";
  private static final String INVOKE_END = NS + "</invoke>";
  private static final String TAG = NS + "<";

  /**
   * The invokes between {@code <tool_call>} and {@code </tool_call>}, each on its own: blanks between tags are
   * layout; an invoke that is malformed, or cut off by the end of output, and any stray text stay content.
   */
  static List<RawCall> decode(String body, boolean complete, ParserOptions o) {
    List<RawCall> out = new ArrayList<>();
    boolean any = false;
    int n = body.length();
    int i = skipBlanks(body, 0);
    while (i < n) {
      if (!body.startsWith(INVOKE, i)) {
        int next = body.indexOf(INVOKE, i);
        int e = next < 0 ? n : next;
        out.add(RawCall.rejected(body.substring(i, e)));
        i = e;
        continue;
      }
      int[] end = {-1};
      RawCall c = invoke(body, i, o, end);
      int e = end[0];
      if (e < 0) {
        // malformed: up to its closing tag, or to the next invoke when that comes first
        int close = body.indexOf(INVOKE_END, i + INVOKE.length());
        int next = body.indexOf(INVOKE, i + INVOKE.length());
        e = close < 0 ? n : close + INVOKE_END.length();
        if (next >= 0 && next < e) e = next;
        c = null;
      }
      String seg = body.substring(i, e);
      out.add(c == null ? RawCall.rejected(seg) : c.withText(seg));
      any |= c != null;
      i = skipBlanks(body, e);
    }
    return any ? out : null;
  }

  /** One invoke from {@code at}; sets {@code end[0]} past its closing tag, or leaves -1 when it is malformed. */
  private static RawCall invoke(String s, int at, ParserOptions o, int[] end) {
    int from = at + INVOKE.length();
    int nameEnd = s.indexOf("\">", from);
    if (nameEnd < 0) return null;
    String name = s.substring(from, nameEnd);
    if (name.isEmpty() || name.contains(NS)) return null;
    ToolSpec tool = o.tool(name);
    JsonObject args = new JsonObject();
    int p = nameEnd + 2;
    while (true) {
      p = skipBlanks(s, p);
      if (s.startsWith(INVOKE_END, p)) {
        end[0] = p + INVOKE_END.length();
        return new RawCall(name, args);
      }
      if (!s.startsWith(TAG, p)) return null; // stray text in the invoke (vLLM drops the rest of its parameters)
      int keyFrom = p + TAG.length();
      int gt = s.indexOf('>', keyFrom);
      if (gt <= keyFrom) return null;
      String key = s.substring(keyFrom, gt);
      String close = NS + "</" + key + ">";
      int ce = s.indexOf(close, gt + 1);
      if (ce < 0) return null;
      Type t = Type.of(tool == null ? null : tool.propertySchema(key));
      args.put(key, value(s.substring(gt + 1, ce), t));
      p = ce + close.length();
    }
  }

  private static Object value(String raw, Type t) {
    if (raw.startsWith(TAG, skipBlanks(raw, 0))) return nested(raw, t); // blanks before the first tag: layout
    return t.stringOnly() ? raw : t.convert(raw);
  }

  private static int skipBlanks(String s, int i) {
    while (i < s.length() && Balance.isBlank(s.charAt(i))) i++;
    return i;
  }

  /** A value made of namespaced elements: an object, or an array of {@code <item>} where the schema allows one. */
  private static Object nested(String body, Type t) {
    List<String> chunks = new ArrayList<>();
    int from = body.indexOf(NS) + NS.length(); // the text before the first token is empty: body opens with one
    while (true) {
      int next = body.indexOf(NS, from);
      chunks.add(body.substring(from, next < 0 ? body.length() : next));
      if (next < 0) break;
      from = next + NS.length();
    }
    boolean list = t.allows(Atom.ARRAY) && chunks.get(0).startsWith("<item>");
    List<Node> stack = new ArrayList<>();
    stack.add(new Node(null, list ? new JsonArray() : new JsonObject(), null, t));
    for (int c = 0; c < chunks.size(); c++) {
      String chunk = chunks.get(c);
      Node top = stack.get(stack.size() - 1);
      boolean closing = chunk.startsWith("</");
      if (closing || chunk.startsWith("<")) {
        int tagFrom = closing ? 2 : 1;
        int gt = chunk.indexOf('>', tagFrom);
        String tag = chunk.substring(tagFrom, gt < 0 ? chunk.length() : gt);
        String text = gt < 0 ? "" : chunk.substring(gt + 1);
        if (closing) {
          while (stack.size() > 1) {
            Node done = stack.remove(stack.size() - 1);
            stack.get(stack.size() - 1).add(done);
            if (tag.equals(done.tag)) break;
          }
          if (!text.isEmpty()) stack.get(stack.size() - 1).text(text);
        } else {
          Type sub = top.childType(tag);
          Object v = null;
          boolean items = c + 1 < chunks.size() && chunks.get(c + 1).startsWith("<item>");
          if (sub != null && sub.allows(Atom.ARRAY) && items) {
            v = new JsonArray();
          } else if (sub != null && sub.allows(Atom.OBJECT)) {
            v = new JsonObject();
          }
          stack.add(new Node(tag, v, text.isEmpty() ? null : new StringBuilder(text), sub));
        }
      } else if (!chunk.isEmpty()) {
        top.text(chunk);
      }
    }
    while (stack.size() > 1) {
      Node done = stack.remove(stack.size() - 1);
      stack.get(stack.size() - 1).add(done);
    }
    return stack.get(0).value();
  }

  /** One open element of a nested value: a leaf (text) until a child element makes it an object. */
  private static final class Node {
    final String tag;
    Object value;
    StringBuilder text;
    final Type type;

    Node(String tag, Object value, StringBuilder text, Type type) {
      this.tag = tag;
      this.value = value;
      this.text = text;
      this.type = type;
    }

    Object value() {
      if (value == null) {
        String s = text == null ? "" : text.toString();
        return type == null ? s : type.convert(s);
      }
      if (value instanceof JsonObject o && text != null && !text.toString().isBlank()) {
        String key = "$text";
        while (o.containsKey(key)) key = "$" + key;
        o.put(key, text.toString());
      }
      return value;
    }

    void add(Node child) {
      Object v = child.value();
      if (value == null) {
        value = new JsonObject().put(child.tag, v);
      } else if (value instanceof JsonObject o) {
        if (!o.containsKey(child.tag)) {
          o.put(child.tag, v);
        } else if (o.getValue(child.tag) instanceof JsonArray a) {
          a.add(v);
        } else {
          o.put(child.tag, new JsonArray().add(o.getValue(child.tag)).add(v));
        }
      } else {
        ((JsonArray) value).add(v);
      }
    }

    void text(String s) {
      if (value instanceof JsonArray a) {
        if (s.isBlank()) return; // layout between items
        Type t = type == null ? null : type.item(a.size());
        a.add(t == null ? s : t.convert(s));
      } else if (text == null) {
        text = new StringBuilder(s);
      } else {
        text.append(s);
      }
    }

    Type childType(String tag) {
      if (type == null) return null;
      if (value instanceof JsonArray a) return type.item(a.size());
      if (value instanceof JsonObject) return type.property(tag);
      return null;
    }
  }

  enum Atom { NONE, STRING, INTEGER, FLOAT, BOOLEAN, ARRAY, OBJECT, OTHER }

  private static final Set<String> JSON_TYPES = Set.of("string", "integer", "number", "boolean", "object", "array",
      "null");

  /** The types a schema allows, in the schema's order, and the schema itself (vLLM's parameter data type). */
  static final class Type {
    private final List<Atom> atoms;
    private final Object schema;

    private Type(List<Atom> atoms, Object schema) {
      this.atoms = atoms;
      this.schema = schema;
    }

    static Type of(Object schema) {
      List<Atom> atoms = new ArrayList<>(2);
      candidates(schema, atoms);
      return new Type(atoms, schema);
    }

    boolean allows(Atom a) {
      return atoms.contains(a);
    }

    boolean stringOnly() {
      return atoms.size() == 1 && atoms.get(0) == Atom.STRING;
    }

    private static void candidates(Object schema, List<Atom> out) {
      if (!(schema instanceof JsonObject s)) {
        add(out, Atom.STRING);
        return;
      }
      if (s.containsKey("type")) {
        Object t = s.getValue("type");
        if (t instanceof String name) {
          add(out, named(name));
        } else if (t instanceof JsonArray a) {
          for (Object x : a) add(out, x instanceof String name ? named(name) : Atom.OTHER);
        } else {
          add(out, Atom.OTHER);
        }
      } else if (s.getValue("properties") instanceof JsonObject
          || (s.containsKey("additionalProperties") && !Boolean.FALSE.equals(s.getValue("additionalProperties")))) {
        add(out, Atom.OBJECT);
      } else if (s.containsKey("items") || s.containsKey("prefixItems")) {
        add(out, Atom.ARRAY);
      } else {
        boolean found = false;
        if (s.containsKey("const")) {
          add(out, example(s.getValue("const")));
          found = true;
        } else if (s.getValue("enum") instanceof JsonArray e && !e.isEmpty()) {
          for (Object x : e) add(out, example(x));
          found = true;
        } else {
          for (String k : new String[] {"anyOf", "oneOf", "allOf"}) {
            if (s.getValue(k) instanceof JsonArray choices) {
              for (Object c : choices) {
                candidates(c, out);
                found = true;
              }
            }
          }
        }
        if (!found) add(out, Atom.STRING);
      }
    }

    private static void add(List<Atom> out, Atom a) {
      if (!out.contains(a)) out.add(a);
    }

    private static Atom named(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "none", "null", "nil" -> Atom.NONE;
        case "str", "string", "text" -> Atom.STRING;
        case "int", "integer" -> Atom.INTEGER;
        case "float", "number" -> Atom.FLOAT;
        case "bool", "boolean" -> Atom.BOOLEAN;
        case "array", "list" -> Atom.ARRAY;
        case "object", "dict", "dictionary", "map" -> Atom.OBJECT;
        default -> Atom.OTHER;
      };
    }

    private static Atom example(Object v) {
      if (v == null) return Atom.NONE;
      if (v instanceof String) return Atom.STRING;
      if (v instanceof Boolean) return Atom.BOOLEAN;
      if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) return Atom.INTEGER;
      if (v instanceof Number) return Atom.FLOAT;
      if (v instanceof JsonArray) return Atom.ARRAY;
      if (v instanceof JsonObject) return Atom.OBJECT;
      return Atom.OTHER;
    }

    /** The type of a child element {@code key} of an object of this type, or null when the schema says nothing. */
    Type property(String key) {
      return sub(s -> property(s, key));
    }

    /** The type of the array element at {@code index}, or null when the schema says nothing. */
    Type item(int index) {
      return sub(s -> item(s, index));
    }

    private Type sub(java.util.function.Function<JsonObject, Object> pick) {
      if (!(schema instanceof JsonObject s)) return null;
      Object own = pick.apply(s);
      if (truthy(own)) return of(own);
      JsonArray choices = new JsonArray();
      for (String k : new String[] {"anyOf", "oneOf", "allOf"}) {
        if (s.getValue(k) instanceof JsonArray a) {
          for (Object c : a) {
            Object p = c instanceof JsonObject cs ? pick.apply(cs) : null;
            if (truthy(p)) choices.add(p);
          }
        }
      }
      return choices.isEmpty() ? null : of(new JsonObject().put("anyOf", choices));
    }

    private static Object property(JsonObject s, String key) {
      if (s.getValue("properties") instanceof JsonObject props && truthy(props.getValue(key))) {
        return props.getValue(key);
      }
      return s.getValue("additionalProperties") instanceof JsonObject extra ? extra : null;
    }

    private static Object item(JsonObject s, int index) {
      Object items = s.getValue("items");
      if (truthy(items)) return items;
      if (s.getValue("prefixItems") instanceof JsonArray prefix) {
        if (index < prefix.size()) return prefix.getValue(index);
        Object more = s.getValue("additionalItems");
        if (truthy(more)) return more;
        if (!prefix.isEmpty()) return prefix.getValue(prefix.size() - 1);
      }
      return null;
    }

    private static boolean truthy(Object v) {
      if (v == null || Boolean.FALSE.equals(v)) return false;
      if (v instanceof JsonObject o) return !o.isEmpty();
      if (v instanceof JsonArray a) return !a.isEmpty();
      if (v instanceof String str) return !str.isEmpty();
      if (v instanceof Number num) return num.doubleValue() != 0;
      return true;
    }

    /** A plain value read as this type: the most confident reading, those the schema accepts first. */
    Object convert(String text) {
      if (text.isEmpty()) {
        if (allows(Atom.OBJECT)) return new JsonObject();
        if (allows(Atom.ARRAY)) return new JsonArray();
        if (allows(Atom.NONE)) return null;
        return "";
      }
      boolean check = truthy(schema) && wellFormed(schema);
      Object best = text;
      int bestScore = Integer.MIN_VALUE;
      for (Atom a : atoms) {
        int score = confidence(a, text);
        if (score < 0) continue;
        Object v = read(a, text);
        if (check && accepts(schema, v)) score += 10;
        if (score > bestScore) {
          best = v;
          bestScore = score;
        }
      }
      return best;
    }
  }

  /** How sure a reading of {@code text} as {@code a} is; negative when it does not read at all. */
  private static int confidence(Atom a, String text) {
    switch (a) {
      case NONE -> {
        String v = text.strip();
        return v.isEmpty() ? 3 : v.equalsIgnoreCase("null") ? 10 : 1;
      }
      case STRING -> {
        return 2;
      }
      case INTEGER -> {
        return ValueTyper.pyInt(text) == null ? -1 : 10;
      }
      case FLOAT -> {
        return pyFloat(text) == null ? -1 : 10;
      }
      case BOOLEAN -> {
        String v = text.strip().toLowerCase(Locale.ROOT);
        if (v.length() > 5) return 1;
        return switch (v) {
          case "true", "false" -> 10;
          case "yes", "on", "1", "no", "off", "0" -> 9;
          default -> 1;
        };
      }
      default -> {
        return JsonValues.parse(text) == JsonValues.FAIL ? -1 : 10;
      }
    }
  }

  private static Object read(Atom a, String text) {
    return switch (a) {
      case NONE -> null;
      case STRING -> text;
      case INTEGER -> ValueTyper.narrow(ValueTyper.pyInt(text));
      case FLOAT -> pyFloat(text);
      case BOOLEAN -> switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> true;
        default -> false;
      };
      default -> JsonValues.parse(text);
    };
  }

  /** Python's {@code float(text)}: a whole number as an integer, NaN and the infinities as their JSON-ish names. */
  private static Object pyFloat(String text) {
    String v = text.strip().toLowerCase(Locale.ROOT);
    boolean minus = v.startsWith("-");
    String unsigned = minus || v.startsWith("+") ? v.substring(1) : v;
    if (unsigned.equals("nan")) return "NaN";
    if (unsigned.equals("inf") || unsigned.equals("infinity")) return minus ? "-Infinity" : "Infinity";
    return ValueTyper.pyFloat(text, true);
  }

  /** The schema uses only JSON Schema's type names (else vLLM's validator rejects the schema and checks nothing). */
  private static boolean wellFormed(Object schema) {
    if (!(schema instanceof JsonObject s)) return true;
    Object t = s.getValue("type");
    if (t instanceof String name && !JSON_TYPES.contains(name)) return false;
    if (t instanceof JsonArray a) {
      for (Object x : a) if (!(x instanceof String name) || !JSON_TYPES.contains(name)) return false;
    }
    for (String k : new String[] {"anyOf", "oneOf", "allOf", "prefixItems"}) {
      if (s.getValue(k) instanceof JsonArray a) for (Object x : a) if (!wellFormed(x)) return false;
    }
    for (String k : new String[] {"properties", "patternProperties"}) {
      if (s.getValue(k) instanceof JsonObject props) {
        for (String name : props.fieldNames()) if (!wellFormed(props.getValue(name))) return false;
      }
    }
    for (String k : new String[] {"items", "additionalProperties", "additionalItems", "not"}) {
      if (!wellFormed(s.getValue(k))) return false;
    }
    return true;
  }

  /** Whether {@code v} meets the schema's type, enum, const and combinators. */
  private static boolean accepts(Object schema, Object v) {
    if (!(schema instanceof JsonObject s)) return true;
    Object t = s.getValue("type");
    if (t instanceof String name && !isType(v, name)) return false;
    if (t instanceof JsonArray a) {
      boolean any = false;
      for (Object x : a) any |= x instanceof String name && isType(v, name);
      if (!any) return false;
    }
    if (s.getValue("enum") instanceof JsonArray e) {
      boolean any = false;
      for (Object x : e) any |= same(x, v);
      if (!any) return false;
    }
    if (s.containsKey("const") && !same(s.getValue("const"), v)) return false;
    if (s.getValue("allOf") instanceof JsonArray all) for (Object x : all) if (!accepts(x, v)) return false;
    if (s.getValue("anyOf") instanceof JsonArray anyOf) {
      boolean any = false;
      for (Object x : anyOf) any |= accepts(x, v);
      if (!any) return false;
    }
    if (s.getValue("oneOf") instanceof JsonArray oneOf) {
      int count = 0;
      for (Object x : oneOf) if (accepts(x, v)) count++;
      if (count != 1) return false;
    }
    return true;
  }

  private static boolean isType(Object v, String name) {
    return switch (name) {
      case "string" -> v instanceof String;
      case "integer" -> v instanceof Integer || v instanceof Long || v instanceof BigInteger
          || (v instanceof Double d && d == Math.rint(d) && !d.isInfinite());
      case "number" -> v instanceof Number;
      case "boolean" -> v instanceof Boolean;
      case "object" -> v instanceof JsonObject;
      case "array" -> v instanceof JsonArray;
      case "null" -> v == null;
      default -> false;
    };
  }

  /** JSON equality as the validator sees it: numbers by value, a boolean never equal to a number. */
  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    return a == null ? b == null : a.equals(b);
  }
}
