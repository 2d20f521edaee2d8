package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Strict JSON decoding helpers shared by the decoders. */
final class JsonValues {
  private JsonValues() {}

  /** Decodes text that must be exactly one JSON value (blank around it allowed); null sentinel on failure. */
  static Object parse(String text) {
    return JsonReader.read(text, 0, text.length());
  }

  static JsonObject parseObject(String text) {
    return parse(text) instanceof JsonObject o ? o : null;
  }

  static final Object FAIL = new Object();

  /**
   * Arguments as a JSON object: objects pass, absent/null become {}, a string holding a JSON object is decoded
   * (some models double-encode). Anything else is not usable: null.
   */
  static JsonObject arguments(Object raw, boolean present) {
    if (!present || raw == null) return new JsonObject();
    if (raw instanceof JsonObject o) return o;
    if (raw instanceof String s) {
      if (s.isBlank()) return new JsonObject();
      return parseObject(s);
    }
    return null;
  }

  /**
   * One call object in the common shapes: {"name", "arguments"|"parameters"} or OpenAI's
   * {"type":"function","function":{…}}. Null when the object is not a call.
   */
  static RawCall callFromObject(JsonObject o) {
    Object fn = o.getValue("function");
    if (fn instanceof JsonObject f && !o.containsKey("name")) return callFromObject(f);
    if (!(o.getValue("name") instanceof String name) || name.isBlank()) return null;
    String key = o.containsKey("arguments") ? "arguments" : "parameters";
    JsonObject args = arguments(o.getValue(key), o.containsKey(key));
    if (args == null) return null;
    Object id = o.getValue("id");
    return new RawCall(name.strip(), args, id instanceof String s && !s.isBlank() ? s : null);
  }

  /** Every call object in the value (an object or an array of them) says "arguments" or "parameters". */
  static boolean hasArguments(Object v) {
    if (v instanceof JsonObject o) {
      JsonObject call = o.getValue("function") instanceof JsonObject f && !o.containsKey("name") ? f : o;
      return call.containsKey("arguments") || call.containsKey("parameters");
    }
    if (v instanceof JsonArray a) {
      for (Object e : a) if (!hasArguments(e)) return false;
      return !a.isEmpty();
    }
    return false;
  }

  /** Adds the calls of a decoded value (object or array of objects); false if any element is not a call. */
  static boolean collectCalls(Object v, java.util.List<RawCall> out) {
    if (v instanceof JsonObject o) {
      RawCall c = callFromObject(o);
      if (c == null) return false;
      out.add(c);
      return true;
    }
    if (v instanceof JsonArray a) {
      if (a.isEmpty()) return false;
      for (Object e : a) {
        if (!(e instanceof JsonObject o)) return false;
        RawCall c = callFromObject(o);
        if (c == null) return false;
        out.add(c);
      }
      return true;
    }
    return false;
  }
}
