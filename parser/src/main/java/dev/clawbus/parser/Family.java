package dev.clawbus.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * A model family's markup: its tool-call rules, reasoning tag pairs, stray tags to drop, and how vLLM's parser
 * for it shapes content around calls. Immutable and shared; the per-response state lives in {@link MarkupParser}.
 */
final class Family {
  static final int NONE = -2;
  static final int PARTIAL = -1;

  /** What happens to ordinary text after a tool call. */
  enum After {
    /** Dropped (usually an imagined tool result): hermes, qwen3, deepseek, … */
    DROP,
    /** Content as written: granite4, xlam, harmony. */
    KEEP,
    /** Content, trimmed and joined to what came before with a newline: apertus, lfm2. */
    JOIN
  }

  /**
   * How content is shaped around calls, per vLLM's parser for the family.
   *
   * @param stripBefore blanks right before the first call are dropped (vLLM strips the content)
   * @param after what happens to text after a call
   */
  record Style(boolean stripBefore, After after) {
    static final Style RAW = new Style(false, After.DROP);
    static final Style STRIP = new Style(true, After.DROP);
  }

  /**
   * How reasoning sections work beyond their tag pairs.
   *
   * @param opensIn the closing tag of the reasoning the output starts in (the prompt opened it: Cohere Command 4),
   *     or null when the output starts in text
   * @param endsAtAnyTag any other tag of the family also ends reasoning, and is then read as usual (Cohere: a
   *     thinking section ends at the next section's tag even when its own closing tag is missing)
   */
  record Sections(String opensIn, boolean endsAtAnyTag) {
    static final Sections PAIRS = new Sections(null, false);
  }

  enum Kind { RULE, REASON, DROP, STOP }

  /**
   * A literal token the text scanner looks for: a rule start, a reasoning start, a tag to drop, or a tag after
   * which ordinary text is no longer content (STOP).
   */
  record Token(String text, Rule rule, String reasoningEnd, Kind kind) {
    boolean drop() {
      return kind == Kind.DROP;
    }
  }

  final String name;
  final Token[] tokens;
  final Style style;
  /** OLMo 3's bare call lines, tried only at the start of the answer; null for other families. */
  final Rule lineRule;
  private final boolean[] asciiFirst = new boolean[128];
  private final String wideFirst;
  /** For each ASCII first char, the indexes of the tokens that start with it: most chars try one or two. */
  private final int[][] asciiTokens = new int[128][];
  private final boolean startOnly;
  /** The closing tag of the reasoning the output starts in, or null (always null when reasoning passes). */
  final String opensInReasoning;
  /**
   * Tokens that end reasoning without being part of it (they are then scanned as text); usually none. The
   * reasoning's own closing tag among them changes nothing: it is found first as the closing tag.
   */
  final String[] reasoningInterrupts;

  Family(String name, List<Rule> rules, List<String[]> reasoningPairs, List<String> drops, List<String> stops,
         Style style, String reasoningMode) {
    this(name, rules, reasoningPairs, drops, stops, style, Sections.PAIRS, reasoningMode);
  }

  Family(String name, List<Rule> rules, List<String[]> reasoningPairs, List<String> drops, List<String> stops,
         Style style, Sections sections, String reasoningMode) {
    this.name = name;
    this.style = style;
    List<Token> t = new ArrayList<>();
    Rule lines = null;
    for (Rule r : rules) {
      if (r.end() == Rule.End.PY_LINES) lines = r;
      else t.add(new Token(r.start(), r, null, Kind.RULE));
    }
    lineRule = lines;
    if (!reasoningMode.equals("pass")) {
      for (String[] p : reasoningPairs) {
        t.add(new Token(p[0], null, p[1], Kind.REASON));
        t.add(new Token(p[1], null, null, Kind.DROP)); // a closing tag without its opening one
      }
    }
    for (String d : drops) t.add(new Token(d, null, null, Kind.DROP));
    for (String s : stops) t.add(new Token(s, null, null, Kind.STOP));
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
    boolean so = lines != null;
    for (Rule r : rules) so |= r.startOnly();
    startOnly = so;
    boolean splitting = !reasoningMode.equals("pass");
    opensInReasoning = splitting ? sections.opensIn() : null;
    List<String> interrupts = new ArrayList<>();
    if (sections.endsAtAnyTag()) {
      for (Token k : t) interrupts.add(k.text);
    }
    reasoningInterrupts = interrupts.toArray(new String[0]);
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
   *
   * @param startOk start-only rules may match (nothing but blanks and calls so far)
   * @param afterCall a call was just made, nothing but blanks since (rules for right after a call may match)
   */
  int match(CharSequence b, int at, boolean startOk, boolean afterCall, boolean eof) {
    int n = b.length();
    char first = b.charAt(at);
    int[] candidates = first < 128 ? asciiTokens[first] : null;
    if (first < 128 && candidates == null) return NONE;
    int best = NONE;
    boolean partial = false;
    for (int c = 0, count = candidates != null ? candidates.length : tokens.length; c < count; c++) {
      int k = candidates != null ? candidates[c] : c;
      Token tk = tokens[k];
      Rule r = tk.rule;
      if (r != null && ((r.startOnly() && !startOk) || (r.afterCallOnly() && !afterCall))) continue;
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
