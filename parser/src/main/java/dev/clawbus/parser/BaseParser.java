package dev.clawbus.parser;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What every family's parser shares: numbering and ids of calls, the tool-name check, vLLM's whitespace
 * conventions around calls, and the pass-through of vLLM's own structured tool-call deltas.
 *
 * <p>Text after the first call is dropped unless it is markup that failed to make a call.
 *
 * <p>Whitespace: a run of blanks is held back until we know what follows. Before non-blank text it is emitted
 * with it; before a call it is dropped when nothing but blanks was said so far or a call already came (so an
 * answer made only of calls has content null); at the end it is dropped when calls were made.
 */
abstract class BaseParser implements StreamingToolParser {
  protected final ParserOptions options;
  private int calls;
  private boolean realContent;
  private final StringBuilder blanks = new StringBuilder();

  private int structIndex = -1;
  private String structId;
  private String structName;
  private final StringBuilder structArgs = new StringBuilder();

  BaseParser(ParserOptions options) {
    this.options = options;
  }

  @Override
  public int toolCallCount() {
    return calls;
  }

  /** True while the answer so far holds no non-blank content (calls may have been made). */
  final boolean nothingSaid() {
    return !realContent;
  }

  /**
   * Ordinary text {@code s[from, to)}. Before the first call it is content; after it, it is dropped, as vLLM
   * does (content is what the model said before calling; what follows a call is usually an imagined result).
   */
  final void text(CharSequence s, int from, int to, ParserSink sink) {
    if (calls > 0) return;
    markupText(s, from, to, sink);
  }

  /** Text of markup that did not make a call (malformed, unterminated, unknown tool): content, never lost. */
  final void markupText(CharSequence s, int from, int to, ParserSink sink) {
    if (from >= to) return;
    if (calls > 0) {
      sink.content(s.subSequence(from, to).toString()); // exactly as written: nothing to trim around
      return;
    }
    int last = to - 1;
    while (last >= from && Balance.isBlank(s.charAt(last))) last--;
    if (last < from) {
      blanks.append(s, from, to);
      return;
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

  /** Emits the calls if every name is acceptable; false (nothing emitted) otherwise. */
  final boolean calls(List<RawCall> found, ParserSink sink) {
    if (found == null || found.isEmpty()) return false;
    for (RawCall c : found) if (!options.accepts(c.name())) return false;
    beforeCall(sink);
    for (RawCall c : found) emit(c.name(), c.arguments(), c.id(), sink);
    return true;
  }

  private void beforeCall(ParserSink sink) {
    if (blanks.length() > 0) {
      if (realContent && calls == 0) sink.content(blanks.toString());
      blanks.setLength(0);
    }
  }

  private void emit(String name, JsonObject args, String id, ParserSink sink) {
    int index = calls++;
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
