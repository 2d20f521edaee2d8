package dev.clawbus.dispatcher;

/**
 * Reads what clawbus needs from one vLLM streaming chunk (the text after {@code data: }) in a single pass
 * over its characters, without a JSON tree: {@code choices[0].delta.content}, the reasoning text
 * ({@code reasoning_content}, else {@code reasoning}), whether there are {@code tool_calls},
 * {@code choices[0].finish_reason}, {@code usage.prompt_tokens} / {@code completion_tokens} and whether a
 * top-level {@code error} is set. The only objects it makes are the strings it returns (a substring when the
 * text has no escape).
 *
 * <p>It validates the whole chunk as JSON while it goes (strings, escapes, numbers, literals, nesting,
 * nothing after the object) and answers exactly what {@code new JsonObject(data)} read the way
 * {@link ResponseRun} reads it would give. Anything it is not sure of makes {@link #scan} return false, and
 * the caller parses the chunk fully: a value of an unexpected type, {@code null} where the tree reader
 * would throw, a key it reads appearing twice, a number that is not a plain {@code int}, deep nesting,
 * invalid JSON. {@link #toolCalls()} is only a flag: the caller parses the chunk fully for the calls.
 *
 * <p>Reuse one instance per thread; results are valid until the next {@link #scan}.
 */
public final class VllmChunkScanner {
  /** Deeper than this is left to the full parser (Jackson has its own limit). */
  private static final int MAX_DEPTH = 64;
  /** Longer numbers are left to the full parser (Jackson limits them too). */
  private static final int MAX_NUMBER = 100;

  /** Thrown (preallocated, no stack) when the scanner is not sure; {@link #scan} returns false. */
  private static final class NotUnderstood extends RuntimeException {
    NotUnderstood() {
      super(null, null, false, false);
    }
  }

  private static final NotUnderstood NOT = new NotUnderstood();

  private static final String[] TOP = {"error", "usage", "choices"};
  private static final String[] USAGE = {"prompt_tokens", "completion_tokens"};
  private static final String[] CHOICE = {"delta", "finish_reason"};
  private static final String[] DELTA = {"content", "reasoning_content", "reasoning", "tool_calls"};

  private String s;
  private int pos;
  private int n;
  private final StringBuilder sb = new StringBuilder(64);

  private boolean error;
  private boolean usage;
  private int promptTokens;
  private int completionTokens;
  private boolean choice;
  private String content;
  private String reasoningContent;
  private boolean reasoningContentPresent;
  private String reasoning;
  private boolean toolCalls;
  private String finishReason;

  /**
   * Scans {@code data}; true when every result below is what a full parse gives, false when the caller
   * must parse it fully (then the results are meaningless).
   */
  public boolean scan(String data) {
    error = usage = choice = toolCalls = reasoningContentPresent = false;
    promptTokens = completionTokens = 0;
    content = reasoningContent = reasoning = finishReason = null;
    s = data;
    n = data.length();
    pos = 0;
    try {
      ws();
      topObject();
      ws();
      return pos == n;
    } catch (NotUnderstood | StringIndexOutOfBoundsException e) {
      return false;
    } finally {
      s = null;
    }
  }

  /** A top-level {@code error} that is not null: vLLM failed mid-stream (parse fully for its message). */
  public boolean error() {
    return error;
  }

  /** Whether the chunk has a {@code usage} object. */
  public boolean usage() {
    return usage;
  }

  /** {@code usage.prompt_tokens}, 0 when absent. */
  public int promptTokens() {
    return promptTokens;
  }

  /** {@code usage.completion_tokens}, 0 when absent. */
  public int completionTokens() {
    return completionTokens;
  }

  /** Whether {@code choices} has a first element (the other fields below come from it). */
  public boolean choice() {
    return choice;
  }

  /** {@code choices[0].delta.content}, or null. */
  public String content() {
    return content;
  }

  /**
   * The reasoning text: {@code reasoning_content} (older vLLM), else {@code reasoning} (newer vLLM); null when
   * neither holds text.
   */
  public String reasoning() {
    return reasoningContent != null ? reasoningContent : reasoning;
  }

  /** Whether the delta has a {@code tool_calls} array (possibly empty): parse the chunk fully for them. */
  public boolean toolCalls() {
    return toolCalls;
  }

  /** {@code choices[0].finish_reason}, or null. */
  public String finishReason() {
    return finishReason;
  }

  // ------------------------------------------------------------------ the fields clawbus reads

  private void topObject() {
    int seen = 0;
    if (!open('{', '}')) return;
    while (true) {
      int k = key(TOP);
      seen = once(seen, k);
      switch (k) {
        case 0 -> {
          if (!nullLiteral()) {
            error = true;
            skip(1);
          }
        }
        case 1 -> usageValue();
        case 2 -> choicesValue();
        default -> skip(1);
      }
      if (!next('}')) return;
    }
  }

  private void usageValue() {
    if (nullLiteral()) return;
    usage = true;
    if (!open('{', '}')) return;
    int seen = 0;
    while (true) {
      int k = key(USAGE);
      seen = once(seen, k);
      switch (k) {
        case 0 -> promptTokens = intValue();
        case 1 -> completionTokens = intValue();
        default -> skip(2);
      }
      if (!next('}')) return;
    }
  }

  private void choicesValue() {
    if (nullLiteral() || !open('[', ']')) return;
    choiceObject();
    while (true) {
      ws();
      char c = peek();
      pos++;
      if (c == ']') return;
      if (c != ',') throw NOT;
      ws();
      skip(2);
    }
  }

  private void choiceObject() {
    choice = true;
    if (!open('{', '}')) return; // null or another type here would make the tree reader throw
    int seen = 0;
    while (true) {
      int k = key(CHOICE);
      seen = once(seen, k);
      switch (k) {
        case 0 -> deltaValue();
        case 1 -> finishReason = stringOrNull();
        default -> skip(3);
      }
      if (!next('}')) return;
    }
  }

  private void deltaValue() {
    if (nullLiteral() || !open('{', '}')) return;
    int seen = 0;
    while (true) {
      int k = key(DELTA);
      seen = once(seen, k);
      switch (k) {
        case 0 -> content = stringOrNull();
        case 1 -> {
          reasoningContentPresent = true;
          reasoningContent = stringOrNull();
        }
        case 2 -> reasoning = stringOrNull();
        case 3 -> {
          if (!nullLiteral()) {
            if (peek() != '[') throw NOT;
            toolCalls = true;
            skip(4);
          }
        }
        default -> skip(4);
      }
      if (!next('}')) return;
    }
  }

  /** After a member: true at {@code ,} (ready for the next key), false at the closing bracket. */
  private boolean next(char close) {
    ws();
    char c = peek();
    pos++;
    if (c == close) return false;
    if (c != ',') throw NOT;
    ws();
    return true;
  }

  /** Marks key {@code k} seen; a key clawbus reads that comes twice is left to the full parser. */
  private static int once(int seen, int k) {
    if (k < 0) return seen;
    int bit = 1 << k;
    if ((seen & bit) != 0) throw NOT;
    return seen | bit;
  }

  /** Reads a key and its colon; the index of the key in {@code names}, or -1. */
  private int key(String[] names) {
    if (peek() != '"') throw NOT;
    int start = pos + 1;
    int end = start;
    boolean escaped = false;
    while (true) {
      char c = s.charAt(end);
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        break;
      }
      if (c < 0x20) throw NOT;
      end++;
    }
    int found = -1;
    if (!escaped) {
      int len = end - start;
      for (int i = 0; i < names.length; i++) {
        if (names[i].length() == len && s.regionMatches(start, names[i], 0, len)) {
          found = i;
          break;
        }
      }
      pos = end + 1;
    } else {
      String k = string();
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(k)) found = i;
      }
    }
    ws();
    expect(':');
    ws();
    return found;
  }

  /** Consumes a {@code null} literal if one is next. */
  private boolean nullLiteral() {
    if (!s.startsWith("null", pos)) return false;
    pos += 4;
    return true;
  }

  /** Consumes {@code open}; false when the container is empty (its {@code close} consumed too). */
  private boolean open(char open, char close) {
    expect(open);
    ws();
    if (peek() != close) return true;
    pos++;
    return false;
  }

  private String stringOrNull() {
    if (nullLiteral()) return null;
    if (peek() != '"') throw NOT; // a number or object here: the tree reader would stringify or throw
    return string();
  }

  /** A plain integer that fits an int ({@code getInteger} would truncate anything else). */
  private int intValue() {
    int start = pos;
    boolean neg = peek() == '-';
    if (neg) pos++;
    char c = peek();
    if (c < '0' || c > '9') throw NOT;
    if (c == '0' && pos + 1 < n && isDigit(s.charAt(pos + 1))) throw NOT;
    long v = 0;
    while (pos < n && isDigit(s.charAt(pos))) {
      v = v * 10 + (s.charAt(pos++) - '0');
      if (pos - start > 11) throw NOT;
    }
    if (pos < n && (s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) throw NOT;
    v = neg ? -v : v;
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw NOT;
    return (int) v;
  }

  // ------------------------------------------------------------------ JSON

  private char peek() {
    if (pos >= n) throw NOT;
    return s.charAt(pos);
  }

  private void expect(char c) {
    if (peek() != c) throw NOT;
    pos++;
  }

  private void ws() {
    while (pos < n) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Skips one value, checking its syntax. */
  private void skip(int depth) {
    if (depth > MAX_DEPTH) throw NOT;
    char c = peek();
    switch (c) {
      case '"' -> skipString();
      case '{' -> {
        if (!open('{', '}')) return;
        while (true) {
          if (peek() != '"') throw NOT;
          skipString();
          ws();
          expect(':');
          ws();
          skip(depth + 1);
          if (!next('}')) return;
        }
      }
      case '[' -> {
        if (!open('[', ']')) return;
        while (true) {
          skip(depth + 1);
          if (!next(']')) return;
        }
      }
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> skipNumber();
    }
  }

  private void literal(String word) {
    if (!s.startsWith(word, pos)) throw NOT;
    pos += word.length();
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?} */
  private void skipNumber() {
    int start = pos;
    if (peek() == '-') pos++;
    char c = peek();
    if (c == '0') {
      pos++;
    } else if (c >= '1' && c <= '9') {
      while (pos < n && isDigit(s.charAt(pos))) pos++;
    } else {
      throw NOT;
    }
    if (pos < n && s.charAt(pos) == '.') {
      pos++;
      if (!isDigit(peek())) throw NOT;
      while (pos < n && isDigit(s.charAt(pos))) pos++;
    }
    if (pos < n && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      if (peek() == '+' || peek() == '-') pos++;
      if (!isDigit(peek())) throw NOT;
      while (pos < n && isDigit(s.charAt(pos))) pos++;
    }
    if (pos - start > MAX_NUMBER) throw NOT;
  }

  private void skipString() {
    pos++;
    while (true) {
      char c = peek();
      if (c == '"') {
        pos++;
        return;
      }
      if (c < 0x20) throw NOT;
      if (c == '\\') {
        pos++;
        escape(null);
      } else {
        pos++;
      }
    }
  }

  /** Decodes the string at {@code pos} (at its opening quote). */
  private String string() {
    int start = ++pos;
    while (true) {
      char c = peek();
      if (c == '"') {
        String plain = s.substring(start, pos);
        pos++;
        return plain;
      }
      if (c < 0x20) throw NOT;
      if (c == '\\') break;
      pos++;
    }
    sb.setLength(0);
    sb.append(s, start, pos);
    while (true) {
      char c = peek();
      if (c == '"') {
        pos++;
        return sb.toString();
      }
      if (c < 0x20) throw NOT;
      pos++;
      if (c == '\\') escape(sb); else sb.append(c);
    }
  }

  /** The escape after a backslash (at {@code pos}); appended to {@code out} unless it is null. */
  private void escape(StringBuilder out) {
    char x = peek();
    pos++;
    char v;
    switch (x) {
      case '"', '\\', '/' -> v = x;
      case 'n' -> v = '\n';
      case 'r' -> v = '\r';
      case 't' -> v = '\t';
      case 'b' -> v = '\b';
      case 'f' -> v = '\f';
      case 'u' -> {
        if (pos + 4 > n) throw NOT;
        int u = 0;
        for (int i = 0; i < 4; i++) {
          int h = hex(s.charAt(pos + i));
          u = (u << 4) | h;
        }
        pos += 4;
        v = (char) u;
      }
      default -> throw NOT;
    }
    if (out != null) out.append(v);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw NOT;
  }
}
