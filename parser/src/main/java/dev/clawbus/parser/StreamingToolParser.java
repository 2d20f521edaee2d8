package dev.clawbus.parser;

/** Parses one response's model output as it streams. One instance per request/response; not thread-safe. */
public interface StreamingToolParser {
  /** A piece of {@code delta.content} from the model, split anywhere. */
  void feed(CharSequence text, ParserSink sink);

  /**
   * vLLM's structured tool-call delta pieces (any field may be null). Accumulated per index and emitted whole
   * (valid JSON arguments) once the next index starts or at {@link #finish}. Indices continue the numbering of
   * calls extracted from text.
   */
  void feedToolCallDelta(int index, String id, String name, String argumentsFragment, ParserSink sink);

  /** End of model output: flushes held text (unterminated markup becomes content). */
  void finish(ParserSink sink);

  int toolCallCount();
}
