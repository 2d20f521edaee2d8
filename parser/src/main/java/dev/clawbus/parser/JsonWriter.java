package dev.clawbus.parser;

import dev.clawbus.parser.JsonText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** Compact canonical JSON for tool-call arguments (key order kept, no spaces, non-ASCII as is). */
final class JsonWriter {
  private JsonWriter() {}

  static String encode(JsonObject o) {
    StringBuilder b = new StringBuilder(64);
    write(b, o);
    return b.toString();
  }

  /** Any JSON value as compact text. */
  static String valueText(Object v) {
    StringBuilder b = new StringBuilder(16);
    write(b, v);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      JsonText.quote(b, s);
    } else if (v instanceof JsonObject o) {
      writeMap(b, o.getMap());
    } else if (v instanceof Map<?, ?> m) {
      writeMap(b, m);
    } else if (v instanceof JsonArray a) {
      writeList(b, a.getList());
    } else if (v instanceof List<?> l) {
      writeList(b, l);
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) b.append("null");
      else b.append(d.doubleValue());
    } else if (v instanceof Float f) {
      write(b, f.doubleValue());
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else {
      JsonText.quote(b, v.toString());
    }
  }

  private static void writeMap(StringBuilder b, Map<?, ?> m) {
    b.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!first) b.append(',');
      first = false;
      JsonText.quote(b, String.valueOf(e.getKey()));
      b.append(':');
      write(b, e.getValue());
    }
    b.append('}');
  }

  private static void writeList(StringBuilder b, List<?> l) {
    b.append('[');
    for (int k = 0; k < l.size(); k++) {
      if (k > 0) b.append(',');
      write(b, l.get(k));
    }
    b.append(']');
  }
}
