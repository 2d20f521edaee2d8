package dev.clawbus.infra.lifecycle;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.journal.EventLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one way to read and change request records, cluster-wide. Records live in a Hazelcast map (with a backup
 * on another member) keyed by {@link RequestRecord#key}; every change is a {@link Transition} applied atomically
 * on the record's partition ({@link StoreProcessor}) by the rules of {@link Lifecycle}, and every change is
 * copied to Kafka through the node's {@link EventLog}. Futures complete on the caller's Vert.x context.
 */
public final class RequestStore {
  public static final String MAP = "clawbus.state";

  private final Vertx vertx;
  private final IMap<String, HazelcastJsonValue> map;
  private final EventLog log;
  private final long ttlMillis;

  public RequestStore(Vertx vertx, HazelcastInstance hz, EventLog log, Duration retention) {
    this.vertx = vertx;
    this.map = hz.getMap(MAP);
    this.log = log;
    this.ttlMillis = retention.toMillis();
  }

  /** Applies {@code t} to the record at {@code key}; a refusal is an outcome, not a failure. */
  public Future<Lifecycle.Outcome> apply(String key, Transition t) {
    Context ctx = vertx.getOrCreateContext();
    // The reply is read where Hazelcast completes the call (HazelcastCallbacks), not on the caller's event loop.
    return Future.fromCompletionStage(map.submitToKey(key, new StoreProcessor(t, ttlMillis))
            .thenApply(StoreProcessor::outcome), ctx)
        .map(out -> {
          if (out.changed()) log.state(out.record());
          return out;
        });
  }

  /** Creates {@code r} unless a record exists at its key; the outcome's record is the one that is stored. */
  public Future<Lifecycle.Outcome> create(RequestRecord r) {
    return apply(r.key(), new Transition.Create(r, r.updatedAt()));
  }

  /** The record, or null when there is none (never seen, or older than the retention). */
  public Future<RequestRecord> get(String key) {
    Context ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(map.getAsync(key), ctx)
        .map(v -> v == null ? null : RequestRecord.decode(v.getValue()));
  }

  /** The records of {@code keys} that exist (one round trip per member, off the event loop). */
  public Future<Map<String, RequestRecord>> getAll(Set<String> keys) {
    return vertx.executeBlocking(() -> {
      Map<String, RequestRecord> out = new HashMap<>();
      map.getAll(keys).forEach((k, v) -> out.put(k, RequestRecord.decode(v.getValue())));
      return out;
    }, false);
  }

  /** Requests queued or running that {@code member} holds: what to take over when it dies. */
  public Future<List<RequestRecord>> heldBy(String member) {
    return query(Predicates.and(Predicates.equal("owner", member),
        Predicates.in("status", Status.QUEUED.wire(), Status.RUNNING.wire())), Integer.MAX_VALUE);
  }

  /** Records by status and/or tenant (null: any) and/or public id, newest first, at most {@code limit}. */
  public Future<List<RequestRecord>> find(Status status, String tenant, String id, int limit) {
    List<Predicate<String, HazelcastJsonValue>> ps = new ArrayList<>();
    if (status != null) ps.add(Predicates.equal("status", status.wire()));
    if (tenant != null) ps.add(Predicates.equal("tenant", tenant));
    if (id != null) ps.add(Predicates.equal("id", id));
    Predicate<String, HazelcastJsonValue> p = ps.isEmpty() ? Predicates.alwaysTrue()
        : Predicates.and(ps.toArray(new Predicate[0]));
    return query(p, limit);
  }

  private Future<List<RequestRecord>> query(Predicate<String, HazelcastJsonValue> p, int limit) {
    return vertx.executeBlocking(() -> {
      Collection<HazelcastJsonValue> found = map.values(p);
      List<RequestRecord> out = new ArrayList<>(found.size());
      for (HazelcastJsonValue v : found) out.add(RequestRecord.decode(v.getValue()));
      out.sort(Comparator.comparingLong(RequestRecord::receivedAt).reversed());
      return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }, false);
  }

  /** Puts a record back as it was (rebuilding a lone node's memory from Kafka): no transition, no copy. */
  public void restore(RequestRecord r) {
    map.set(r.key(), new HazelcastJsonValue(r.encode()), ttlMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }
}
