package dev.clawbus.parser;

/**
 * Format {@code auto}: recognises the family from the text. Harmony (gpt-oss) output starts with its own
 * header tokens and needs a different state machine; everything else is the union of the marker families.
 */
final class AutoParser implements StreamingToolParser {
  private static final String[] HARMONY_STARTS = {"<|channel|>", "<|start|>"};
  private final ParserOptions options;
  private StreamingToolParser delegate;
  private final StringBuilder head = new StringBuilder();

  AutoParser(ParserOptions options) {
    this.options = options;
  }

  @Override
  public void feed(CharSequence text, ParserSink sink) {
    if (delegate != null) {
      delegate.feed(text, sink);
      return;
    }
    head.append(text);
    decide(false);
    if (delegate != null) {
      delegate.feed(head, sink);
      head.setLength(0);
    }
  }

  private void decide(boolean eof) {
    int i = 0;
    while (i < head.length() && Balance.isBlank(head.charAt(i))) i++;
    String rest = head.substring(i);
    boolean undecided = false;
    for (String h : HARMONY_STARTS) {
      if (rest.startsWith(h)) {
        delegate = new HarmonyParser(options);
        return;
      }
      if (h.startsWith(rest)) undecided = true;
    }
    if (!undecided || eof) delegate = new MarkupParser(Families.get("auto", options.reasoning()), options);
  }

  @Override
  public void feedToolCallDelta(int index, String id, String name, String argumentsFragment, ParserSink sink) {
    if (delegate == null) {
      decide(true);
      delegate.feed(head, sink);
      head.setLength(0);
    }
    delegate.feedToolCallDelta(index, id, name, argumentsFragment, sink);
  }

  @Override
  public void finish(ParserSink sink) {
    if (delegate == null) {
      decide(true);
      delegate.feed(head, sink);
      head.setLength(0);
    }
    delegate.finish(sink);
  }

  @Override
  public int toolCallCount() {
    return delegate == null ? 0 : delegate.toolCallCount();
  }
}
