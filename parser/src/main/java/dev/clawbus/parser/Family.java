package dev.clawbus.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * A model family's markup: its tool-call rules, reasoning tag pairs and stray tags to drop. Immutable and
 * shared; the per-response state lives in {@link MarkupParser}.
 */
final class Family {
  static final int NONE = -2;
  static final int PARTIAL = -1;

  /** A literal token the text scanner looks for: a rule start, a reasoning start, or a tag to drop. */
  record Token(String text, Rule rule, String reasoningEnd, boolean drop) {}

  final String name;
  final Token[] tokens;
  private final boolean[] asciiFirst = new boolean[128];
  private final String wideFirst;
  /** For each ASCII first char, the indexes of the tokens that start with it: most chars try one or two. */
  private final int[][] asciiTokens = new int[128][];
  private final boolean startOnly;

  Family(String name, List<Rule> rules, List<String[]> reasoningPairs, List<String> drops, String reasoningMode) {
    this.name = name;
    List<Token> t = new ArrayList<>();
    for (Rule r : rules) t.add(new Token(r.start(), r, null, false));
    if (!reasoningMode.equals("pass")) {
      for (String[] p : reasoningPairs) {
        t.add(new Token(p[0], null, p[1], false));
        t.add(new Token(p[1], null, null, true)); // a closing tag without its opening one
      }
    }
    for (String d : drops) t.add(new Token(d, null, null, true));
    tokens = t.toArray(new Token[0]);
    StringBuilder wide = new StringBuilder();
    for (Token k : tokens) {
      char c = k.text.charAt(0);
      if (c < 128) asciiFirst[c] = true;
      else if (wide.indexOf(String.valueOf(c)) < 0) wide.append(c);
    }
    wideFirst = wide.toString();
    for (char c = 0; c < 128; c++) {
      int count = 0;
      for (Token k : tokens) if (k.text.charAt(0) == c) count++;
      if (count == 0) continue;
      int[] idx = new int[count];
      int j = 0;
      for (int k = 0; k < tokens.length; k++) if (tokens[k].text.charAt(0) == c) idx[j++] = k;
      asciiTokens[c] = idx;
    }
    boolean so = false;
    for (Rule r : rules) so |= r.startOnly();
    startOnly = so;
  }

  boolean hasStartOnlyRules() {
    return startOnly;
  }

  boolean isFirst(char c) {
    return c < 128 ? asciiFirst[c] : wideFirst.indexOf(c) >= 0;
  }

  /**
   * Which token starts at {@code at}: its index, {@link #PARTIAL} when the text ends inside a possible token
   * (and not at eof), or {@link #NONE}. The longest full match wins.
   */
  int match(CharSequence b, int at, boolean startOk, boolean eof) {
    int n = b.length();
    char first = b.charAt(at);
    int[] candidates = first < 128 ? asciiTokens[first] : null;
    if (first < 128 && candidates == null) return NONE;
    int best = NONE;
    boolean partial = false;
    for (int c = 0, count = candidates != null ? candidates.length : tokens.length; c < count; c++) {
      int k = candidates != null ? candidates[c] : c;
      Token tk = tokens[k];
      if (tk.rule != null && tk.rule.startOnly() && !startOk) continue;
      String m = tk.text;
      int avail = n - at;
      int len = Math.min(avail, m.length());
      boolean same = true;
      for (int j = 0; j < len; j++) {
        if (b.charAt(at + j) != m.charAt(j)) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      if (avail >= m.length()) {
        if (best == NONE || m.length() > tokens[best].text.length()) best = k;
      } else {
        partial = true;
      }
    }
    return partial && !eof ? PARTIAL : best;
  }
}
