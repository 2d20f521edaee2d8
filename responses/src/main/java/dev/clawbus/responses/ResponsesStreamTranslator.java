package dev.clawbus.responses;

import dev.clawbus.infra.contract.StreamEvent;
import java.util.List;

/**
 * Turns the journal events of one response (chat chunks, then DONE or ERROR) into the Responses API's
 * server-sent events, appended as {@code event: <type>\ndata: <json>\n\n} frames to a caller's builder:
 * {@code response.created}, {@code response.queued} (background) / {@code response.in_progress}, then
 * per output item {@code response.output_item.added}, {@code response.content_part.added},
 * {@code response.output_text.delta}/{@code .done} (or {@code response.reasoning_text.delta}/{@code .done},
 * or {@code response.function_call_arguments.delta}/{@code .done}), {@code response.content_part.done},
 * {@code response.output_item.done}, and last {@code response.completed}, {@code response.incomplete} or
 * {@code response.failed} with the whole response. Every event has a {@code sequence_number} counting
 * from 0 without gaps.
 *
 * <p>Deterministic: the same journal gives the same frames and numbers, so a client resumes with
 * {@code starting_after=N} through a fresh translator built with {@code startingAfter = N}, fed the
 * journal from its first event: events up to N are counted but not written, the rest follow live.
 *
 * <p>One instance per client stream, used from one thread (the event loop that owns the client). Per
 * chunk it parses the chunk with a streaming JSON parser and appends to the caller's builder; no JSON
 * tree is built.
 */
public final class ResponsesStreamTranslator {
  private final ResponseFold fold;

  /** A stream from the first event. */
  public ResponsesStreamTranslator(ResponseContext ctx) {
    this(ctx, -1);
  }

  /**
   * @param startingAfter the client's {@code starting_after}: events numbered up to it are not written
   *     again; -1 (or less) writes everything
   */
  public ResponsesStreamTranslator(ResponseContext ctx, long startingAfter) {
    this.fold = new ResponseFold(ctx, Math.max(-1, startingAfter));
  }

  /**
   * The opening events ({@code response.created}, then {@code response.in_progress}, or
   * {@code response.queued} for a background response). Send them as soon as the request is accepted;
   * {@link #accept} calls it itself if it was not called.
   */
  public void start(StringBuilder out) {
    fold.start(out);
  }

  /** Appends the frames this journal event amounts to (none for a role or keepalive chunk). */
  public void accept(StreamEvent event, StringBuilder out) {
    fold.accept(event, out);
  }

  /** {@link #accept} for each event, stopping after the terminal one. */
  public void acceptAll(List<StreamEvent> events, StringBuilder out) {
    for (StreamEvent e : events) {
      if (finished()) return;
      fold.accept(e, out);
    }
  }

  /**
   * The {@code completed_at} (seconds) the terminal response carries when its terminal event has no time of its own
   * ({@link StreamEvent#endedAt()}, which wins); leave both unset and it is null. Set it before the terminal event to
   * have it in {@code response.completed}.
   */
  public void completedAt(Long epochSeconds) {
    fold.completedAt(epochSeconds);
  }

  /** True once DONE or ERROR has been translated: the client stream ends. */
  public boolean finished() {
    return fold.status() != null;
  }

  /** completed, incomplete, failed or cancelled once finished; null before. */
  public String status() {
    return fold.status();
  }

  /** The number of the last event counted so far (written or skipped); -1 before any. */
  public long lastSequenceNumber() {
    return fold.lastSequenceNumber();
  }

  /**
   * A keepalive frame for a client that is waiting: {@code event: keepalive} with
   * {@code data: {"type":"keepalive","sequence_number":N}}, N being the last number the client has
   * (it takes no number of its own, so the real events stay contiguous and resuming after N is right).
   * OpenAI sends this heartbeat on long-running Responses streams and the OpenAI SDKs let it through
   * their strict validation; as a {@code data:} event it resets idle timers that ignore SSE comments.
   */
  public void keepalive(StringBuilder out) {
    long n = Math.max(fold.lastSequenceNumber(), fold.skipThrough());
    out.append("event: keepalive\ndata: {\"type\":\"keepalive\"");
    if (n >= 0) out.append(",\"sequence_number\":").append(n);
    out.append("}\n\n");
  }

  /** The frames after {@code startingAfter} for a journal read so far (all of it for a finished response). */
  public static String replay(ResponseContext ctx, List<StreamEvent> events, long startingAfter) {
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(ctx, startingAfter);
    StringBuilder out = new StringBuilder(1024);
    t.start(out);
    t.acceptAll(events, out);
    return out.toString();
  }
}
