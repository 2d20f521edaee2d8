package dev.clawbus.infra.contract;

/**
 * One client-visible event of a response, as delivered to {@link Addresses#ingress(String)} and kept in the
 * journal. {@code data} is the exact text that follows {@code data: } on the SSE line, so the ingress
 * relays it without re-encoding. On the bus it travels as a short string ({@link #encode()}): strings
 * are not copied on local delivery, JSON objects are, and this is once per token.
 *
 * @param type    {@link #CHUNK}, {@link #ERROR} or {@link #DONE}
 * @param seq     position in the response, from 0; the SSE {@code id:} and the resume cursor
 * @param status  for errors, the HTTP status to answer with when the client has seen nothing yet
 * @param data    a chunk's JSON, an OpenAI error body, or {@code [DONE]}
 * @param endedAt for a terminal event, when the answer ended (epoch milliseconds), decided once where the event is
 *                made, so everything that shows that time (the live stream, a replay, the request's record) shows
 *                the same one; 0 when unknown, and always 0 for a chunk
 */
public record StreamEvent(char type, long seq, int status, String data, long endedAt) {
  /** A {@code chat.completion.chunk}. */
  public static final char CHUNK = 'c';
  /** The request failed for good; terminal. */
  public static final char ERROR = 'e';
  /** The answer is complete; the SSE stream ends with {@code data: [DONE]}. Terminal. */
  public static final char DONE = 'd';

  public StreamEvent {
    if (type == CHUNK || endedAt < 0) endedAt = 0;
  }

  /** An event without an end time. */
  public StreamEvent(char type, long seq, int status, String data) {
    this(type, seq, status, data, 0);
  }

  public static StreamEvent chunk(long seq, String chunkJson) {
    return new StreamEvent(CHUNK, seq, 200, chunkJson);
  }

  /** An error without a known end time (the reader falls back to the request's record). */
  public static StreamEvent error(long seq, int status, String errorJson) {
    return new StreamEvent(ERROR, seq, status, errorJson);
  }

  /** An error that ended the answer at {@code endedAt} (epoch milliseconds; 0: unknown). */
  public static StreamEvent error(long seq, int status, String errorJson, long endedAt) {
    return new StreamEvent(ERROR, seq, status, errorJson, endedAt);
  }

  /** The end of a complete answer, without a known end time. */
  public static StreamEvent done(long seq) {
    return new StreamEvent(DONE, seq, 200, "[DONE]");
  }

  /** The end of a complete answer at {@code endedAt} (epoch milliseconds; 0: unknown). */
  public static StreamEvent done(long seq, long endedAt) {
    return new StreamEvent(DONE, seq, 200, "[DONE]", endedAt);
  }

  public boolean terminal() {
    return type != CHUNK;
  }

  /**
   * {@code <type><seq> <status>\n<data>}; a terminal event with an end time has it after the status:
   * {@code <type><seq> <status> <endedAt>\n<data>}.
   */
  public String encode() {
    StringBuilder sb = new StringBuilder(data.length() + 24).append(type).append(seq).append(' ').append(status);
    if (endedAt > 0) sb.append(' ').append(endedAt);
    return sb.append('\n').append(data).toString();
  }

  /** Reads {@link #encode()}'s form, with or without an end time. */
  public static StreamEvent decode(String text) {
    int space = text.indexOf(' ');
    int nl = text.indexOf('\n', space);
    if (space < 2 || nl < 0) {
      throw new IllegalArgumentException("not a stream event");
    }
    int space2 = text.indexOf(' ', space + 1);
    boolean timed = space2 >= 0 && space2 < nl;
    return new StreamEvent(text.charAt(0), Long.parseLong(text, 1, space, 10),
        Integer.parseInt(text, space + 1, timed ? space2 : nl, 10), text.substring(nl + 1),
        timed ? Long.parseLong(text, space2 + 1, nl, 10) : 0);
  }
}
