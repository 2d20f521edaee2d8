package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The ingress's request to the transformer on {@link Addresses#TRANSFORM} (node-local, passed by reference).
 * The reply is a {@link Reply}; a refusal is a ReplyException whose code is the HTTP status and whose
 * message is the OpenAI error body.
 *
 * @param idSource how {@code id} was chosen: a client-given id or idempotency key names a request that may
 *                 exist already (the transformer then attaches instead of generating again)
 * @param bodyHash SHA-256 of the tenant and body bytes, for the dedupe window; null when dedupe is off
 * @param body     the client's JSON body as parsed (chat completions or Responses, per {@code api})
 */
public record Submission(
    String id,
    IdSource idSource,
    String tenant,
    Api api,
    JsonObject body,
    String bodyHash,
    long receivedAt,
    String replyTo,
    String replayOf) {

  public enum IdSource { GENERATED, CLIENT, IDEMPOTENCY_KEY }

  public String key() {
    return RequestRecord.key(tenant, id);
  }

  /** Whether a request with this id may already exist (the client named it). */
  public boolean named() {
    return idSource != IdSource.GENERATED;
  }

  /**
   * What the transformer answers. {@code headers} go on the HTTP answer: a rate-limited tenant's
   * {@code x-ratelimit-*} headers, on every answer.
   */
  public sealed interface Reply {
    Map<String, String> headers();
  }

  /**
   * The request is durable and running or queued; its chunks carry these values. {@code apiRequest} is the
   * envelope's (for the Responses API, what the answer is rendered with; null for chat).
   */
  public record Queued(String completionId, long created, String model, JsonObject apiRequest,
      Map<String, String> headers) implements Reply {
    public Queued(String completionId, long created, String model, Map<String, String> headers) {
      this(completionId, created, model, null, headers);
    }
  }

  /**
   * The request names one that exists (same id, idempotency key, or a duplicate body): answer from it.
   * {@code existing} is null when that one claimed its body a moment ago and has no record yet.
   */
  public record Attach(String key, RequestRecord existing, Map<String, String> headers) implements Reply {}

  /**
   * An answer clawbus gives itself without vLLM (the loop guard's stop), in the client's shape ({@code apiRequest}
   * as in {@link Queued}).
   */
  public record Immediate(String text, String model, JsonObject apiRequest, Map<String, String> headers)
      implements Reply {
    public Immediate(String text, String model, Map<String, String> headers) {
      this(text, model, null, headers);
    }
  }

  /** Not admitted (a limit): the HTTP status, the OpenAI error body, and the headers that say when to retry. */
  public record Refused(int status, String errorJson, Map<String, String> headers) implements Reply {}
}
