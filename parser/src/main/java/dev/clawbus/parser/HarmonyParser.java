package dev.clawbus.parser;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * gpt-oss "harmony" output ({@code openai}): messages {@code <|channel|>CH[ to=functions.NAME][ <|constrain|>json]
 * <|message|>BODY<|end|>|<|call|>|<|return|>}, optionally preceded by {@code <|start|>assistant}. The analysis
 * channel is reasoning, final (and commentary without recipient, a preamble) is content, a message addressed
 * to {@code functions.NAME} is a tool call whose body is the JSON arguments. Text before any header is content.
 */
final class HarmonyParser extends BaseParser {
  private static final String MESSAGE = "<|message|>";
  private static final String[] BODY_ENDS = {"<|end|>", "<|call|>", "<|return|>", "<|start|>", "<|channel|>"};

  private final StringBuilder buf = new StringBuilder();
  private final StringBuilder args = new StringBuilder();
  private boolean inHeader;
  private String channel = "final";
  private String recipient;
  private final boolean dropReasoning;
  private final boolean passReasoning;

  HarmonyParser(ParserOptions options) {
    super(options, new Family.Style(false, Family.After.JOIN));
    dropReasoning = options.reasoning().equals("drop");
    passReasoning = options.reasoning().equals("pass");
  }

  @Override
  public void feed(CharSequence text, ParserSink sink) {
    if (text == null || text.length() == 0) return;
    buf.append(text);
    run(sink, false);
  }

  @Override
  public void finish(ParserSink sink) {
    run(sink, true);
    if (inHeader) {
      markupText(buf, 0, buf.length(), sink); // a header that never reached its message: keep the text
    } else {
      endMessage(sink);
    }
    buf.setLength(0);
    flushStructured(sink);
    endText(sink);
  }

  private void run(ParserSink sink, boolean eof) {
    while (true) {
      if (inHeader) {
        int m = buf.indexOf(MESSAGE);
        if (m < 0) return;
        header(buf.substring(0, m));
        buf.delete(0, m + MESSAGE.length());
        inHeader = false;
        continue;
      }
      int end = -1;
      String token = null;
      int from = 0;
      while (true) {
        int lt = buf.indexOf("<|", from);
        if (lt < 0) break;
        for (String t : BODY_ENDS) {
          if (startsAt(buf, lt, t)) {
            end = lt;
            token = t;
            break;
          }
        }
        if (end >= 0) break;
        from = lt + 2;
      }
      if (end < 0) {
        int keep = eof ? 0 : held();
        body(0, buf.length() - keep, sink);
        buf.delete(0, buf.length() - keep);
        return;
      }
      body(0, end, sink);
      endMessage(sink);
      boolean startsHeader = token.equals("<|start|>") || token.equals("<|channel|>");
      buf.delete(0, end + (token.equals("<|channel|>") ? 0 : token.length()));
      inHeader = true;
      if (!startsHeader) {
        // after <|end|>/<|call|>/<|return|> the next message's header follows (or nothing)
        channel = "final";
      }
    }
  }

  private static boolean startsAt(CharSequence s, int at, String t) {
    if (s.length() - at < t.length()) return false;
    for (int i = 0; i < t.length(); i++) if (s.charAt(at + i) != t.charAt(i)) return false;
    return true;
  }

  /** Length of a trailing possible token prefix to hold back. */
  private int held() {
    int lt = buf.lastIndexOf("<");
    if (lt < 0 || buf.length() - lt > 12) return 0;
    for (int i = lt; i < buf.length(); i++) if (buf.charAt(i) == '>') return 0;
    return buf.length() - lt;
  }

  private void header(String h) {
    int c = h.indexOf("<|channel|>");
    channel = "final";
    if (c >= 0) {
      int s = c + "<|channel|>".length();
      int e = s;
      while (e < h.length() && !Character.isWhitespace(h.charAt(e)) && h.charAt(e) != '<') e++;
      channel = h.substring(s, e);
    }
    recipient = null;
    int to = h.indexOf("to=");
    if (to >= 0) {
      int s = to + 3;
      int e = s;
      while (e < h.length() && !Character.isWhitespace(h.charAt(e)) && h.charAt(e) != '<') e++;
      String r = h.substring(s, e);
      recipient = r.startsWith("functions.") ? r.substring("functions.".length()) : r;
    }
    args.setLength(0);
  }

  private void body(int from, int to, ParserSink sink) {
    if (to <= from) return;
    if (recipient != null) {
      args.append(buf, from, to);
    } else if (channel.equals("analysis")) {
      if (passReasoning) text(buf, from, to, sink);
      else if (!dropReasoning) sink.reasoning(buf.substring(from, to));
    } else {
      text(buf, from, to, sink);
    }
  }

  private void endMessage(ParserSink sink) {
    if (recipient == null) return;
    String raw = args.toString();
    JsonObject parsed = raw.isBlank() ? new JsonObject() : JsonValues.parseObject(raw);
    if (parsed == null || !calls(List.of(new RawCall(recipient, parsed)), sink)) {
      markupText(raw, 0, raw.length(), sink); // unusable arguments or an unknown tool: the text is content
    }
    recipient = null;
    args.setLength(0);
  }
}
