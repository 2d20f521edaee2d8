package dev.clawbus.infra.limits;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.tenancy.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * Admission control that holds across the cluster: one Hazelcast entry per limited tenant (and one for the overall
 * queue limit, key {@value #ALL}), changed only by entry processors running {@link LimitRules} on the entry's owner,
 * so two nodes admitting at once cannot both take the last place. A tenant without limits costs no round trip; a
 * limited one costs one (two when {@code --max-queued} is set).
 *
 * <p>Lifecycle the callers follow: {@link #admit} when a request arrives (429 when refused), {@link #left} when it
 * leaves the queue (starts running at vLLM, is cancelled, or fails before running), {@link #finished} with the actual
 * tokens when it ends. Futures complete on the caller's Vert.x context.
 */
public final class ClusterLimits {
  public static final String MAP = "clawbus.limits";
  /** The key of the overall queue; no tenant can be called this. */
  public static final String ALL = "*";

  private final Vertx vertx;
  private final IMap<String, LimitState> map;
  private final Limits overall;
  private final LongSupplier clock;

  /**
   * @param maxQueuedTotal overall queue limit ({@code --max-queued}; 0 = none)
   * @param clock epoch milliseconds (entry processors use the caller's time, so every replica computes the same)
   */
  public ClusterLimits(Vertx vertx, HazelcastInstance hazelcast, int maxQueuedTotal, LongSupplier clock) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.overall = new Limits(maxQueuedTotal, 0, 0);
    this.clock = clock;
  }

  /**
   * Admits request {@code requestId} of {@code tenant}, estimated at {@code estimatedTokens} (prompt + max_tokens),
   * counting it as queued until {@link #left} or {@code expiresAtMillis} (its deadline).
   */
  public Future<Admission> admit(Tenant tenant, String requestId, long estimatedTokens, long expiresAtMillis) {
    long now = clock.getAsLong();
    Limits l = Limits.of(tenant);
    if (overall.maxQueued() <= 0) {
      return l.any() ? call(tenant.name(), new Admit(l, requestId, estimatedTokens, expiresAtMillis, now))
          : Future.succeededFuture(Admission.unlimited());
    }
    return call(ALL, new Admit(overall, requestId, 0, expiresAtMillis, now)).compose(all -> {
      if (!all.admitted()) {
        Admission a = new Admission(Admission.Outcome.QUEUE_FULL, all.retryAfterMillis(), Map.of(),
            "The server has too many requests waiting. Please try again shortly.");
        // The tenant's rate-limit headers still belong on the answer.
        return l.rateLimited() ? headers(tenant).map(h -> new Admission(a.outcome(), a.retryAfterMillis(), h,
            a.message())) : Future.succeededFuture(a);
      }
      if (!l.any()) return Future.succeededFuture(Admission.unlimited());
      return call(tenant.name(), new Admit(l, requestId, estimatedTokens, expiresAtMillis, now)).compose(a -> {
        if (!a.admitted()) call(ALL, new Leave(requestId));
        return Future.succeededFuture(a);
      });
    });
  }

  /** The request no longer waits (started, cancelled, or failed before running). */
  public Future<Void> left(Tenant tenant, String requestId) {
    Future<Boolean> all = overall.maxQueued() > 0 ? call(ALL, new Leave(requestId)) : Future.succeededFuture(false);
    Future<Boolean> own = tenant.maxQueued() > 0 ? call(tenant.name(), new Leave(requestId))
        : Future.succeededFuture(false);
    return Future.all(all, own).mapEmpty();
  }

  /** The request ended having used {@code actualTokens} (prompt + completion; 0 if vLLM never ran it). */
  public Future<Void> finished(Tenant tenant, long estimatedTokens, long actualTokens) {
    if (tenant.tpm() <= 0) return Future.succeededFuture();
    return call(tenant.name(), new Settle(Limits.of(tenant), estimatedTokens, actualTokens, clock.getAsLong()))
        .mapEmpty();
  }

  /** The tenant's current {@code x-ratelimit-*} headers (none for a tenant without rpm/tpm). */
  public Future<Map<String, String>> headers(Tenant tenant) {
    Limits l = Limits.of(tenant);
    if (!l.rateLimited()) return Future.succeededFuture(Map.of());
    return call(tenant.name(), new Peek(l, clock.getAsLong()));
  }

  private <R> Future<R> call(String key, EntryProcessor<String, LimitState, R> p) {
    CompletionStage<R> cs = map.submitToKey(key, p);
    return Future.fromCompletionStage(cs, vertx.getOrCreateContext());
  }

  private static LimitState state(Map.Entry<String, LimitState> e) {
    LimitState s = e.getValue();
    return s == null ? new LimitState() : s;
  }

  record Admit(Limits limits, String id, long cost, long expiresAt, long now)
      implements EntryProcessor<String, LimitState, Admission> {
    @Override
    public Admission process(Map.Entry<String, LimitState> e) {
      LimitState s = state(e);
      Admission a = LimitRules.admit(s, limits, id, cost, expiresAt, now);
      e.setValue(s);
      return a;
    }
  }

  record Leave(String id) implements EntryProcessor<String, LimitState, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, LimitState> e) {
      LimitState s = e.getValue();
      if (s == null || !LimitRules.leave(s, id)) return false;
      e.setValue(s);
      return true;
    }
  }

  record Settle(Limits limits, long estimated, long actual, long now) implements EntryProcessor<String, LimitState, Void> {
    @Override
    public Void process(Map.Entry<String, LimitState> e) {
      LimitState s = state(e);
      LimitRules.settle(s, limits, estimated, actual, now);
      e.setValue(s);
      return null;
    }
  }

  record Peek(Limits limits, long now) implements EntryProcessor<String, LimitState, Map<String, String>> {
    @Override
    public Map<String, String> process(Map.Entry<String, LimitState> e) {
      // A refill computed here is not stored: a peek changes nothing.
      return LimitRules.peek(state(e), limits, now);
    }

    @Override
    public EntryProcessor<String, LimitState, Map<String, String>> getBackupProcessor() {
      return null;
    }
  }
}
