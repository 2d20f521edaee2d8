package dev.clawbus.parser;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Cohere Command 3 and 4 ({@code cohere_command3}, {@code cohere_command4}): vLLM hands both to the
 * {@code cohere_melody} package, whose cmd3/cmd4 filter presets are the specification. The output is a run of
 * sections behind special tokens: thinking ({@code <|START_THINKING|>…<|END_THINKING|>}), the answer
 * ({@code <|START_RESPONSE|>…<|END_RESPONSE|>}; Command 4 writes {@code <|START_TEXT|>…<|END_TEXT|>}) and actions
 * ({@code <|START_ACTION|>[{"tool_call_id": "0", "tool_name": …, "parameters": {…}}, …]<|END_ACTION|>}). Grounded
 * text marks its spans with citations, {@code <co>span</co: 0:[1,2],1:[0]>}; an OpenAI client gets the span
 * without the tags, as melody's text output does.
 */
final class Cohere {
  private Cohere() {}

  static final String ACTION_START = "<|START_ACTION|>";
  static final String ACTION_END = "<|END_ACTION|>";
  static final String THINKING_START = "<|START_THINKING|>";
  static final String THINKING_END = "<|END_THINKING|>";
  static final String RESPONSE_START = "<|START_RESPONSE|>";
  static final String RESPONSE_END = "<|END_RESPONSE|>";
  static final String TEXT_START = "<|START_TEXT|>";
  static final String TEXT_END = "<|END_TEXT|>";

  /** The families whose text and reasoning carry citations to strip. */
  static final Set<String> FORMATS = Set.of("cohere_command3", "cohere_command4");

  /**
   * The action block: a JSON list of {@code {"tool_call_id", "tool_name", "parameters"}} objects (or such objects
   * without the list). Each element stands alone: one that is not a call (or names an unknown tool) stays content as its own
   * text, one cut off by the end of the block stays content with the rest; text after the list is content.
   * "tool_call_id" is not used as the call's id (see package-info). Null when no element makes a call.
   */
  static List<RawCall> actions(String body, boolean complete, ParserOptions o) {
    String t = body.strip();
    boolean list = t.startsWith("[");
    if (!list && !t.startsWith("{")) return null;
    List<RawCall> out = new ArrayList<>();
    boolean any = false;
    int n = t.length();
    int i = list ? 1 : 0;
    while (true) {
      while (i < n && (Balance.isBlank(t.charAt(i)) || t.charAt(i) == ',')) i++;
      if (i >= n) break;
      if (list && t.charAt(i) == ']') {
        i++;
        break;
      }
      int e = Balance.valueEnd(t, i, false);
      if (e < 0) {
        out.add(RawCall.rejected(t.substring(i)));
        i = n;
        break;
      }
      String element = t.substring(i, e);
      RawCall c = call(element);
      out.add(c == null ? RawCall.rejected(element) : c.withText(element));
      any |= c != null;
      i = e;
    }
    String rest = t.substring(i).strip();
    if (!rest.isEmpty()) out.add(RawCall.rejected(rest));
    return any ? out : null;
  }

  private static RawCall call(String element) {
    if (!(JsonValues.parse(element) instanceof JsonObject obj)) return null;
    if (!(obj.getValue("tool_name") instanceof String name)) return null;
    JsonObject args = JsonValues.arguments(obj.getValue("parameters"), obj.containsKey("parameters"));
    return args == null ? null : new RawCall(name.strip(), args);
  }

  /** The family's parser with citation tags taken out of its content and reasoning. */
  static StreamingToolParser withoutCitations(StreamingToolParser parser) {
    return new Citations(parser);
  }

  /**
   * Removes {@code <co>} and {@code </co: SOURCES>} (sources: digits, {@code :}, {@code ,}, brackets, blanks) from
   * the text a parser emits, on each channel as one stream: a tag cut by a piece boundary is held until it is
   * decided, so the result does not depend on how the output was split. A call in between ends both streams
   * (text on either side of it was not adjacent in the output).
   */
  private static final class Citations implements StreamingToolParser, ParserSink {
    private static final String OPEN = "<co>";
    private static final String CLOSE = "</co: ";
    /** Longest source list read as one; a longer run is text that happens to start like a closing tag. */
    private static final int MAX_SOURCES = 256;

    private final StreamingToolParser inner;
    private final StringBuilder heldContent = new StringBuilder();
    private final StringBuilder heldReasoning = new StringBuilder();
    private ParserSink out;

    Citations(StreamingToolParser inner) {
      this.inner = inner;
    }

    @Override
    public void feed(CharSequence text, ParserSink sink) {
      out = sink;
      inner.feed(text, this);
    }

    @Override
    public void feedToolCallDelta(int index, String id, String name, String argumentsFragment, ParserSink sink) {
      out = sink;
      inner.feedToolCallDelta(index, id, name, argumentsFragment, this);
    }

    @Override
    public void finish(ParserSink sink) {
      out = sink;
      inner.finish(this);
      release();
    }

    @Override
    public int toolCallCount() {
      return inner.toolCallCount();
    }

    @Override
    public void content(String text) {
      strip(heldContent, text, false);
    }

    @Override
    public void reasoning(String text) {
      strip(heldReasoning, text, true);
    }

    @Override
    public void toolCall(int index, String id, String name, String argumentsJson) {
      release();
      out.toolCall(index, id, name, argumentsJson);
    }

    private void release() {
      emit(heldContent.toString(), false);
      heldContent.setLength(0);
      emit(heldReasoning.toString(), true);
      heldReasoning.setLength(0);
    }

    private void emit(String s, boolean reasoning) {
      if (s.isEmpty()) return;
      if (reasoning) out.reasoning(s);
      else out.content(s);
    }

    private void strip(StringBuilder held, String text, boolean reasoning) {
      if (held.length() == 0 && text.indexOf('<') < 0) {
        emit(text, reasoning);
        return;
      }
      held.append(text);
      StringBuilder kept = new StringBuilder(held.length());
      int n = held.length();
      int from = 0;
      int i = 0;
      int undecided = n;
      while (i < n) {
        if (held.charAt(i) != '<') {
          i++;
          continue;
        }
        int tag = tagAt(held, i);
        if (tag == 0) {
          i++;
          continue;
        }
        kept.append(held, from, i);
        if (tag < 0) {
          undecided = i;
          break;
        }
        i += tag;
        from = i;
      }
      if (undecided == n) kept.append(held, from, n);
      held.delete(0, undecided);
      emit(kept.toString(), reasoning);
    }

    /** Length of the citation tag at {@code at}, 0 if there is none, -1 if the text ends before it is known. */
    static int tagAt(CharSequence s, int at) {
      int n = s.length();
      int open = prefix(s, at, OPEN);
      if (open != 0) return open;
      int close = prefix(s, at, CLOSE);
      if (close <= 0) return close;
      for (int j = at + CLOSE.length(); j < n; j++) {
        char c = s.charAt(j);
        if (c == '>') return j + 1 - at;
        boolean source = (c >= '0' && c <= '9') || c == ':' || c == ',' || c == '[' || c == ']' || c == ' ';
        if (!source || j - at - CLOSE.length() >= MAX_SOURCES) return 0;
      }
      return -1;
    }

    /** {@code tag.length()} if {@code s} has it at {@code at}, -1 if {@code s} ends inside it, else 0. */
    private static int prefix(CharSequence s, int at, String tag) {
      int n = s.length();
      for (int k = 0; k < tag.length(); k++) {
        if (at + k >= n) return -1;
        if (s.charAt(at + k) != tag.charAt(k)) return 0;
      }
      return tag.length();
    }
  }
}
