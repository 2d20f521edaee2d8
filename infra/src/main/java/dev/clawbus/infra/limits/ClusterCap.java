package dev.clawbus.infra.limits;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of the cluster-wide cap on requests in flight at vLLM ({@code --max-inflight}). The dispatcher
 * asks {@link #tryAcquire()} before it starts a request and calls {@link #release()} when the request leaves vLLM;
 * both are local and synchronous. In the background the node reports what it holds and wants to the
 * {@link LeaseTable} in Hazelcast (one entry processor on one key) every {@code syncMillis}, and at once when it
 * wants more than its grant; a grant that grows calls {@code onMoreSlots} so the dispatcher can start waiting work.
 * A member that leaves the cluster (crash or shutdown) loses its lease: every member drops it when Hazelcast reports
 * the member removed.
 *
 * <p>When vLLM reports saturation ({@link #holdBack(boolean)}), no new request starts while this node already has one
 * running: the work waits here, in fair order, instead of in vLLM's own queue.
 */
public final class ClusterCap {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterCap.class);
  public static final String MAP = "clawbus.cap";
  static final String KEY = "leases";

  private final Vertx vertx;
  private final Context context;
  private final IMap<String, LeaseTable> map;
  private final HazelcastInstance hazelcast;
  private final String member;
  private final IntSupplier waiting;
  private final Runnable onMoreSlots;
  private final UUID listener;
  private final long timer;
  private volatile int cap;
  private int inUse;
  private int grant;
  private boolean syncing;
  private boolean syncAgain;
  private volatile boolean holdBack;
  private boolean closed;

  /**
   * Call on the dispatcher's context; {@code onMoreSlots} runs there.
   *
   * @param cap the cluster-wide cap (a lone node holds all of it)
   * @param waiting how many requests wait on this node (its demand beyond what it holds)
   * @param syncMillis period of the background report
   */
  public ClusterCap(Vertx vertx, HazelcastInstance hazelcast, int cap, IntSupplier waiting, Runnable onMoreSlots,
      long syncMillis) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.hazelcast = hazelcast;
    this.map = hazelcast.getMap(MAP);
    this.member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    this.cap = cap;
    this.waiting = waiting;
    this.onMoreSlots = onMoreSlots;
    this.listener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {}

      @Override
      public void memberRemoved(MembershipEvent e) {
        map.submitToKey(KEY, new Drop(e.getMember().getUuid().toString()));
      }
    });
    this.timer = vertx.setPeriodic(1, syncMillis, id -> context.runOnContext(v -> sync()));
  }

  /** Takes a slot if this node's grant has one free (no round trip); false means wait for {@code onMoreSlots}. */
  public synchronized boolean tryAcquire() {
    if (closed) return false;
    if (inUse < grant && !(holdBack && inUse > 0)) {
      inUse++;
      return true;
    }
    if (!holdBack) context.runOnContext(v -> sync());
    return false;
  }

  /** A request this node started has left vLLM. */
  public synchronized void release() {
    if (inUse > 0) inUse--;
  }

  /** vLLM says it is saturated (or no longer is); see the class comment. */
  public void holdBack(boolean saturated) {
    boolean was = holdBack;
    holdBack = saturated;
    if (was && !saturated) context.runOnContext(v -> onMoreSlots.run());
  }

  /** A new cluster-wide cap (for {@code --max-inflight auto}); reported at the next sync. */
  public void cap(int newCap) {
    if (newCap != cap) {
      cap = newCap;
      context.runOnContext(v -> sync());
    }
  }

  public int cap() {
    return cap;
  }

  public synchronized int grant() {
    return grant;
  }

  public synchronized int inUse() {
    return inUse;
  }

  /** Reports held and wanted; one report in flight at a time (a request for another while one flies is merged). */
  void sync() {
    int held;
    int wanted;
    synchronized (this) {
      if (closed) return;
      if (syncing) {
        syncAgain = true;
        return;
      }
      syncing = true;
      held = inUse;
      wanted = inUse + Math.max(0, waiting.getAsInt());
    }
    Future<Integer> reply;
    try {
      reply = Future.fromCompletionStage(map.submitToKey(KEY, new Sync(member, held, wanted, cap)), context);
    } catch (RuntimeException e) { // the member is shutting down
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
          boolean more;
          boolean again;
          synchronized (this) {
            syncing = false;
            again = syncAgain;
            syncAgain = false;
            if (ar.failed()) {
              LOG.warn("cluster cap: report failed ({}); keeping grant {}", ar.cause().toString(), grant);
              return;
            }
            more = ar.result() > grant;
            grant = ar.result();
          }
          if (more) onMoreSlots.run();
          if (again) sync();
        });
  }

  /** Gives this node's lease back (graceful stop); call before leaving the cluster. */
  public Future<Void> close() {
    synchronized (this) {
      closed = true;
    }
    vertx.cancelTimer(timer);
    try {
      hazelcast.getCluster().removeMembershipListener(listener);
      return Future.fromCompletionStage(map.submitToKey(KEY, new Drop(member)), context).mapEmpty();
    } catch (RuntimeException e) { // the member is gone already: so is its lease, for the others
      return Future.succeededFuture();
    }
  }

  /** The table as it stands (for tests and the admin API). */
  public Future<Map<String, LeaseTable.Lease>> leases() {
    return Future.fromCompletionStage(map.getAsync(KEY), context)
        .map(t -> t == null ? Map.of() : t.leases());
  }

  record Sync(String member, int held, int wanted, int cap) implements EntryProcessor<String, LeaseTable, Integer> {
    @Override
    public Integer process(Map.Entry<String, LeaseTable> e) {
      LeaseTable t = e.getValue() == null ? new LeaseTable() : e.getValue();
      int g = t.sync(member, held, wanted, cap);
      e.setValue(t);
      return g;
    }
  }

  record Drop(String member) implements EntryProcessor<String, LeaseTable, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, LeaseTable> e) {
      LeaseTable t = e.getValue();
      if (t == null || !t.remove(member)) return false;
      e.setValue(t);
      return true;
    }
  }
}
