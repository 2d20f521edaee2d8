package dev.clawbus.infra.journal;

import dev.clawbus.infra.contract.RequestEnvelope;
import io.vertx.core.json.JsonObject;

/**
 * A request's lifecycle record (queued → running → done | failed | cancelled), kept in Hazelcast as
 * JSON text so any node reads it without shared classes.
 */
public final class RequestState {
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  public static final String ID = "id";
  public static final String STATUS = "status";
  public static final String TENANT = "tenant";
  public static final String MODEL = "model";
  public static final String STREAM = "stream";
  public static final String NODE = "node";
  public static final String ATTEMPTS = "attempts";
  public static final String CREATED_AT = "created_at";
  public static final String UPDATED_AT = "updated_at";
  public static final String ERROR = "error";
  public static final String COMPLETION_ID = "completion_id";
  public static final String CREATED = "created";

  private RequestState() {}

  public static JsonObject queued(RequestEnvelope env) {
    return new JsonObject().put(ID, env.id()).put(STATUS, QUEUED).put(TENANT, env.tenant()).put(MODEL, env.model())
        .put(STREAM, env.stream()).put(COMPLETION_ID, env.completionId()).put(CREATED, env.created())
        .put(ATTEMPTS, 0).put(CREATED_AT, env.receivedAt()).put(UPDATED_AT, env.receivedAt());
  }

  public static boolean terminal(String status) {
    return DONE.equals(status) || FAILED.equals(status) || CANCELLED.equals(status);
  }
}
