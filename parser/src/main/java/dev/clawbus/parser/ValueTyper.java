package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns parameter values that a model wrote as text (XML-ish families) into JSON values using the request's
 * schema, the way vLLM's parsers for those families do.
 */
final class ValueTyper {
  private ValueTyper() {}

  /**
   * Qwen3-Coder / MiniMax-M2 / Seed-OSS rules: "null" → null; no schema → string; string types stay text;
   * int/num/bool converted when they parse; object/array and unknown types via JSON, then Python literal,
   * else the text.
   */
  static Object schemaTyped(String value, JsonObject schema) {
    if (value.equalsIgnoreCase("null")) return null;
    if (schema == null) return value;
    String type = type(schema);
    switch (type) {
      case "string", "str", "text", "varchar", "char", "enum" -> {
        return value;
      }
      default -> {
      }
    }
    String v = value.strip();
    if (type.startsWith("int") || type.startsWith("uint") || type.startsWith("long") || type.startsWith("short")
        || type.startsWith("unsigned")) {
      try {
        BigInteger b = new BigInteger(v);
        return b.bitLength() < 32 ? (Object) b.intValue() : b.bitLength() < 64 ? (Object) b.longValue() : b;
      } catch (NumberFormatException e) {
        return value;
      }
    }
    if (type.startsWith("num") || type.startsWith("float") || type.startsWith("double")) {
      try {
        BigDecimal d = new BigDecimal(v);
        if (d.stripTrailingZeros().scale() <= 0) {
          BigInteger b = d.toBigInteger();
          return b.bitLength() < 32 ? (Object) b.intValue() : b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        return d.doubleValue();
      } catch (NumberFormatException e) {
        return value;
      }
    }
    if (type.equals("boolean") || type.equals("bool") || type.equals("binary")) {
      return v.equalsIgnoreCase("true");
    }
    Object j = JsonValues.parse(v);
    if (j != JsonValues.FAIL) return j;
    Object p = PythonLiteral.literal(v);
    if (p != JsonValues.FAIL) return p;
    return value;
  }

  /** GLM rules: string-typed parameters stay text; everything else is JSON, then Python literal, else text. */
  static Object jsonUnlessString(String value, JsonObject schema) {
    return jsonUnlessString(value, schema, true);
  }

  /**
   * String-typed parameters stay text; others are JSON when they parse, then (with {@code pythonToo}) a Python
   * literal, else the text as written.
   */
  static Object jsonUnlessString(String value, JsonObject schema, boolean pythonToo) {
    if (schema != null && type(schema).equals("string")) return value;
    String v = value.strip();
    Object j = JsonValues.parse(v);
    if (j != JsonValues.FAIL) return j;
    if (pythonToo) {
      Object p = PythonLiteral.literal(v);
      if (p != JsonValues.FAIL) return p;
    }
    return value;
  }

  /**
   * vLLM's {@code coerce_to_schema_type} (DeepSeek DSML values marked {@code string="false"}): tried in the order
   * null, integer, number, boolean, object/array (JSON), string, over the types the schema allows (its type or
   * type list, the kinds of its enum values, anyOf/oneOf/allOf); failing all, JSON, else the text. Without a
   * schema the value is JSON when it parses (the model said it is not a string), else the text.
   */
  static Object coerce(String value, JsonObject schema) {
    if (schema == null) {
      Object j = JsonValues.parse(value);
      return j != JsonValues.FAIL ? j : value;
    }
    java.util.Set<String> types = new java.util.HashSet<>();
    for (String t : schemaTypes(schema)) types.add(alias(t.strip().toLowerCase(Locale.ROOT)));
    if (types.isEmpty()) types.add("string");
    if (types.contains("null") && value.equalsIgnoreCase("null")) return null;
    if (types.contains("integer")) {
      BigInteger b = pyInt(value);
      if (b != null) return narrow(b);
    }
    if (types.contains("number")) {
      Object n = pyFloat(value, true);
      if (n != null) return n;
    }
    if (types.contains("boolean")) {
      String l = value.strip().toLowerCase(Locale.ROOT);
      if (l.equals("true") || l.equals("1")) return true;
      if (l.equals("false") || l.equals("0")) return false;
    }
    if (types.contains("object") || types.contains("array")) {
      Object j = JsonValues.parse(value);
      if (j != JsonValues.FAIL) return j;
    }
    if (types.contains("string")) return value;
    Object j = JsonValues.parse(value);
    return j != JsonValues.FAIL ? j : value;
  }

  /**
   * vLLM's HY V3 typing: over the schema's non-null types (its type, or those of anyOf/oneOf; string without a
   * schema) try boolean ({@code true}/{@code false}), integer, number (float when it has a point or exponent),
   * JSON for any other type; then a string type keeps the text; else JSON, a Python literal, or the text.
   */
  static Object hyTyped(String value, JsonObject schema) {
    java.util.Set<String> types = new java.util.HashSet<>();
    List<JsonObject> options = new ArrayList<>();
    if (schema == null || schema.isEmpty()) {
      types.add("string");
    } else if (schema.containsKey("type")) {
      options.add(schema);
    } else {
      for (String k : new String[] {"anyOf", "oneOf"}) {
        if (options.isEmpty() && schema.getValue(k) instanceof JsonArray a) {
          for (Object x : a) if (x instanceof JsonObject sub) options.add(sub);
        }
      }
      if (options.isEmpty()) types.add("string");
    }
    for (JsonObject opt : options) {
      Object t = opt.getValue("type");
      if (t == null) types.add("string");
      else if (t instanceof JsonArray a) for (Object x : a) types.add(hyAlias(String.valueOf(x)));
      else types.add(hyAlias(String.valueOf(t)));
    }
    types.remove("null");
    if (types.contains("boolean")) {
      if (value.equalsIgnoreCase("true")) return true;
      if (value.equalsIgnoreCase("false")) return false;
    }
    if (types.contains("integer")) {
      BigInteger b = pyInt(value);
      if (b != null) return narrow(b);
    }
    if (types.contains("number")) {
      String v = value.strip();
      if (v.indexOf('.') >= 0 || v.indexOf('e') >= 0 || v.indexOf('E') >= 0) {
        Object f = pyFloat(value, false);
        if (f != null) return f;
      } else {
        BigInteger b = pyInt(value);
        if (b != null) return narrow(b);
      }
    }
    java.util.Set<String> others = new java.util.HashSet<>(types);
    others.removeAll(List.of("string", "boolean", "integer", "number"));
    if (!others.isEmpty()) {
      Object j = JsonValues.parse(value);
      if (j != JsonValues.FAIL) return j;
    }
    if (types.contains("string")) return value;
    Object j = JsonValues.parse(value);
    if (j != JsonValues.FAIL) return j;
    Object p = PythonLiteral.literal(value.strip());
    return p != JsonValues.FAIL ? p : value;
  }

  private static String hyAlias(String raw) {
    switch (raw) {
      case "str", "text", "varchar", "char", "enum" -> {
        return "string";
      }
      case "bool", "binary" -> {
        return "boolean";
      }
      case "int" -> {
        return "integer";
      }
      case "float", "double" -> {
        return "number";
      }
      case "list" -> {
        return "array";
      }
      case "dict", "map" -> {
        return "object";
      }
      default -> {
      }
    }
    String l = raw.toLowerCase(Locale.ROOT);
    for (String p : new String[] {"int", "uint", "long", "short", "unsigned"}) if (l.startsWith(p)) return "integer";
    if (l.startsWith("num") || l.startsWith("float")) return "number";
    return raw;
  }

  private static String alias(String t) {
    switch (t) {
      case "str", "text", "varchar", "char", "enum" -> {
        return "string";
      }
      case "int", "int32", "int64", "uint", "uint32", "uint64", "long", "short", "unsigned" -> {
        return "integer";
      }
      case "float", "float32", "float64", "double" -> {
        return "number";
      }
      case "bool" -> {
        return "boolean";
      }
      case "dict" -> {
        return "object";
      }
      case "arr", "list", "sequence" -> {
        return "array";
      }
      default -> {
        return t;
      }
    }
  }

  /** vLLM's {@code extract_types_from_schema}: type or type list, enum value kinds, anyOf/oneOf/allOf. */
  static java.util.Set<String> schemaTypes(JsonObject schema) {
    java.util.Set<String> types = new java.util.LinkedHashSet<>();
    Object t = schema.getValue("type");
    if (t instanceof String s) types.add(s);
    else if (t instanceof JsonArray a) for (Object x : a) if (x instanceof String s) types.add(s);
    if (schema.getValue("enum") instanceof JsonArray e) {
      for (Object v : e) {
        if (v == null) types.add("null");
        else if (v instanceof Boolean) types.add("boolean");
        else if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) types.add("integer");
        else if (v instanceof Number) types.add("number");
        else if (v instanceof String) types.add("string");
        else if (v instanceof JsonArray) types.add("array");
        else if (v instanceof JsonObject) types.add("object");
      }
    }
    for (String k : new String[] {"anyOf", "oneOf", "allOf"}) {
      if (schema.getValue(k) instanceof JsonArray a) {
        for (Object x : a) if (x instanceof JsonObject sub) types.addAll(schemaTypes(sub));
      }
    }
    return types;
  }

  /** Python's {@code int(text)}: blanks around, a sign, digits with single underscores between them; else null. */
  static BigInteger pyInt(String text) {
    String v = text.strip();
    int i = v.startsWith("-") || v.startsWith("+") ? 1 : 0;
    if (i == v.length()) return null;
    StringBuilder digits = new StringBuilder(v.length());
    if (v.charAt(0) == '-') digits.append('-');
    for (; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      } else if (c == '_' && i > 0 && i + 1 < v.length() && Character.isDigit(v.charAt(i - 1))
          && Character.isDigit(v.charAt(i + 1))) {
        continue;
      } else {
        return null;
      }
    }
    return new BigInteger(digits.toString());
  }

  /**
   * Python's {@code float(text)} for finite decimal numbers; with {@code integral}, a whole value comes back as
   * an integer (vLLM: {@code val if val != int(val) else int(val)}). Null when it is not a finite number.
   */
  static Object pyFloat(String text, boolean integral) {
    String v = text.strip().replace("_", "");
    if (v.isEmpty()) return null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!(Character.isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) return null;
    }
    try {
      BigDecimal d = new BigDecimal(v.startsWith(".") || v.startsWith("-.") || v.startsWith("+.")
          ? v.replaceFirst("\\.", "0.") : v);
      double x = d.doubleValue();
      if (!Double.isFinite(x)) return null;
      if (integral && d.stripTrailingZeros().scale() <= 0) return narrow(d.toBigInteger());
      return x;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static Object narrow(BigInteger b) {
    return b.bitLength() < 32 ? (Object) b.intValue() : b.bitLength() < 64 ? (Object) b.longValue() : b;
  }

  /** The schema's type, lower case; the first non-null of a type list or of anyOf/oneOf; "string" otherwise. */
  static String type(JsonObject schema) {
    Object t = schema.getValue("type");
    if (t instanceof String s) return s.strip().toLowerCase(Locale.ROOT);
    if (t instanceof JsonArray a) {
      for (Object o : a) if (o instanceof String s && !s.equals("null")) return s.toLowerCase(Locale.ROOT);
    }
    for (String k : new String[] {"anyOf", "oneOf"}) {
      if (schema.getValue(k) instanceof JsonArray a) {
        for (Object o : a) {
          if (o instanceof JsonObject sub) {
            String st = type(sub);
            if (!st.equals("null")) return st;
          }
        }
      }
    }
    if (schema.containsKey("enum")) return "enum";
    if (schema.containsKey("properties")) return "object";
    return "string";
  }
}
