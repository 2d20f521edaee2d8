package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * One client-visible event of a response, as sent on {@link Addresses#out(String)} and kept in the
 * journal. {@code data} is the exact text that follows {@code data: } on the SSE line, so the ingress
 * relays it without re-encoding.
 */
public final class StreamEvent {
  public static final String REQUEST_ID = "id";
  public static final String SEQ = "seq";
  public static final String TYPE = "type";
  public static final String DATA = "data";
  public static final String STATUS = "status";

  /** A {@code chat.completion.chunk}. */
  public static final String CHUNK = "chunk";
  /**
   * The request failed; {@code data} is an OpenAI error body and {@code status} the HTTP status to use
   * when the client has not seen a byte yet. Terminal.
   */
  public static final String ERROR = "error";
  /** The answer is complete; the SSE stream ends with {@code data: [DONE]}. Terminal. */
  public static final String DONE = "done";

  private StreamEvent() {}

  public static JsonObject chunk(String requestId, long seq, String chunkJson) {
    return new JsonObject().put(REQUEST_ID, requestId).put(SEQ, seq).put(TYPE, CHUNK).put(DATA, chunkJson);
  }

  public static JsonObject error(String requestId, long seq, int status, String errorJson) {
    return new JsonObject().put(REQUEST_ID, requestId).put(SEQ, seq).put(TYPE, ERROR)
        .put(STATUS, status).put(DATA, errorJson);
  }

  public static JsonObject done(String requestId, long seq) {
    return new JsonObject().put(REQUEST_ID, requestId).put(SEQ, seq).put(TYPE, DONE).put(DATA, "[DONE]");
  }

  public static boolean isTerminal(JsonObject event) {
    String type = event.getString(TYPE);
    return DONE.equals(type) || ERROR.equals(type);
  }
}
