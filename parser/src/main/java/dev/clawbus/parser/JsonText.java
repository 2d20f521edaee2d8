package dev.clawbus.parser;

/** JSON string escaping into a reused builder: the relay builds chunk text without a JSON tree. */
public final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code s} as a quoted JSON string, or {@code null}. */
  public static StringBuilder quote(StringBuilder out, CharSequence s) {
    if (s == null) {
      return out.append("null");
    }
    out.append('"');
    int len = s.length();
    int start = 0;
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      String rep;
      if (c == '"') rep = "\\\"";
      else if (c == '\\') rep = "\\\\";
      else if (c == '\n') rep = "\\n";
      else if (c == '\r') rep = "\\r";
      else if (c == '\t') rep = "\\t";
      else if (c < 0x20 || c == '\u2028' || c == '\u2029') rep = null;
      else continue;
      out.append(s, start, i);
      if (rep != null) {
        out.append(rep);
      } else {
        out.append("\\u").append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15])
            .append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
      }
      start = i + 1;
    }
    return out.append(s, start, len).append('"');
  }
}
