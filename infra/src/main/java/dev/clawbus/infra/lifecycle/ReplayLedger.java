package dev.clawbus.infra.lifecycle;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which failed requests were replayed, and as what: a Hazelcast map (with a backup on another member) from the
 * original request's key to the id of its replay. Claiming is one atomic {@code putIfAbsent} on the key's partition,
 * so of two operators replaying the same request on two nodes at once exactly one wins; {@code force} replays
 * regardless and records the newest replay. Each replay is also a {@code replayed} event on the original's timeline
 * in Kafka, from which a lone node refills the ledger after a restart ({@code JournalRebuilder}). Futures complete on
 * the caller's context.
 */
public final class ReplayLedger {
  public static final String MAP = "clawbus.replays";

  private final Vertx vertx;
  private final IMap<String, String> map;

  public ReplayLedger(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.map = hz.getMap(MAP);
  }

  /**
   * Claims the replay of {@code originalKey} for {@code newId}. Completes with the id of an earlier replay when there
   * is one: then, without {@code force}, nothing was claimed; with it, the claim replaced that one. Null: claimed, and
   * the first.
   */
  public Future<String> claim(String originalKey, String newId, boolean force) {
    return vertx.executeBlocking(() -> force ? map.put(originalKey, newId) : map.putIfAbsent(originalKey, newId),
        false);
  }

  /** Gives a claim back (its replay could not be started), unless another replay took its place meanwhile. */
  public Future<Void> release(String originalKey, String newId) {
    return vertx.executeBlocking(() -> {
      map.remove(originalKey, newId);
      return null;
    }, false);
  }

  /** The id of the replay of {@code originalKey}, or null. */
  public Future<String> replayOf(String originalKey) {
    Context ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(map.getAsync(originalKey), ctx);
  }

  /** The replays of those of {@code originalKeys} that were replayed. */
  public Future<Map<String, String>> replaysOf(Set<String> originalKeys) {
    if (originalKeys.isEmpty()) return Future.succeededFuture(Map.of());
    return vertx.executeBlocking(() -> new HashMap<>(map.getAll(originalKeys)), false);
  }

  /** Puts a replay back as it was recorded (rebuilding a lone node's memory from Kafka). */
  public void restore(String originalKey, String newId) {
    map.set(originalKey, newId);
  }
}
