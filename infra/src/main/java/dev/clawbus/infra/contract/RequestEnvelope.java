package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * A request as it travels to a dispatcher, locally and through Kafka {@link Topics#REQUESTS} (keyed by
 * {@link #key()}): the normalised vLLM body plus everything needed to answer in the client's shape, on any node.
 *
 * @param owner           member that accepted the request and runs it unless it dies
 * @param replyTo         event-bus address of the ingress instance that holds the client (null: nobody waits)
 * @param body            the body to POST to vLLM's {@code /v1/chat/completions} (not to be modified)
 * @param apiRequest      for the Responses API, the client's request fields that its answer echoes; else null
 * @param estimatedTokens prompt estimate plus {@code max_tokens}: what the request may cost, for fair shares
 */
public record RequestEnvelope(
    String id,
    String tenant,
    Api api,
    String model,
    String completionId,
    long created,
    boolean stream,
    boolean includeUsage,
    boolean background,
    String parser,
    String reasoning,
    JsonObject body,
    long receivedAt,
    long deadlineAt,
    String owner,
    String replyTo,
    String replayOf,
    JsonObject apiRequest,
    int estimatedTokens) {

  public String key() {
    return RequestRecord.key(tenant, id);
  }

  public RequestEnvelope withOwner(String newOwner, String newReplyTo) {
    return new RequestEnvelope(id, tenant, api, model, completionId, created, stream, includeUsage, background, parser,
        reasoning, body, receivedAt, deadlineAt, newOwner, newReplyTo, replayOf, apiRequest, estimatedTokens);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id).put("tenant", tenant).put("api", api.wire()).put("model", model)
        .put("completion_id", completionId).put("created", created).put("stream", stream)
        .put("include_usage", includeUsage).put("background", background).put("parser", parser)
        .put("reasoning", reasoning).put("body", body).put("received_at", receivedAt)
        .put("deadline_at", deadlineAt).put("owner", owner).put("reply_to", replyTo).put("replay_of", replayOf)
        .put("api_request", apiRequest).put("estimated_tokens", estimatedTokens);
  }

  public String encode() {
    return toJson().encode();
  }

  /** Reads an envelope; IllegalArgumentException (never another exception) when the text is not one. */
  public static RequestEnvelope decode(String text) {
    JsonObject j;
    try {
      j = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not JSON");
    }
    return fromJson(j);
  }

  public static RequestEnvelope fromJson(JsonObject j) {
    try {
      String id = j.getString("id");
      String tenant = j.getString("tenant");
      JsonObject body = j.getJsonObject("body");
      if (id == null || tenant == null || body == null) {
        throw new IllegalArgumentException("no request id, tenant or body");
      }
      return new RequestEnvelope(id, tenant, Api.parse(j.getString("api")), j.getString("model"),
          j.getString("completion_id", "chatcmpl-" + id), j.getLong("created", 0L), j.getBoolean("stream", false),
          j.getBoolean("include_usage", false), j.getBoolean("background", false), j.getString("parser", "none"),
          j.getString("reasoning", "split"), body, j.getLong("received_at", 0L), j.getLong("deadline_at", 0L),
          j.getString("owner"), j.getString("reply_to"), j.getString("replay_of"), j.getJsonObject("api_request"),
          j.getInteger("estimated_tokens", 0));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("a field has the wrong type");
    }
  }
}
