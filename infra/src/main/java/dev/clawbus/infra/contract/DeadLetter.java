package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A request that failed for good, as written to Kafka {@link Topics#REQUESTS_DLQ}: everything an operator needs to
 * see why and to send it again ({@code clawbus dlq list}, {@code clawbus replay}, {@code GET /admin/dlq}). The only
 * writers are the dispatcher's runner (a run that ended {@code failed}) and its Kafka intake (a record of
 * {@link Topics#REQUESTS} that could not be read); the only reader is the admin API. This class is the one codec.
 *
 * <p>The Kafka record: key {@link #key} ({@code tenant/id}, like the request's own records), header
 * {@value #REASON_HEADER} with {@link #reason} in UTF-8, and as value one JSON object:
 * <pre>
 * {
 *   "key": "team-a/req-1",          the request's key (tenant/id)
 *   "tenant": "team-a",             whose request it is (null only for an unreadable record)
 *   "id": "req-1",                  the id the client saw (X-Request-Id)
 *   "reason": "vLLM unreachable…",  why it failed, for people (the last error's message)
 *   "attempts": 3,                  calls made to vLLM (0: it never reached vLLM)
 *   "error": {"status":503,"type":"service_unavailable","code":"vllm_unavailable","message":"…"},
 *                                   the last error, as the client saw it (null for an unreadable record)
 *   "received_at": 1700000000000,   when clawbus accepted the request (epoch ms)
 *   "failed_at": 1700000600000,     when it failed for good (epoch ms)
 *   "node": "gpu-gw-1",             the node where it failed
 *   "envelope": {…},                the original request ({@link RequestEnvelope}: tenant, model, the vLLM body,
 *                                   parser, stream flags, replay_of …): what a replay sends again
 *   "unreadable": null              only when the request record itself could not be read: its raw text
 * }
 * </pre>
 * A replay is a new request of the same tenant with a new id whose {@code replay_of} names this one; a replay that
 * fails again is a dead letter of its own.
 */
public record DeadLetter(String key, String tenant, String id, String reason, int attempts, ErrorInfo error,
    long receivedAt, long failedAt, String node, RequestEnvelope envelope, String unreadable) {

  public static final String REASON_HEADER = "clawbus.reason";

  /** The dead letter of request {@code env}, which failed with {@code error} after {@code attempts} calls. */
  public static DeadLetter of(RequestEnvelope env, ErrorInfo error, int attempts, String node, long failedAt) {
    return new DeadLetter(env.key(), env.tenant(), env.id(), error.message(), attempts, error, env.receivedAt(),
        failedAt, node, env, null);
  }

  /** The dead letter of a request record that could not be read ({@code why}); its text is kept as it was. */
  public static DeadLetter unreadable(String key, String text, String why, String node, long failedAt) {
    return new DeadLetter(key, null, null, "unreadable request record: " + why, 0, null, 0, failedAt, node, null,
        text);
  }

  /** Whether it can be sent again: it carries the original request. */
  public boolean replayable() {
    return envelope != null;
  }

  /** The Kafka record to write: keyed by {@link #key}, with the reason header. */
  public ProducerRecord<String, String> producerRecord() {
    ProducerRecord<String, String> r = new ProducerRecord<>(Topics.REQUESTS_DLQ, key, encode());
    if (reason != null) r.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    return r;
  }

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("tenant", tenant).put("id", id).put("reason", reason)
        .put("attempts", attempts).put("error", error == null ? null : error.toJson()).put("received_at", receivedAt)
        .put("failed_at", failedAt).put("node", node).put("envelope", envelope == null ? null : envelope.toJson())
        .put("unreadable", unreadable);
  }

  public String encode() {
    return toJson().encode();
  }

  /** IllegalArgumentException (never another exception) when the text is not a dead letter. */
  public static DeadLetter decode(String text) {
    JsonObject j;
    try {
      j = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a dead letter: not a JSON object");
    }
    return fromJson(j);
  }

  /** IllegalArgumentException (never another exception) when {@code j} is not a dead letter. */
  public static DeadLetter fromJson(JsonObject j) {
    try {
      String key = j.getString("key");
      if (key == null) throw new IllegalArgumentException("not a dead letter: no key");
      JsonObject env = j.getJsonObject("envelope");
      return new DeadLetter(key, j.getString("tenant"), j.getString("id"), j.getString("reason"),
          j.getInteger("attempts", 0), ErrorInfo.fromJson(j.getJsonObject("error")), j.getLong("received_at", 0L),
          j.getLong("failed_at", 0L), j.getString("node"), env == null ? null : RequestEnvelope.fromJson(env),
          j.getString("unreadable"));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("not a dead letter: a field has the wrong type");
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().startsWith("not a dead letter") ? e
          : new IllegalArgumentException("not a dead letter: " + e.getMessage());
    }
  }
}
