package dev.clawbus.responses;

import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The answer in the Responses shape: folds a response's journal events (or a finished
 * {@code chat.completion}) into the {@code response} object, as the answer to a non-streaming
 * {@code POST /v1/responses}, to {@code GET /v1/responses/{id}} (also while it is still queued or
 * running: status {@code queued} / {@code in_progress} with the output so far) and to a background
 * request's first reply. It uses the same fold as {@link ResponsesStreamTranslator}, so the object equals
 * the one a stream ends with.
 */
public final class ResponseAssembler {
  private final ResponseFold fold;

  public ResponseAssembler(ResponseContext ctx) {
    this.fold = new ResponseFold(ctx, Long.MAX_VALUE);
    fold.start(null);
  }

  public ResponseAssembler accept(StreamEvent event) {
    fold.accept(event, null);
    return this;
  }

  public ResponseAssembler acceptAll(List<StreamEvent> events) {
    for (StreamEvent e : events) {
      if (finished()) break;
      fold.accept(e, null);
    }
    return this;
  }

  /**
   * The {@code completed_at} (seconds) of a finished response when its terminal event has no time of its own
   * ({@link StreamEvent#endedAt()}, which wins); null when unknown.
   */
  public ResponseAssembler completedAt(Long epochSeconds) {
    fold.completedAt(epochSeconds);
    return this;
  }

  public boolean finished() {
    return fold.status() != null;
  }

  /** queued, in_progress, completed, incomplete, failed or cancelled. */
  public String status() {
    return fold.currentStatus();
  }

  /** The response object as JSON text. */
  public String json() {
    StringBuilder sb = new StringBuilder(2048);
    fold.appendResponse(sb, fold.currentStatus());
    return sb.toString();
  }

  /** The output items, e.g. for {@link PreviousResponse}. */
  public JsonArray output() {
    return new JsonObject(json()).getJsonArray("output");
  }

  /**
   * The response object of a kept request: its journal events so far, and what its record says (when it finished;
   * the recorded error of a request that ended without a terminal event in the journal, one that could not be
   * queued).
   */
  public static ResponseAssembler of(ResponseContext ctx, RequestRecord r, List<StreamEvent> events) {
    ResponseAssembler a = new ResponseAssembler(ctx).completedAt(completedAt(r)).acceptAll(events);
    if (r.status().terminal() && !a.finished() && r.error() != null) {
      OpenAiError e = r.error().toError();
      a.accept(StreamEvent.error(Long.MAX_VALUE, e.status(), e.body().encode()));
    }
    return a;
  }

  /**
   * When a finished request completed (seconds since the epoch), as its record says; null before it finished. Only the
   * fallback for an answer whose terminal event does not carry its time (written before events did).
   */
  public static Long completedAt(RequestRecord r) {
    if (!r.status().terminal()) return null;
    return (r.finishedAt() != null ? r.finishedAt() : r.updatedAt()) / 1000;
  }

  /**
   * The response for a whole {@code chat.completion} (one choice), as if it had been streamed (the fold reads
   * events in order and ignores their journal numbers).
   */
  public static ResponseAssembler fromCompletion(ResponseContext ctx, JsonObject completion) {
    ResponseAssembler a = new ResponseAssembler(ctx);
    ChunkWriter w = new ChunkWriter("chatcmpl-" + ctx.requestId(), ctx.createdAt(), ctx.model());
    a.accept(StreamEvent.chunk(0, w.role()));
    JsonArray choices = completion.getJsonArray("choices", new JsonArray());
    String finish = null;
    if (!choices.isEmpty()) {
      JsonObject choice = choices.getJsonObject(0);
      JsonObject message = choice.getJsonObject("message", new JsonObject());
      String reasoning = message.getString("reasoning_content", message.getString("reasoning"));
      if (reasoning != null && !reasoning.isEmpty()) a.accept(StreamEvent.chunk(0, w.reasoning(reasoning)));
      String content = message.getString("content");
      if (content != null && !content.isEmpty()) a.accept(StreamEvent.chunk(0, w.content(content)));
      JsonArray calls = message.getJsonArray("tool_calls", new JsonArray());
      for (int i = 0; i < calls.size(); i++) {
        JsonObject call = calls.getJsonObject(i);
        JsonObject fn = call.getJsonObject("function", new JsonObject());
        a.accept(StreamEvent.chunk(0, w.toolCall(i, call.getString("id", ""), fn.getString("name", ""),
            fn.getString("arguments", ""))));
      }
      finish = choice.getString("finish_reason");
    }
    a.accept(StreamEvent.chunk(0, w.finish(finish == null ? "stop" : finish)));
    JsonObject usage = completion.getJsonObject("usage");
    if (usage != null) {
      a.accept(StreamEvent.chunk(0, new JsonObject().put("choices", new JsonArray()).put("usage", usage).encode()));
    }
    a.accept(StreamEvent.done(0));
    return a;
  }
}
