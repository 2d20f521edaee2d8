package dev.clawbus.parser;

/** Receives what a parser recognised, in output order. */
public interface ParserSink {
  void content(String text);

  void reasoning(String text);

  /** One whole tool call; {@code index} counts 0.. per response, arguments are a compact JSON object. */
  void toolCall(int index, String id, String name, String argumentsJson);
}
