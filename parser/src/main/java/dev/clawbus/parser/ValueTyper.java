package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
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
    if (schema != null && type(schema).equals("string")) return value;
    String v = value.strip();
    Object j = JsonValues.parse(v);
    if (j != JsonValues.FAIL) return j;
    Object p = PythonLiteral.literal(v);
    if (p != JsonValues.FAIL) return p;
    return value;
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
