package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * The ingress's request to the transformer on {@link Addresses#TRANSFORM}, and the reply. Failures come
 * back as a ReplyException whose code is the HTTP status and whose message is the OpenAI error body.
 */
public final class Submission {
  private Submission() {}

  public static final String ID = "id";
  public static final String TENANT = "tenant";
  public static final String RECEIVED_AT = "received_at";
  public static final String BODY = "body";
  public static final String REPLY_TO = "reply_to";

  /** Reply: the request is durable in Kafka; its chunks will carry these values. */
  public static final String COMPLETION_ID = "completion_id";
  public static final String CREATED = "created";
  public static final String MODEL = "model";
  /**
   * Reply instead of queueing: a complete assistant answer clawbus gives itself (the loop guard's stop
   * message), sent in the shape the client asked for.
   */
  public static final String IMMEDIATE = "immediate";

  public static JsonObject request(String id, String tenant, long receivedAt, JsonObject body, String replyTo) {
    return new JsonObject().put(ID, id).put(TENANT, tenant).put(RECEIVED_AT, receivedAt).put(BODY, body)
        .put(REPLY_TO, replyTo);
  }

  public static JsonObject queued(RequestEnvelope env) {
    return new JsonObject().put(COMPLETION_ID, env.completionId()).put(CREATED, env.created()).put(MODEL, env.model());
  }
}
