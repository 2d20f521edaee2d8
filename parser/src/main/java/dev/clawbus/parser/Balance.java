package dev.clawbus.parser;

/**
 * Incremental bracket matcher over JSON or Python-literal text: finds where a value that starts with
 * {@code {} or {@code [} (or {@code (}) ends, across pieces, without rescanning. Strings are skipped with their
 * escapes; Python mode also knows single-quoted strings.
 */
final class Balance {
  private final boolean python;
  private int depth;
  private char quote; // 0 outside a string
  private boolean escape;
  private boolean started;

  Balance(boolean python) {
    this.python = python;
  }

  void reset() {
    depth = 0;
    quote = 0;
    escape = false;
    started = false;
  }

  boolean started() {
    return started;
  }

  /**
   * Consumes {@code s[from, to)}. Returns the index just after the value's closing bracket, -1 if more text is
   * needed, -2 if the text cannot be such a value (first non-blank char is not an opening bracket, or a
   * closing bracket does not match the nesting).
   */
  int scan(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (escape) escape = false;
        else if (c == '\\') escape = true;
        else if (c == quote) quote = 0;
        continue;
      }
      if (!started) {
        if (c == '{' || c == '[' || (python && c == '(')) {
          started = true;
          depth = 1;
        } else if (!isBlank(c)) {
          return -2;
        }
        continue;
      }
      switch (c) {
        case '"' -> quote = '"';
        case '\'' -> {
          if (python) quote = '\'';
        }
        case '{', '[', '(' -> depth++;
        case '}', ']', ')' -> {
          if (--depth == 0) return i + 1;
          if (depth < 0) return -2;
        }
        default -> {
        }
      }
    }
    return -1;
  }

  static boolean isBlank(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  /** One-shot: end of the bracketed value starting at or after {@code from}, or a negative code as in scan. */
  static int valueEnd(CharSequence s, int from, boolean python) {
    return new Balance(python).scan(s, from, s.length());
  }
}
