package dev.clawbus.infra.contract;

/**
 * One client-visible event of a response, as delivered to {@link Addresses#ingress(String)} and kept in the
 * journal. {@code data} is the exact text that follows {@code data: } on the SSE line, so the ingress
 * relays it without re-encoding. On the bus it travels as a short string ({@link #encode()}): strings
 * are not copied on local delivery, JSON objects are, and this is once per token.
 *
 * @param type   {@link #CHUNK}, {@link #ERROR} or {@link #DONE}
 * @param seq    position in the response, from 0; the SSE {@code id:} and the resume cursor
 * @param status for errors, the HTTP status to answer with when the client has seen nothing yet
 * @param data   a chunk's JSON, an OpenAI error body, or {@code [DONE]}
 */
public record StreamEvent(char type, long seq, int status, String data) {
  /** A {@code chat.completion.chunk}. */
  public static final char CHUNK = 'c';
  /** The request failed for good; terminal. */
  public static final char ERROR = 'e';
  /** The answer is complete; the SSE stream ends with {@code data: [DONE]}. Terminal. */
  public static final char DONE = 'd';

  public static StreamEvent chunk(long seq, String chunkJson) {
    return new StreamEvent(CHUNK, seq, 200, chunkJson);
  }

  public static StreamEvent error(long seq, int status, String errorJson) {
    return new StreamEvent(ERROR, seq, status, errorJson);
  }

  public static StreamEvent done(long seq) {
    return new StreamEvent(DONE, seq, 200, "[DONE]");
  }

  public boolean terminal() {
    return type != CHUNK;
  }

  /** {@code <type><seq> <status>\n<data>}. */
  public String encode() {
    return new StringBuilder(data.length() + 24).append(type).append(seq).append(' ').append(status).append('\n')
        .append(data).toString();
  }

  public static StreamEvent decode(String text) {
    int space = text.indexOf(' ');
    int nl = text.indexOf('\n', space);
    if (space < 2 || nl < 0) {
      throw new IllegalArgumentException("not a stream event");
    }
    return new StreamEvent(text.charAt(0), Long.parseLong(text, 1, space, 10),
        Integer.parseInt(text, space + 1, nl, 10), text.substring(nl + 1));
  }
}
