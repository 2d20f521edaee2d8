package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Gemma 4's argument notation, as vLLM reads it: {@code key:<|"|>text<|"|>,n:42,flag:true,obj:{…},list:[…]}.
 * Keys are bare, strings sit between {@code <|"|>} delimiters, other values are bare words: true, false,
 * null/none/nil, numbers (a point makes a float), anything else a string.
 */
final class GemmaArgs {
  static final String Q = "<|\"|>";

  private GemmaArgs() {}

  /** Index of the brace that closes the one at {@code open} (strings skipped), or -1. */
  static int closing(String s, int open) {
    char want = s.charAt(open) == '{' ? '}' : ']';
    int depth = 0;
    int n = s.length();
    for (int i = open; i < n; i++) {
      if (s.startsWith(Q, i)) {
        int e = s.indexOf(Q, i + Q.length());
        if (e < 0) return -1;
        i = e + Q.length() - 1;
        continue;
      }
      char c = s.charAt(i);
      if (c == '{' || c == '[') depth++;
      else if ((c == '}' || c == ']') && --depth == 0) return c == want ? i : -1;
    }
    return -1;
  }

  static JsonObject object(String s) {
    JsonObject out = new JsonObject();
    int i = 0;
    int n = s.length();
    while (i < n) {
      i = skip(s, i, " ,\n\t");
      if (i >= n) break;
      int ks = i;
      while (i < n && s.charAt(i) != ':') i++;
      if (i >= n) break;
      String key = s.substring(ks, i).strip();
      if (key.length() >= 2 * Q.length() && key.startsWith(Q) && key.endsWith(Q)) {
        key = key.substring(Q.length(), key.length() - Q.length());
      }
      i = skip(s, i + 1, " \n\t");
      if (i >= n) {
        out.put(key, "");
        break;
      }
      int[] end = new int[1];
      Object v = value(s, i, "}", end);
      if (end[0] == i) break; // no progress: malformed, stop as vLLM does
      out.put(key, v);
      i = end[0];
    }
    return out;
  }

  private static JsonArray array(String s) {
    JsonArray out = new JsonArray();
    int i = 0;
    int n = s.length();
    while (i < n) {
      i = skip(s, i, " ,\n\t");
      if (i >= n) break;
      int[] end = new int[1];
      Object v = value(s, i, "]", end);
      if (end[0] == i) break;
      out.add(v);
      i = end[0];
    }
    return out;
  }

  /** The first index from {@code i} whose char is not one of {@code chars}. */
  private static int skip(String s, int i, String chars) {
    while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) i++;
    return i;
  }

  /** The value at {@code i}; {@code end[0]} is where the text after it starts. */
  private static Object value(String s, int i, String stops, int[] end) {
    int n = s.length();
    if (s.startsWith(Q, i)) {
      int e = s.indexOf(Q, i + Q.length());
      if (e < 0) {
        end[0] = n;
        return s.substring(i + Q.length());
      }
      end[0] = e + Q.length();
      return s.substring(i + Q.length(), e);
    }
    char c = s.charAt(i);
    if (c == '{' || c == '[') {
      int close = closing(s, i);
      if (close < 0) {
        end[0] = n;
        String inner = s.substring(i + 1);
        return c == '{' ? object(inner) : array(inner);
      }
      end[0] = close + 1;
      String inner = s.substring(i + 1, close);
      return c == '{' ? object(inner) : array(inner);
    }
    int j = i;
    while (j < n && s.charAt(j) != ',' && stops.indexOf(s.charAt(j)) < 0 && s.charAt(j) != ']') j++;
    end[0] = j;
    return bare(s.substring(i, j).strip());
  }

  private static Object bare(String v) {
    if (v.isEmpty()) return v;
    if (v.equals("true")) return true;
    if (v.equals("false")) return false;
    String l = v.toLowerCase(java.util.Locale.ROOT);
    if (l.equals("null") || l.equals("none") || l.equals("nil")) return null;
    if (v.indexOf('.') >= 0) {
      Object f = ValueTyper.pyFloat(v, false);
      if (f != null) return f;
    } else {
      java.math.BigInteger b = ValueTyper.pyInt(v);
      if (b != null) return ValueTyper.narrow(b);
    }
    return v;
  }
}
