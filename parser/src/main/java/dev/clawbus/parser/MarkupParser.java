package dev.clawbus.parser;

import java.util.List;

/**
 * The streaming engine for marker-based families. Text is appended to one buffer that only holds what is
 * still undecided: a possible marker prefix, unfinished reasoning, or an open tool-call block. Each char is
 * examined once per state (block ends are searched from where the last search stopped), so a response costs
 * linear time however it is cut into pieces.
 */
final class MarkupParser extends BaseParser {
  private static final int TEXT = 0;
  private static final int REASON = 1;
  private static final int BLOCK = 2;
  private static final int MAX_GATE = 256;
  /**
   * An open block longer than this is not a call the model is writing but markup-like prose (or a runaway):
   * give its text back as content rather than holding the rest of the answer. Generous: a call may carry a
   * whole file.
   */
  static final int MAX_BLOCK = 4 << 20;

  private final Family family;
  private final boolean dropReasoning;
  private final StringBuilder buf = new StringBuilder(64);
  private int mode = TEXT;
  private int scanFrom;

  private String reasonEnd;

  private Rule rule;
  private int bodyOff;
  private final Balance balance = new Balance(false);
  private final Balance pyBalance = new Balance(true);
  private boolean gatePassed;
  private int seqCommitted;
  private boolean seqBetween;
  private boolean inJsonString;
  private int nameEnd;
  /** End of a JSON value whose block may still be closed by an optional tag, or -1. */
  private int jsonEnd;
  private int lineState;
  private static final int LINE_BETWEEN = 0;
  private static final int LINE_NAME = 1;
  private static final int LINE_ARGS = 2;
  private static final String MISTRAL_MARK = "[TOOL_CALLS]";
  /** Chars rescanned when a Mistral name waits for more text: a cut {@code [TOOL_CALLS]} is found again. */
  private static final int HELD_MISTRAL = 12;
  private boolean jsonEscape;

  MarkupParser(Family family, ParserOptions options) {
    super(options, family.style);
    this.family = family;
    this.dropReasoning = options.reasoning().equals("drop");
    if (family.opensInReasoning != null) {
      mode = REASON;
      reasonEnd = family.opensInReasoning;
    }
  }

  @Override
  public void feed(CharSequence text, ParserSink sink) {
    if (text == null || text.length() == 0) return;
    if (mode == TEXT && buf.length() == 0) {
      // Fast path for the common case, plain text between markers: no copy into the buffer, and a piece that
      // is all content is passed on as the same String.
      int n = text.length();
      int i = 0;
      while (i < n && !family.isFirst(text.charAt(i))) i++;
      if (i == n && (family.lineRule == null || !nothingSaid())) {
        text(text, 0, n, sink);
        return;
      }
      if (i > 0 && i < n && !family.hasStartOnlyRules()) {
        text(text, 0, i, sink);
        buf.append(text, i, n);
      } else {
        buf.append(text);
      }
    } else {
      buf.append(text);
    }
    run(sink, false);
  }

  @Override
  public void finish(ParserSink sink) {
    run(sink, true); // at the end nothing is held: unfinished reasoning is reasoning, open blocks are decided
    flushStructured(sink);
    endText(sink);
  }

  private void run(ParserSink sink, boolean eof) {
    while (true) {
      boolean progressed = switch (mode) {
        case TEXT -> scanText(sink, eof);
        case REASON -> scanReason(sink, eof);
        default -> scanBlock(sink, eof);
      };
      if (!progressed) return;
    }
  }

  /** Returns true when the state changed and scanning must continue in the new state. */
  private boolean scanText(ParserSink sink, boolean eof) {
    int n = buf.length();
    boolean blankSoFar = nothingSaid();
    boolean justAfterCall = justAfterCall();
    for (int i = scanFrom; i < n; i++) {
      char c = buf.charAt(i);
      if (!family.isFirst(c)) {
        if (justAfterCall && !Balance.isBlank(c)) justAfterCall = false;
        if (blankSoFar && !Balance.isBlank(c)) {
          if (family.lineRule != null) {
            int g = lineGate(i, eof);
            if (g != 0) {
              text(buf, 0, i, sink);
              buf.delete(0, i);
              scanFrom = 0;
              if (g < 0) return false;
              openBlock(family.lineRule);
              return true;
            }
          }
          blankSoFar = false;
        }
        continue;
      }
      int k = family.match(buf, i, blankSoFar, justAfterCall, eof);
      if (k == Family.NONE) {
        if (blankSoFar && !Balance.isBlank(c)) blankSoFar = false;
        if (justAfterCall && !Balance.isBlank(c)) justAfterCall = false;
        continue;
      }
      text(buf, 0, i, sink);
      buf.delete(0, i);
      scanFrom = 0;
      if (k == Family.PARTIAL) return false;
      Family.Token t = family.tokens[k];
      switch (t.kind()) {
        case DROP -> buf.delete(0, t.text().length());
        case STOP -> {
          buf.delete(0, t.text().length());
          stop();
        }
        case REASON -> {
          buf.delete(0, t.text().length());
          reasonEnd = t.reasoningEnd();
          mode = REASON;
        }
        default -> openBlock(t.rule());
      }
      return true;
    }
    text(buf, 0, n, sink);
    buf.setLength(0);
    scanFrom = 0;
    return false;
  }

  /**
   * OLMo 3's bare call at the start of the answer: {@code identifier(}. 1 when it is one, -1 when the text ends
   * inside the identifier (wait for more), 0 when it is not.
   */
  private int lineGate(int at, boolean eof) {
    if (!Character.isJavaIdentifierStart(buf.charAt(at))) return 0;
    int n = buf.length();
    for (int j = at + 1; j < n; j++) {
      char d = buf.charAt(j);
      if (d == '(') return 1;
      if (!(Character.isJavaIdentifierPart(d) || d == '.')) return 0;
      if (j - at > MAX_GATE) return 0;
    }
    return eof ? 0 : -1;
  }

  private void openBlock(Rule r) {
    rule = r;
    mode = BLOCK;
    bodyOff = r.markerInBody() ? 0 : r.start().length();
    scanFrom = bodyOff;
    balance.reset();
    pyBalance.reset();
    gatePassed = !r.markerInBody() || !(r.start().equals("{") || r.start().equals("["));
    seqCommitted = 0;
    seqBetween = false;
    jsonEnd = -1;
    lineState = r.end() == Rule.End.PY_LINES ? LINE_NAME : LINE_BETWEEN;
    inJsonString = false;
    jsonEscape = false;
  }

  private boolean scanReason(ParserSink sink, boolean eof) {
    int e = buf.indexOf(reasonEnd);
    int consumed = reasonEnd.length();
    for (String m : family.reasoningInterrupts) {
      int j = buf.indexOf(m);
      if (j >= 0 && (e < 0 || j < e)) {
        e = j;
        consumed = 0; // another tag ends the reasoning: the text scanner reads it
      }
    }
    if (e >= 0) {
      reason(0, e, sink);
      buf.delete(0, e + consumed);
      mode = TEXT;
      scanFrom = 0;
      return true;
    }
    int keep = eof ? 0 : heldSuffix(buf, reasonEnd);
    for (String m : family.reasoningInterrupts) keep = Math.max(keep, eof ? 0 : heldSuffix(buf, m));
    reason(0, buf.length() - keep, sink);
    buf.delete(0, buf.length() - keep);
    return false;
  }

  private void reason(int from, int to, ParserSink sink) {
    if (to > from && !dropReasoning) sink.reasoning(buf.substring(from, to));
  }

  private static boolean startsAt(CharSequence s, int at, String t) {
    if (s.length() - at < t.length()) return false;
    for (int i = 0; i < t.length(); i++) if (s.charAt(at + i) != t.charAt(i)) return false;
    return true;
  }

  /** Length of the longest proper suffix of {@code b} that is a prefix of {@code marker}. */
  static int heldSuffix(CharSequence b, String marker) {
    int n = b.length();
    for (int len = Math.min(n, marker.length() - 1); len > 0; len--) {
      boolean ok = true;
      for (int j = 0; j < len; j++) {
        if (b.charAt(n - len + j) != marker.charAt(j)) {
          ok = false;
          break;
        }
      }
      if (ok) return len;
    }
    return 0;
  }

  private boolean scanBlock(ParserSink sink, boolean eof) {
    int n = buf.length();
    if (n > MAX_BLOCK) {
      abortBlock(sink);
      return true;
    }
    if (!gatePassed) {
      int g = gate();
      if (g < 0 || (g == 0 && eof)) {
        abortBlock(sink);
        return true;
      }
      if (g == 0) return false;
      gatePassed = true;
    }
    switch (rule.end()) {
      case MARKER -> {
        int best = -1;
        int bestLen = 0;
        for (String m : rule.endMarkers()) {
          int e = buf.indexOf(m, Math.max(bodyOff, scanFrom - m.length() + 1));
          if (e >= 0 && (best < 0 || e < best)) {
            best = e;
            bestLen = m.length();
          }
        }
        if (best >= 0) return closeBlock(best, best + bestLen, true, sink);
        scanFrom = n;
      }
      case JSON_MARKER -> {
        String m = rule.endMarkers()[0];
        char first = m.charAt(0);
        int i = scanFrom;
        for (; i < n; i++) {
          char c = buf.charAt(i);
          if (inJsonString) {
            if (jsonEscape) jsonEscape = false;
            else if (c == '\\') jsonEscape = true;
            else if (c == '"') inJsonString = false;
          } else if (c == '"') {
            inJsonString = true;
          } else if (c == first) {
            if (i + m.length() > n) break; // maybe the tag, cut by the piece: look again with more text
            if (startsAt(buf, i, m)) return closeBlock(i, i + m.length(), true, sink);
          }
        }
        scanFrom = i;
        if (eof) {
          // The quotes did not pair up (malformed JSON): fall back to the first tag, as vLLM does.
          int e = buf.indexOf(m, bodyOff);
          if (e >= 0) return closeBlock(e, e + m.length(), true, sink);
        }
      }
      case JSON, PYTHON, MISTRAL -> {
        Balance b = rule.end() == Rule.End.PYTHON ? pyBalance : balance;
        int from = scanFrom;
        if (rule.end() == Rule.End.MISTRAL && !b.started()) {
          from = mistralArgsStart(from);
          if (from == -2) {
            abortBlock(sink);
            return true;
          }
          if (from == -3) return closeBlock(nameEnd, nameEnd, true, sink);
          if (from < 0) {
            scanFrom = Math.max(bodyOff, n - HELD_MISTRAL);
            if (eof) return closeBlock(n, n, true, sink); // a name without arguments, or not a call (content)
            break;
          }
        }
        int r = jsonEnd >= 0 ? jsonEnd : b.scan(buf, from, n);
        if (r >= 0) {
          if (rule.endMarkers().length == 0) return closeBlock(r, r, true, sink);
          // an optional closing tag may follow the value (Apertus' <|tools_suffix|>): part of the block
          jsonEnd = r;
          String m = rule.endMarkers()[0];
          int j = r;
          while (j < n && Balance.isBlank(buf.charAt(j))) j++;
          int avail = Math.min(n - j, m.length());
          if (!eof && avail < m.length() && buf.substring(j, j + avail).equals(m.substring(0, avail))) {
            scanFrom = n;
            return false;
          }
          boolean closed = startsAt(buf, j, m);
          if (!closed && rule.afterCallOnly()) {
            // not LFM2's echo after all (no closing tag after the list): ordinary text after the call
            text(buf, 0, r, sink);
            buf.delete(0, r);
            mode = TEXT;
            scanFrom = 0;
            return true;
          }
          return closeBlock(r, closed ? j + m.length() : r, true, sink);
        }
        if (r == -2) {
          abortBlock(sink);
          return true;
        }
        scanFrom = n;
      }
      case JSON_SEQ -> {
        int i = scanFrom;
        while (i < n) {
          if (seqBetween) {
            char c = buf.charAt(i);
            if (Balance.isBlank(c) || c == ';' || c == ',') {
              i++;
              continue;
            }
            if (c == '{' || c == '[') {
              seqBetween = false;
              balance.reset();
              continue;
            }
            return closeBlock(seqCommitted, seqCommitted, true, sink);
          }
          int r = balance.scan(buf, i, n);
          if (r == -2) {
            if (seqCommitted > 0) return closeBlock(seqCommitted, seqCommitted, true, sink);
            abortBlock(sink);
            return true;
          }
          if (r == -1) {
            i = n;
            break;
          }
          seqCommitted = r;
          seqBetween = true;
          i = r;
        }
        scanFrom = n;
      }
      case PY_LINES -> {
        int i = scanFrom;
        while (i < n) {
          char c = buf.charAt(i);
          if (lineState == LINE_BETWEEN) {
            if (Balance.isBlank(c)) {
              i++;
            } else if (Character.isJavaIdentifierStart(c)) {
              lineState = LINE_NAME;
            } else {
              return closeBlock(seqCommitted, seqCommitted, true, sink);
            }
          } else if (lineState == LINE_NAME) {
            if (c == '(') {
              pyBalance.reset();
              lineState = LINE_ARGS;
            } else if (Character.isJavaIdentifierPart(c) || c == '.') {
              i++;
            } else if (seqCommitted > 0) {
              return closeBlock(seqCommitted, seqCommitted, true, sink);
            } else {
              abortBlock(sink);
              return true;
            }
          } else {
            int r = pyBalance.scan(buf, i, n);
            if (r == -1) {
              i = n;
            } else if (r == -2) {
              if (seqCommitted > 0) return closeBlock(seqCommitted, seqCommitted, true, sink);
              abortBlock(sink);
              return true;
            } else {
              seqCommitted = r;
              seqBetween = true;
              lineState = LINE_BETWEEN;
              i = r;
            }
          }
        }
        scanFrom = i;
      }
      default -> throw new IllegalStateException();
    }
    if (!eof) return false;
    // The output ended inside the block.
    if ((rule.end() == Rule.End.JSON_SEQ || rule.end() == Rule.End.PY_LINES) && seqCommitted > 0) {
      return closeBlock(seqCommitted, seqBetween ? n : seqCommitted, true, sink);
    }
    if (rule.lenientEof()) return closeBlock(n, n, false, sink);
    if (rule.afterCallOnly()) text(buf, 0, n, sink); // not an echo after all: ordinary text after the call
    else markupText(buf, 0, n, sink);
    buf.setLength(0);
    mode = TEXT;
    scanFrom = 0;
    return false;
  }

  /**
   * For the name form of Mistral ({@code name[ARGS]{…}}): where the arguments' brace is, -1 wait, -2 not this,
   * -3 a name without arguments that ends at {@link #nameEnd} (the next {@code [TOOL_CALLS]} or a line end; the
   * decoder tells whether it is a name).
   */
  private int mistralArgsStart(int from) {
    int n = buf.length();
    for (int i = from; i < n; i++) {
      char c = buf.charAt(i);
      if (c == '{') return i;
      if (c == '[') {
        if (isBlankRange(bodyOff, i)) return i;
        if (startsAt(buf, i, MISTRAL_MARK)) {
          nameEnd = i;
          return -3;
        }
        if (i + MISTRAL_MARK.length() > n && MISTRAL_MARK.startsWith(buf.substring(i))) return -1;
      }
      if (c == '\n' && !isBlankRange(bodyOff, i)) {
        nameEnd = i;
        return -3;
      }
      if (i - bodyOff > MAX_GATE) return -2;
    }
    return -1;
  }

  private boolean isBlankRange(int from, int to) {
    for (int i = from; i < to; i++) if (!Balance.isBlank(buf.charAt(i))) return false;
    return true;
  }

  /**
   * A bare bracket only opens a block when what follows looks like a call: {@code {"} for JSON objects, {@code [{}
   * or {@code [name(} for lists. 1 passed, 0 undecided, -1 not a call.
   */
  private int gate() {
    int n = buf.length();
    int i = bodyOff + 1;
    while (i < n && Balance.isBlank(buf.charAt(i))) i++;
    if (i >= n) return 0;
    char open = buf.charAt(bodyOff);
    char c = buf.charAt(i);
    if (open == '{') return c == '"' ? 1 : -1;
    if (c == '{') return 1;
    if (rule.end() != Rule.End.PYTHON || !Character.isJavaIdentifierStart(c)) return -1;
    for (int j = i + 1; j < n; j++) {
      char d = buf.charAt(j);
      if (d == '(') return 1;
      if (!(Character.isJavaIdentifierPart(d) || d == '.' || d == '-')) return -1;
      if (j - i > MAX_GATE) return -1;
    }
    return 0;
  }

  /** Not a block after all: its first char is content and the rest is scanned again as text. */
  private void abortBlock(ParserSink sink) {
    int keep = Math.max(1, rule.markerInBody() ? 1 : rule.start().length());
    text(buf, 0, keep, sink);
    buf.delete(0, keep);
    mode = TEXT;
    scanFrom = 0;
  }

  private boolean closeBlock(int bodyEnd, int consumed, boolean complete, ParserSink sink) {
    String body = buf.substring(bodyOff, bodyEnd);
    List<RawCall> found;
    try {
      found = rule.decoder().decode(body, complete, options);
    } catch (RuntimeException e) {
      found = null; // malformed markup is content, never an error
    }
    if (!calls(found, sink)) markupText(buf, 0, consumed, sink);
    buf.delete(0, consumed);
    mode = TEXT;
    scanFrom = 0;
    return true;
  }
}
