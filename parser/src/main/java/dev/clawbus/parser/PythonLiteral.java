package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A small recursive-descent reader for Python literals and pythonic call lists ({@code [f(a=1), g()]}):
 * strings (single, double, triple quoted, with escapes), numbers, True/False/None, lists, tuples, dicts.
 * The result uses JSON types; anything else (expressions, positional arguments) is a failure.
 */
final class PythonLiteral {
  static final class Fail extends RuntimeException {
    Fail() {
      super(null, null, false, false);
    }
  }

  private static final Fail FAIL = new Fail();
  private final String s;
  private int i;

  private PythonLiteral(String s) {
    this.s = s;
  }

  /** A whole literal, or {@link JsonValues#FAIL}. */
  static Object literal(String text) {
    PythonLiteral p = new PythonLiteral(text);
    try {
      Object v = p.value();
      p.blanks();
      return p.i == text.length() ? v : JsonValues.FAIL;
    } catch (Fail | IndexOutOfBoundsException e) {
      return JsonValues.FAIL;
    }
  }

  /** {@code [name(k=v, …), …]} → calls, or null when the text is not exactly such a list. */
  static List<RawCall> callList(String text) {
    PythonLiteral p = new PythonLiteral(text);
    try {
      p.blanks();
      p.expect('[');
      List<RawCall> calls = new ArrayList<>();
      p.blanks();
      while (p.peek() != ']') {
        calls.add(p.call());
        p.blanks();
        if (p.peek() == ',') {
          p.i++;
          p.blanks();
        } else if (p.peek() != ']') {
          throw FAIL;
        }
      }
      p.i++;
      p.blanks();
      return p.i == text.length() && !calls.isEmpty() ? calls : null;
    } catch (Fail | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /** {@code name(k=v, …)} calls one after another (blanks and newlines between), or null. */
  static List<RawCall> callSequence(String text) {
    PythonLiteral p = new PythonLiteral(text);
    try {
      List<RawCall> calls = new ArrayList<>();
      p.blanks();
      while (p.i < text.length()) {
        calls.add(p.call());
        p.blanks();
      }
      return calls.isEmpty() ? null : calls;
    } catch (Fail | IndexOutOfBoundsException e) {
      return null;
    }
  }

  private RawCall call() {
    int start = i;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.'
        || s.charAt(i) == '-')) i++;
    if (i == start || !Character.isJavaIdentifierStart(s.charAt(start))) throw FAIL;
    String name = s.substring(start, i);
    blanks();
    expect('(');
    JsonObject args = new JsonObject();
    blanks();
    while (peek() != ')') {
      int ks = i;
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
      if (i == ks) throw FAIL;
      String key = s.substring(ks, i);
      blanks();
      expect('=');
      blanks();
      args.put(key, value());
      blanks();
      if (peek() == ',') {
        i++;
        blanks();
      } else if (peek() != ')') {
        throw FAIL;
      }
    }
    i++;
    return new RawCall(name, args);
  }

  private Object value() {
    blanks();
    char c = peek();
    switch (c) {
      case '"', '\'' -> {
        return string();
      }
      case '[', '(' -> {
        char close = c == '[' ? ']' : ')';
        i++;
        JsonArray a = new JsonArray();
        blanks();
        while (peek() != close) {
          a.add(value());
          blanks();
          if (peek() == ',') {
            i++;
            blanks();
          } else if (peek() != close) {
            throw FAIL;
          }
        }
        i++;
        return a;
      }
      case '{' -> {
        i++;
        JsonObject o = new JsonObject();
        blanks();
        while (peek() != '}') {
          Object k = value();
          if (!(k instanceof String key)) throw FAIL;
          blanks();
          expect(':');
          o.put(key, value());
          blanks();
          if (peek() == ',') {
            i++;
            blanks();
          } else if (peek() != '}') {
            throw FAIL;
          }
        }
        i++;
        return o;
      }
      default -> {
        if (s.startsWith("True", i)) return word(4, Boolean.TRUE);
        if (s.startsWith("False", i)) return word(5, Boolean.FALSE);
        if (s.startsWith("None", i)) return word(4, null);
        // the JSON names some models write in pythonic calls (vLLM accepts them too)
        if (s.startsWith("true", i)) return word(4, Boolean.TRUE);
        if (s.startsWith("false", i)) return word(5, Boolean.FALSE);
        if (s.startsWith("null", i)) return word(4, null);
        return number();
      }
    }
  }

  private Object word(int len, Object v) {
    i += len;
    if (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) throw FAIL;
    return v;
  }

  private Object number() {
    int start = i;
    if (peek() == '-' || peek() == '+') i++;
    boolean frac = false;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9' || c == '_') i++;
      else if (c == '.' || c == 'e' || c == 'E' || ((c == '-' || c == '+') && (s.charAt(i - 1) == 'e'
          || s.charAt(i - 1) == 'E'))) {
        frac = true;
        i++;
      } else break;
    }
    String t = s.substring(start, i).replace("_", "");
    if (t.isEmpty() || t.equals("-") || t.equals("+")) throw FAIL;
    try {
      if (!frac) {
        BigInteger b = new BigInteger(t);
        return b.bitLength() < 32 ? (Object) b.intValue() : b.bitLength() < 64 ? (Object) b.longValue() : b;
      }
      double d = Double.parseDouble(t);
      if (Double.isInfinite(d) || Double.isNaN(d)) return new BigDecimal(t);
      return d;
    } catch (NumberFormatException e) {
      throw FAIL;
    }
  }

  private String string() {
    char q = s.charAt(i);
    boolean triple = s.startsWith(String.valueOf(q).repeat(3), i);
    i += triple ? 3 : 1;
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = s.charAt(i);
      if (c == q && (!triple || s.startsWith(String.valueOf(q).repeat(3), i))) {
        i += triple ? 3 : 1;
        return b.toString();
      }
      if (c == '\\') {
        char e = s.charAt(i + 1);
        i += 2;
        switch (e) {
          case 'n' -> b.append('\n');
          case 't' -> b.append('\t');
          case 'r' -> b.append('\r');
          case '0' -> b.append('\0');
          case 'u' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          case 'x' -> {
            b.append((char) Integer.parseInt(s.substring(i, i + 2), 16));
            i += 2;
          }
          case '\n' -> {
          }
          default -> b.append(e);
        }
        continue;
      }
      if (c == '\n' && !triple) throw FAIL;
      b.append(c);
      i++;
    }
  }

  private void blanks() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
  }

  private char peek() {
    if (i >= s.length()) throw FAIL;
    return s.charAt(i);
  }

  private void expect(char c) {
    if (peek() != c) throw FAIL;
    i++;
  }
}
