package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;
import java.io.Serializable;

/**
 * A request's lifecycle record, the one the cluster agrees on (kept in Hazelcast by
 * {@code dev.clawbus.infra.lifecycle.RequestStore}, copied to Kafka {@link Topics#EVENTS} on every change).
 * Only the store changes it, through checked transitions ({@link Status}).
 *
 * <p>Requests are scoped to their tenant: the store's key is {@link #key(String, String)}, so two tenants may
 * use the same id without meeting, and a lookup always names the caller's tenant.
 *
 * @param id             the id the client sees ({@code X-Request-Id}); unique within the tenant
 * @param owner          Hazelcast member that holds the request (runs it, or will): null when nobody does
 * @param node           that member's display name (for people, never for decisions)
 * @param cancelRequested a cancel arrived while it ran: its owner, or whoever takes it over, ends it cancelled
 * @param kafkaPartition where the request's record is in {@link Topics#REQUESTS} (null until acknowledged)
 * @param answerRef      where the finished answer was spilled to Kafka {@link Topics#EVENTS}
 *                       ({@code partition:offset}), once it left memory; null before
 * @param deleted        its client deleted it ({@code DELETE /v1/responses/{id}}): every lookup answers as if it
 *                       did not exist; the record stays, so nothing runs or takes it over again
 */
public record RequestRecord(
    String id,
    String tenant,
    Api api,
    String model,
    String completionId,
    long created,
    boolean stream,
    boolean background,
    Status status,
    int attempts,
    String owner,
    String node,
    boolean cancelRequested,
    long receivedAt,
    long updatedAt,
    Long startedAt,
    Long finishedAt,
    ErrorInfo error,
    Integer kafkaPartition,
    Long kafkaOffset,
    String answerRef,
    String replayOf,
    Integer promptTokens,
    Integer completionTokens,
    boolean deleted) implements Serializable {

  /** The store's key of a request: its tenant, a slash, its id (tenant names and ids never hold a slash). */
  public static String key(String tenant, String id) {
    return tenant + "/" + id;
  }

  public String key() {
    return key(tenant, id);
  }

  /** A new request, queued and held by {@code owner} (the member that accepted it). */
  public static RequestRecord queued(RequestEnvelope env, String owner, String node) {
    return new RequestRecord(env.id(), env.tenant(), env.api(), env.model(), env.completionId(), env.created(),
        env.stream(), env.background(), Status.QUEUED, 0, owner, node, false, env.receivedAt(), env.receivedAt(),
        null, null, null, null, null, null, env.replayOf(), null, null, false);
  }

  public RequestRecord with(Status s, int attempts, String owner, String node, boolean cancelRequested, long now,
      Long startedAt, Long finishedAt, ErrorInfo error) {
    return new RequestRecord(id, tenant, api, model, completionId, created, stream, background, s, attempts, owner,
        node, cancelRequested, receivedAt, now, startedAt, finishedAt, error, kafkaPartition, kafkaOffset, answerRef,
        replayOf, promptTokens, completionTokens, deleted);
  }

  public RequestRecord withKafka(int partition, long offset, long now) {
    return new RequestRecord(id, tenant, api, model, completionId, created, stream, background, status, attempts,
        owner, node, cancelRequested, receivedAt, now, startedAt, finishedAt, error, partition, offset, answerRef,
        replayOf, promptTokens, completionTokens, deleted);
  }

  public RequestRecord withAnswerRef(String ref, long now) {
    return new RequestRecord(id, tenant, api, model, completionId, created, stream, background, status, attempts,
        owner, node, cancelRequested, receivedAt, now, startedAt, finishedAt, error, kafkaPartition, kafkaOffset, ref,
        replayOf, promptTokens, completionTokens, deleted);
  }

  public RequestRecord withUsage(Integer prompt, Integer completion) {
    return new RequestRecord(id, tenant, api, model, completionId, created, stream, background, status, attempts,
        owner, node, cancelRequested, receivedAt, updatedAt, startedAt, finishedAt, error, kafkaPartition,
        kafkaOffset, answerRef, replayOf, prompt, completion, deleted);
  }

  /** The same record, deleted by its client. */
  public RequestRecord asDeleted(long now) {
    return new RequestRecord(id, tenant, api, model, completionId, created, stream, background, status, attempts,
        owner, node, cancelRequested, receivedAt, now, startedAt, finishedAt, error, kafkaPartition, kafkaOffset,
        answerRef, replayOf, promptTokens, completionTokens, true);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject()
        .put("id", id).put("tenant", tenant).put("api", api.wire()).put("model", model)
        .put("completion_id", completionId).put("created", created).put("stream", stream)
        .put("background", background).put("status", status.wire()).put("attempts", attempts)
        .put("owner", owner).put("node", node).put("cancel_requested", cancelRequested)
        .put("received_at", receivedAt).put("updated_at", updatedAt)
        .put("started_at", startedAt).put("finished_at", finishedAt)
        .put("error", error == null ? null : error.toJson())
        .put("kafka_partition", kafkaPartition).put("kafka_offset", kafkaOffset)
        .put("answer_ref", answerRef).put("replay_of", replayOf)
        .put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens);
    if (deleted) j.put("deleted", true);
    return j;
  }

  public String encode() {
    return toJson().encode();
  }

  /** Reads a record from its JSON; IllegalArgumentException when it is not one. */
  public static RequestRecord fromJson(JsonObject j) {
    try {
      String id = j.getString("id");
      String tenant = j.getString("tenant");
      if (id == null || tenant == null) throw new IllegalArgumentException("a request record needs id and tenant");
      return new RequestRecord(id, tenant, Api.parse(j.getString("api")), j.getString("model"),
          j.getString("completion_id"), j.getLong("created", 0L), j.getBoolean("stream", false),
          j.getBoolean("background", false), Status.parse(j.getString("status")), j.getInteger("attempts", 0),
          j.getString("owner"), j.getString("node"), j.getBoolean("cancel_requested", false),
          j.getLong("received_at", 0L), j.getLong("updated_at", 0L), j.getLong("started_at"),
          j.getLong("finished_at"), ErrorInfo.fromJson(j.getJsonObject("error")), j.getInteger("kafka_partition"),
          j.getLong("kafka_offset"), j.getString("answer_ref"), j.getString("replay_of"),
          j.getInteger("prompt_tokens"), j.getInteger("completion_tokens"), j.getBoolean("deleted", false));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("not a request record: a field has the wrong type");
    }
  }

  public static RequestRecord decode(String text) {
    JsonObject j;
    try {
      j = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a request record: not a JSON object");
    }
    return fromJson(j);
  }

  /** The view a client gets at {@code GET /v1/requests/{id}}: no owner uuid or Kafka positions. */
  public JsonObject publicView() {
    return new JsonObject().put("id", id).put("object", "clawbus.request").put("status", status.wire())
        .put("model", model).put("api", api.wire()).put("attempts", attempts).put("node", node)
        .put("created_at", receivedAt).put("updated_at", updatedAt).put("started_at", startedAt)
        .put("finished_at", finishedAt).put("cancel_requested", cancelRequested)
        .put("error", error == null ? null : new JsonObject().put("message", error.message())
            .put("type", error.type()).put("code", error.code()))
        .put("replay_of", replayOf);
  }
}
