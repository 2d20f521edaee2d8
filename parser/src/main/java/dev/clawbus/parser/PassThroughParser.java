package dev.clawbus.parser;

/** Format {@code none}: model text is content as is; only vLLM's structured calls are handled. */
final class PassThroughParser extends BaseParser {
  PassThroughParser(ParserOptions options) {
    super(options, new Family.Style(false, Family.After.KEEP));
  }

  @Override
  public void feed(CharSequence text, ParserSink sink) {
    if (text != null && text.length() > 0) text(text, 0, text.length(), sink);
  }

  @Override
  public void finish(ParserSink sink) {
    flushStructured(sink);
    endText(sink);
  }
}
