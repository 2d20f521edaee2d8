package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A strict RFC 8259 reader straight into Vert.x JSON types. Strict where Jackson's shared mapper is lenient
 * (comments), and without its per-call set-up cost, which dominated decoding of small argument objects.
 */
final class JsonReader {
  private static final RuntimeException FAIL = new RuntimeException(null, null, false, false) {};
  private final String s;
  private int i;

  private JsonReader(String s, int from) {
    this.s = s;
    this.i = from;
  }

  /** Exactly one value in {@code s[from, to)} with optional blanks around it, or {@link JsonValues#FAIL}. */
  static Object read(String s, int from, int to) {
    JsonReader r = new JsonReader(to == s.length() ? s : s.substring(0, to), from);
    try {
      r.blanks();
      Object v = r.value(0);
      r.blanks();
      return r.i == r.s.length() ? v : JsonValues.FAIL;
    } catch (RuntimeException e) {
      return JsonValues.FAIL;
    }
  }

  private Object value(int depth) {
    if (depth > 512) throw FAIL;
    char c = s.charAt(i);
    switch (c) {
      case '{' -> {
        i++;
        JsonObject o = new JsonObject();
        blanks();
        if (s.charAt(i) == '}') {
          i++;
          return o;
        }
        while (true) {
          blanks();
          if (s.charAt(i) != '"') throw FAIL;
          String k = string();
          blanks();
          if (s.charAt(i++) != ':') throw FAIL;
          blanks();
          o.put(k, value(depth + 1));
          blanks();
          char d = s.charAt(i++);
          if (d == '}') return o;
          if (d != ',') throw FAIL;
        }
      }
      case '[' -> {
        i++;
        JsonArray a = new JsonArray();
        blanks();
        if (s.charAt(i) == ']') {
          i++;
          return a;
        }
        while (true) {
          blanks();
          a.add(value(depth + 1));
          blanks();
          char d = s.charAt(i++);
          if (d == ']') return a;
          if (d != ',') throw FAIL;
        }
      }
      case '"' -> {
        return string();
      }
      case 't' -> {
        return word("true", Boolean.TRUE);
      }
      case 'f' -> {
        return word("false", Boolean.FALSE);
      }
      case 'n' -> {
        return word("null", null);
      }
      default -> {
        return number();
      }
    }
  }

  private Object word(String w, Object v) {
    if (!s.startsWith(w, i)) throw FAIL;
    i += w.length();
    return v;
  }

  private String string() {
    int start = ++i;
    // fast scan: no escapes
    while (true) {
      char c = s.charAt(i);
      if (c == '"') {
        return s.substring(start, i++);
      }
      if (c == '\\') break;
      if (c < 0x20) throw FAIL;
      i++;
    }
    StringBuilder b = new StringBuilder(i - start + 16).append(s, start, i);
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') return b.toString();
      if (c < 0x20) throw FAIL;
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          int cp = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i++), 16);
            if (d < 0) throw FAIL;
            cp = cp * 16 + d;
          }
          b.append((char) cp);
        }
        default -> throw FAIL;
      }
    }
  }

  private Object number() {
    int start = i;
    if (s.charAt(i) == '-') i++;
    int digits = i;
    while (i < s.length() && isDigit(s.charAt(i))) i++;
    if (i == digits || (s.charAt(digits) == '0' && i - digits > 1)) throw FAIL;
    boolean integral = true;
    if (i < s.length() && s.charAt(i) == '.') {
      integral = false;
      int f = ++i;
      while (i < s.length() && isDigit(s.charAt(i))) i++;
      if (i == f) throw FAIL;
    }
    if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      integral = false;
      i++;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
      int e = i;
      while (i < s.length() && isDigit(s.charAt(i))) i++;
      if (i == e) throw FAIL;
    }
    String t = s.substring(start, i);
    if (integral) {
      int len = t.length();
      if (len < 10) return Integer.parseInt(t);
      if (len < 19) return Long.parseLong(t);
      BigInteger b = new BigInteger(t);
      return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }
    double d = Double.parseDouble(t);
    return Double.isInfinite(d) ? new BigDecimal(t) : (Object) d;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void blanks() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      i++;
    }
  }
}
