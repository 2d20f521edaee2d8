package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * A request that failed for good, as written to Kafka {@link Topics#REQUESTS_DLQ} (keyed by the request key,
 * with the reason also in the {@code clawbus.reason} header): everything needed to see why and to send it
 * again. {@code envelope} is the original request; null only for a Kafka record that could not be read at all,
 * whose text is then in {@code unreadable}.
 */
public record DeadLetter(String key, String tenant, String id, String reason, int attempts, ErrorInfo error,
    long receivedAt, long failedAt, RequestEnvelope envelope, String unreadable) {

  public static final String REASON_HEADER = "clawbus.reason";

  public String encode() {
    return new JsonObject().put("key", key).put("tenant", tenant).put("id", id).put("reason", reason)
        .put("attempts", attempts).put("error", error == null ? null : error.toJson()).put("received_at", receivedAt)
        .put("failed_at", failedAt).put("envelope", envelope == null ? null : envelope.toJson())
        .put("unreadable", unreadable).encode();
  }

  /** IllegalArgumentException when the text is not a dead letter. */
  public static DeadLetter decode(String text) {
    try {
      JsonObject j = new JsonObject(text);
      JsonObject env = j.getJsonObject("envelope");
      return new DeadLetter(j.getString("key"), j.getString("tenant"), j.getString("id"), j.getString("reason"),
          j.getInteger("attempts", 0), ErrorInfo.fromJson(j.getJsonObject("error")), j.getLong("received_at", 0L),
          j.getLong("failed_at", 0L), env == null ? null : RequestEnvelope.fromJson(env), j.getString("unreadable"));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a dead letter");
    }
  }
}
