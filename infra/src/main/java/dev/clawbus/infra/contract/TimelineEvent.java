package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * Something that happened to a request besides a state change, for its timeline: {@code attempt_failed}
 * (detail: the reason), {@code continued} (detail: tokens kept), {@code takeover} (detail: from which node),
 * {@code vllm_back}, {@code exec} (detail: the command and its exit code), {@code replayed} (detail: the id of the
 * new request that replays this failed one; written on the original's key).
 */
public record TimelineEvent(long at, String kind, String node, String detail) {
  public static final String REPLAYED = "replayed";

  public JsonObject toJson() {
    return new JsonObject().put("at", at).put("kind", kind).put("node", node).put("detail", detail);
  }

  public static TimelineEvent fromJson(JsonObject j) {
    return new TimelineEvent(j.getLong("at", 0L), j.getString("kind"), j.getString("node"), j.getString("detail"));
  }
}
