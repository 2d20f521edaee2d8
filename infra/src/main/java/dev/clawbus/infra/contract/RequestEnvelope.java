package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * A chat request as it travels through Kafka {@link Topics#REQUESTS}: the normalised vLLM body plus
 * everything the dispatcher needs to answer in the client's shape. A thin view over the JSON so the
 * record is never copied on its way through.
 */
public final class RequestEnvelope {
  public static final String ID = "id";
  public static final String COMPLETION_ID = "completion_id";
  public static final String CREATED = "created";
  public static final String TENANT = "tenant";
  public static final String MODEL = "model";
  public static final String STREAM = "stream";
  public static final String INCLUDE_USAGE = "include_usage";
  public static final String PARSER = "parser";
  public static final String REASONING = "reasoning";
  public static final String BODY = "body";
  public static final String RECEIVED_AT = "received_at";
  public static final String DEADLINE_AT = "deadline_at";
  public static final String REPLY_TO = "reply_to";

  private final JsonObject json;

  public RequestEnvelope(JsonObject json) {
    this.json = json;
  }

  public static RequestEnvelope create(String id, String tenant, String model, boolean stream,
      boolean includeUsage, JsonObject vllmBody, long receivedAtMillis, long deadlineAtMillis) {
    return new RequestEnvelope(new JsonObject()
        .put(ID, id)
        .put(COMPLETION_ID, "chatcmpl-" + id)
        .put(CREATED, receivedAtMillis / 1000)
        .put(TENANT, tenant)
        .put(MODEL, model)
        .put(STREAM, stream)
        .put(INCLUDE_USAGE, includeUsage)
        .put(BODY, vllmBody)
        .put(RECEIVED_AT, receivedAtMillis)
        .put(DEADLINE_AT, deadlineAtMillis));
  }

  /** Reads an envelope from its JSON text; throws IllegalArgumentException when it is not one. */
  public static RequestEnvelope parse(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
    if (!(json.getValue(ID) instanceof String) || !(json.getValue(BODY) instanceof JsonObject)) {
      throw new IllegalArgumentException("no request id or body");
    }
    return new RequestEnvelope(json);
  }

  public JsonObject json() { return json; }
  public String id() { return json.getString(ID); }
  public String completionId() { return json.getString(COMPLETION_ID); }
  public long created() { return json.getLong(CREATED); }
  public String tenant() { return json.getString(TENANT, "default"); }
  /** The model name the client asked for; chunks carry this name. */
  public String model() { return json.getString(MODEL); }
  public boolean stream() { return json.getBoolean(STREAM, false); }
  public boolean includeUsage() { return json.getBoolean(INCLUDE_USAGE, false); }
  /** Tool-call parser family for this request ({@code none} when the request has no tools). */
  public String parser() { return json.getString(PARSER, "none"); }
  public RequestEnvelope parser(String name) { json.put(PARSER, name); return this; }
  /** How {@code <think>} text is delivered: split, pass or drop. */
  public String reasoning() { return json.getString(REASONING, "split"); }
  public RequestEnvelope reasoning(String mode) { json.put(REASONING, mode); return this; }
  /** The body to POST to vLLM's /v1/chat/completions. */
  public JsonObject body() { return json.getJsonObject(BODY); }
  public long receivedAt() { return json.getLong(RECEIVED_AT); }
  public long deadlineAt() { return json.getLong(DEADLINE_AT); }
  /** The ingress address that holds the client ({@link Addresses#ingress}); events are sent there. */
  public String replyTo() { return json.getString(REPLY_TO); }
  public RequestEnvelope replyTo(String address) { json.put(REPLY_TO, address); return this; }
}
