package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * One finished request, as kept per tenant for accounting (one Kafka record per request, topic {@code clawbus.usage},
 * keyed by tenant) and served by {@code GET /admin/usage}. Times are epoch milliseconds; durations milliseconds.
 *
 * @param outcome {@code done}, {@code failed} or {@code cancelled}
 * @param ttftMillis from arrival to the first token sent to the client; -1 when none was sent
 */
public record UsageRecord(String tenant, String requestId, String model, long promptTokens, long completionTokens,
    long queueWaitMillis, long ttftMillis, long durationMillis, String outcome, long receivedAt, long finishedAt) {

  public static final String TENANT = "tenant";
  public static final String REQUEST_ID = "request_id";
  public static final String MODEL = "model";
  public static final String PROMPT_TOKENS = "prompt_tokens";
  public static final String COMPLETION_TOKENS = "completion_tokens";
  public static final String QUEUE_WAIT_MS = "queue_wait_ms";
  public static final String TTFT_MS = "ttft_ms";
  public static final String DURATION_MS = "duration_ms";
  public static final String OUTCOME = "outcome";
  public static final String RECEIVED_AT = "received_at";
  public static final String FINISHED_AT = "finished_at";

  public UsageRecord {
    if (tenant == null || tenant.isEmpty()) throw new IllegalArgumentException("usage record without a tenant");
    if (requestId == null || requestId.isEmpty()) throw new IllegalArgumentException("usage record without a request id");
    if (outcome == null || outcome.isEmpty()) throw new IllegalArgumentException("usage record without an outcome");
    if (promptTokens < 0 || completionTokens < 0 || queueWaitMillis < 0 || durationMillis < 0 || ttftMillis < -1) {
      throw new IllegalArgumentException("usage record with a negative count or duration");
    }
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** The Kafka key: records of one tenant stay in order on one partition. */
  public String key() {
    return tenant;
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put(TENANT, tenant).put(REQUEST_ID, requestId).put(MODEL, model)
        .put(PROMPT_TOKENS, promptTokens).put(COMPLETION_TOKENS, completionTokens).put(QUEUE_WAIT_MS, queueWaitMillis);
    if (ttftMillis >= 0) j.put(TTFT_MS, ttftMillis);
    return j.put(DURATION_MS, durationMillis).put(OUTCOME, outcome).put(RECEIVED_AT, receivedAt)
        .put(FINISHED_AT, finishedAt);
  }

  public String encode() {
    return toJson().encode();
  }

  /** Reads a record from its JSON text; IllegalArgumentException naming what is wrong when it is not one. */
  public static UsageRecord decode(String text) {
    JsonObject j;
    try {
      j = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("usage record is not a JSON object");
    }
    return new UsageRecord(string(j, TENANT, true), string(j, REQUEST_ID, true), string(j, MODEL, false),
        number(j, PROMPT_TOKENS, 0), number(j, COMPLETION_TOKENS, 0), number(j, QUEUE_WAIT_MS, 0),
        number(j, TTFT_MS, -1), number(j, DURATION_MS, 0), string(j, OUTCOME, true), number(j, RECEIVED_AT, 0),
        number(j, FINISHED_AT, 0));
  }

  private static String string(JsonObject j, String field, boolean required) {
    Object v = j.getValue(field);
    if (v == null && !required) return null;
    if (!(v instanceof String s)) throw new IllegalArgumentException("usage record: " + field + " must be a string");
    return s;
  }

  private static long number(JsonObject j, String field, long dflt) {
    Object v = j.getValue(field);
    if (v == null) return dflt;
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException("usage record: " + field + " must be a whole number");
    }
    return n.longValue();
  }
}
