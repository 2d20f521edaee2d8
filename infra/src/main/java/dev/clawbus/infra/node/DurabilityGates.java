package dev.clawbus.infra.node;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Node-local handshake between the transformer, which writes a new request to Kafka, and the dispatcher, which
 * starts the request's vLLM call at the same time: the call starts at once, its output waits at the gate until
 * Kafka acknowledged the request. A request the dispatcher finds no gate for (a recovery, or durability off)
 * is durable already.
 */
public final class DurabilityGates {
  private final ConcurrentMap<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

  /**
   * Opens the gate of {@code key} (before the request is handed to a dispatcher). A gate that succeeds is
   * forgotten (no gate means durable); one that fails stays until the dispatcher looked at it, however late.
   */
  public CompletableFuture<Void> open(String key) {
    CompletableFuture<Void> g = new CompletableFuture<>();
    gates.put(key, g);
    g.thenRun(() -> gates.remove(key, g));
    return g;
  }

  /** The gate of {@code key} as a future on {@code ctx}: completed already when there is none. */
  public Future<Void> await(String key, Context ctx) {
    CompletableFuture<Void> g = gates.get(key);
    if (g == null) return Future.succeededFuture();
    if (g.isCompletedExceptionally()) gates.remove(key, g);
    Promise<Void> p = Promise.promise();
    g.whenComplete((v, err) -> ctx.runOnContext(x -> {
      if (err == null) p.complete(); else p.fail(err);
    }));
    return p.future();
  }

  int size() {
    return gates.size();
  }
}
