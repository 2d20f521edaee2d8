package dev.clawbus.parser;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What every family's parser shares: numbering and ids of calls, the tool-name check, vLLM's whitespace
 * conventions around calls, and the pass-through of vLLM's own structured tool-call deltas.
 *
 * <p>Text after a call follows the family's {@link Family.Style}: dropped (most families), kept as written, or
 * trimmed and joined with a newline. Markup that failed to make a call is content wherever it is.
 *
 * <p>Whitespace: a run of blanks is held back until we know what follows. Before non-blank text it is emitted
 * with it; before a call it is dropped when nothing but blanks was said so far, when a call already came, or when
 * the family strips content; at the end it is dropped when calls were made (an answer made only of calls has
 * content null). When the family strips content, its leading blanks are dropped too, call or not: streaming
 * cannot wait to learn whether a call follows.
 */
abstract class BaseParser implements StreamingToolParser {
  protected final ParserOptions options;
  private final Family.Style style;
  private int calls;
  private boolean realContent;
  /** After a STOP tag ordinary text is no longer content (GigaChat's text after {@code <|message_sep|>}). */
  private boolean stopped;
  /** JOIN style: the next non-blank text after a call starts a new piece (leading blanks dropped). */
  private boolean pieceStart;
  private final StringBuilder blanks = new StringBuilder();

  private int structIndex = -1;
  private String structId;
  private String structName;
  private final StringBuilder structArgs = new StringBuilder();

  BaseParser(ParserOptions options, Family.Style style) {
    this.options = options;
    this.style = style;
  }

  @Override
  public int toolCallCount() {
    return calls;
  }

  /** True while the answer so far holds no non-blank content (calls may have been made). */
  final boolean nothingSaid() {
    return !realContent;
  }

  /** A call was made and nothing but blanks came since (the text scanned now may still add some). */
  final boolean justAfterCall() {
    return calls > 0 && pieceStart;
  }

  final void stop() {
    stopped = true;
  }

  /** Ordinary text {@code s[from, to)}: content, unless the family drops text after calls or a STOP tag came. */
  final void text(CharSequence s, int from, int to, ParserSink sink) {
    if (stopped || from >= to) return;
    if (calls > 0) {
      switch (style.after()) {
        case DROP -> {
          return;
        }
        case JOIN -> {
          if (pieceStart) {
            while (from < to && Balance.isBlank(s.charAt(from))) from++;
            if (from == to) return;
            pieceStart = false;
            blanks.setLength(0);
            if (realContent) sink.content("\n");
          }
        }
        default -> {
          if (pieceStart && !realContent) {
            // nothing said before the calls: content starts at the first non-blank text after them
            while (from < to && Balance.isBlank(s.charAt(from))) from++;
            if (from == to) return;
            blanks.setLength(0);
          }
          pieceStart = false;
        }
      }
    }
    plain(s, from, to, sink);
  }

  /** Text of markup that did not make a call (malformed, unterminated, unknown tool): content, never lost. */
  final void markupText(CharSequence s, int from, int to, ParserSink sink) {
    if (from >= to) return;
    if (calls > 0) {
      // exactly as written: nothing to trim around
      if (blanks.length() > 0) {
        sink.content(blanks.toString());
        blanks.setLength(0);
      }
      pieceStart = false;
      realContent = true;
      sink.content(s.subSequence(from, to).toString());
      return;
    }
    plain(s, from, to, sink);
  }

  private void plain(CharSequence s, int from, int to, ParserSink sink) {
    int last = to - 1;
    while (last >= from && Balance.isBlank(s.charAt(last))) last--;
    if (last < from) {
      blanks.append(s, from, to);
      return;
    }
    if (!realContent && calls == 0 && style.stripBefore()) {
      blanks.setLength(0); // the family strips content: no leading blanks
      while (Balance.isBlank(s.charAt(from))) from++;
    }
    String out;
    if (blanks.length() > 0) {
      blanks.append(s, from, last + 1);
      out = blanks.toString();
      blanks.setLength(0);
    } else if (from == 0 && last + 1 == s.length() && s instanceof String str) {
      out = str;
    } else {
      out = s.subSequence(from, last + 1).toString();
    }
    realContent = true;
    sink.content(out);
    if (last + 1 < to) blanks.append(s, last + 1, to);
  }

  /**
   * Emits what a block decoded to, in order: calls to acceptable tools, and as content the segments that did
   * not make a call (and calls to unknown tools, when the decoder delimited their text). False, with nothing
   * emitted, when no call is acceptable or an unacceptable call's text is not known (the block stays content).
   */
  final boolean calls(List<RawCall> found, ParserSink sink) {
    if (found == null) return false;
    if (found.isEmpty()) return true; // swallowed (LFM2's echo): neither a call nor content
    boolean any = false;
    for (RawCall c : found) {
      if (!c.isCall()) continue;
      if (options.accepts(c.name())) any = true;
      else if (c.text() == null) return false;
    }
    if (!any) return false;
    for (RawCall c : found) {
      if (c.isCall() && options.accepts(c.name())) {
        beforeCall(sink);
        emit(c.name(), c.arguments(), c.id(), sink);
      } else if (c.text() != null) {
        markupText(c.text(), 0, c.text().length(), sink);
      }
    }
    return true;
  }

  private void beforeCall(ParserSink sink) {
    if (blanks.length() > 0) {
      if (realContent && calls == 0 && !style.stripBefore()) {
        sink.content(blanks.toString());
      } else if (realContent && style.after() == Family.After.KEEP) {
        return; // content goes on after the call: these blanks are content if more text follows
      }
      blanks.setLength(0);
    }
  }

  private void emit(String name, JsonObject args, String id, ParserSink sink) {
    int index = calls++;
    pieceStart = true;
    sink.toolCall(index, id != null ? id : options.idForIndex().apply(index), name, JsonWriter.encode(args));
  }

  /** End of text: held blanks are content only if no call was made. */
  final void endText(ParserSink sink) {
    if (blanks.length() > 0) {
      if (calls == 0) sink.content(blanks.toString());
      blanks.setLength(0);
    }
  }

  @Override
  public void feedToolCallDelta(int index, String id, String name, String argumentsFragment, ParserSink sink) {
    if (index != structIndex && structIndex >= 0) flushStructured(sink);
    structIndex = index;
    if (id != null && !id.isEmpty()) structId = id;
    if (name != null && !name.isEmpty()) structName = structName == null ? name : structName;
    if (argumentsFragment != null) structArgs.append(argumentsFragment);
  }

  /** Emits the pending structured call; unusable arguments or an unknown name keep its text as content. */
  final void flushStructured(ParserSink sink) {
    if (structIndex < 0) return;
    String raw = structArgs.toString();
    JsonObject args = raw.isBlank() ? new JsonObject() : JsonValues.parseObject(raw);
    if (args != null && structName != null && options.accepts(structName)) {
      beforeCall(sink);
      emit(structName, args, structId, sink);
    } else {
      String shown = (structName == null ? "" : structName) + raw;
      if (!shown.isEmpty()) markupText(shown, 0, shown.length(), sink);
    }
    structIndex = -1;
    structId = null;
    structName = null;
    structArgs.setLength(0);
  }
}
