package dev.clawbus.infra.node;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Node-local handshake between the transformer, which records a new request and writes it to Kafka, and the
 * dispatcher, which starts the request's vLLM call at the same time. A gate has two moments: <em>recorded</em>
 * (the request's record exists and its id is claimed: the run may be marked started) and <em>durable</em> (Kafka
 * acknowledged it: the run's output may be stored and shown). The call starts at once; everything else waits at the
 * gate. A request the dispatcher finds no gate for (a recovery, or a request recorded before it was handed over) is
 * recorded and durable already.
 */
public final class DurabilityGates {
  /** The two moments of one request; {@code durable} never succeeds before {@code recorded}. */
  public static final class Gate {
    private final CompletableFuture<Void> recorded;
    private final CompletableFuture<Void> durable = new CompletableFuture<>();
    /**
     * A dispatcher has looked at the recorded moment (once that fails, the run ends without looking further) or
     * at the durable one (its last look): once failed, the gate may be forgotten.
     */
    private final AtomicBoolean seenRecorded = new AtomicBoolean();
    private final AtomicBoolean seenDurable = new AtomicBoolean();

    private Gate(CompletableFuture<Void> recorded) {
      this.recorded = recorded;
    }

    /** Complete it when the request's record exists and its id is claimed. */
    public CompletableFuture<Void> recorded() {
      return recorded;
    }

    /** Complete it when Kafka has the request (or, durability off, when it may be shown). */
    public CompletableFuture<Void> durable() {
      return durable;
    }

    /** The request will not run: not recorded (a duplicate, a record that exists) or not made durable. */
    public void fail(Throwable why) {
      recorded.completeExceptionally(why);
      durable.completeExceptionally(why);
    }
  }

  private final ConcurrentMap<String, Gate> gates = new ConcurrentHashMap<>();

  /**
   * Opens the gate of a request whose record exists already (before it is handed to a dispatcher): only its
   * durable moment is to come. A gate that succeeds is forgotten (no gate means durable); one that fails stays until
   * a dispatcher has looked at it, however late.
   */
  public CompletableFuture<Void> open(String key) {
    return open(key, CompletableFuture.completedFuture(null)).durable();
  }

  /** Opens the gate of a request handed to a dispatcher before its record is made: both moments are to come. */
  public Gate openBeforeRecord(String key) {
    return open(key, new CompletableFuture<>());
  }

  private Gate open(String key, CompletableFuture<Void> recorded) {
    Gate g = new Gate(recorded);
    gates.put(key, g);
    recorded.whenComplete((v, err) -> {
      if (err != null) g.durable.completeExceptionally(err);
    });
    g.durable.whenComplete((v, err) -> {
      // Checked after the failure is visible; moment() marks what it looks at before it looks: one of the two
      // removes a failed gate.
      if (err == null || g.seenDurable.get() || (g.seenRecorded.get() && g.recorded.isCompletedExceptionally())) {
        gates.remove(key, g);
      }
    });
    return g;
  }

  /** The durable moment of {@code key} as a future on {@code ctx}: completed already when there is no gate. */
  public Future<Void> await(String key, Context ctx) {
    return moment(key, ctx, false);
  }

  /** The recorded moment of {@code key} as a future on {@code ctx}: completed already when there is no gate. */
  public Future<Void> recorded(String key, Context ctx) {
    return moment(key, ctx, true);
  }

  private Future<Void> moment(String key, Context ctx, boolean recorded) {
    Gate g = gates.get(key);
    if (g == null) return Future.succeededFuture();
    (recorded ? g.seenRecorded : g.seenDurable).set(true);
    CompletableFuture<Void> f = recorded ? g.recorded : g.durable;
    if (f.isCompletedExceptionally()) gates.remove(key, g);
    if (f.isDone() && !f.isCompletedExceptionally()) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    f.whenComplete((v, err) -> ctx.runOnContext(x -> {
      if (err == null) p.complete(); else p.fail(err);
    }));
    return p.future();
  }

  int size() {
    return gates.size();
  }
}
