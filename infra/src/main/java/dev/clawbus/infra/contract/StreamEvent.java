package dev.clawbus.infra.contract;

import java.util.Objects;

/**
 * One client-visible event of a response, as delivered to {@link Addresses#ingress(String)} and kept in the
 * journal. {@code data} is the exact text that follows {@code data: } on the SSE line, so the ingress
 * relays it without re-encoding. On the bus it travels as a short string ({@link #encode()}): strings
 * are not copied on local delivery, JSON objects are, and this is once per token.
 *
 * <p>A terminal event may also carry {@link #endedAt()}: when the answer ended, decided once where the event is
 * made, so everything that shows that time (the live stream, a replay, the request's record) shows the same one.
 * Only terminal events hold it (a chunk is no bigger for it: the time lives in a subclass).
 *
 * <p>Value semantics as a record's: equal when type, seq, status, data and {@code endedAt} are.
 */
public sealed class StreamEvent {
  /** A {@code chat.completion.chunk}. */
  public static final char CHUNK = 'c';
  /** The request failed for good; terminal. */
  public static final char ERROR = 'e';
  /** The answer is complete; the SSE stream ends with {@code data: [DONE]}. Terminal. */
  public static final char DONE = 'd';

  private final char type;
  private final long seq;
  private final int status;
  private final String data;

  /**
   * @param type   {@link #CHUNK}, {@link #ERROR} or {@link #DONE}
   * @param seq    position in the response, from 0; the SSE {@code id:} and the resume cursor
   * @param status for errors, the HTTP status to answer with when the client has seen nothing yet
   * @param data   a chunk's JSON, an OpenAI error body, or {@code [DONE]}
   */
  public StreamEvent(char type, long seq, int status, String data) {
    this.type = type;
    this.seq = seq;
    this.status = status;
    this.data = data;
  }

  /**
   * An event with its end time: {@code endedAt} (epoch milliseconds) is kept for a terminal event when positive,
   * dropped otherwise (a chunk never carries one; 0 means unknown).
   */
  public static StreamEvent of(char type, long seq, int status, String data, long endedAt) {
    return endedAt > 0 && type != CHUNK ? new Ended(type, seq, status, data, endedAt)
        : new StreamEvent(type, seq, status, data);
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
    return of(ERROR, seq, status, errorJson, endedAt);
  }

  /** The end of a complete answer, without a known end time. */
  public static StreamEvent done(long seq) {
    return new StreamEvent(DONE, seq, 200, "[DONE]");
  }

  /** The end of a complete answer at {@code endedAt} (epoch milliseconds; 0: unknown). */
  public static StreamEvent done(long seq, long endedAt) {
    return of(DONE, seq, 200, "[DONE]", endedAt);
  }

  public char type() {
    return type;
  }

  public long seq() {
    return seq;
  }

  public int status() {
    return status;
  }

  public String data() {
    return data;
  }

  /** When the answer ended (epoch milliseconds), for a terminal event that knows it; 0 otherwise. */
  public long endedAt() {
    return 0;
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
    long at = endedAt();
    if (at > 0) sb.append(' ').append(at);
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
    char type = text.charAt(0);
    long seq = Long.parseLong(text, 1, space, 10);
    String data = text.substring(nl + 1);
    if (space2 < 0 || space2 > nl) {
      return new StreamEvent(type, seq, Integer.parseInt(text, space + 1, nl, 10), data);
    }
    return of(type, seq, Integer.parseInt(text, space + 1, space2, 10), data, Long.parseLong(text, space2 + 1, nl, 10));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StreamEvent e && e.type == type && e.seq == seq && e.status == status
        && e.endedAt() == endedAt() && Objects.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    int h = Character.hashCode(type);
    h = 31 * h + Long.hashCode(seq);
    h = 31 * h + status;
    h = 31 * h + Objects.hashCode(data);
    return 31 * h + Long.hashCode(endedAt());
  }

  @Override
  public String toString() {
    long at = endedAt();
    return "StreamEvent[type=" + type + ", seq=" + seq + ", status=" + status + ", data=" + data
        + (at > 0 ? ", endedAt=" + at : "") + "]";
  }

  /** A terminal event that knows when its answer ended. */
  private static final class Ended extends StreamEvent {
    private final long endedAt;

    Ended(char type, long seq, int status, String data, long endedAt) {
      super(type, seq, status, data);
      this.endedAt = endedAt;
    }

    @Override
    public long endedAt() {
      return endedAt;
    }
  }
}
