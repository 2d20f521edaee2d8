package dev.clawbus.infra.journal;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.util.ThreadUtil;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.operation.MapOperation;
import com.hazelcast.map.impl.operation.MapOperationProvider;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.spi.impl.NodeEngine;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sets the time to live of entries of one map without a thread waiting for each: what {@link IMap#setTtl} does (on
 * the entry and its backups, only if the entry is there), issued asynchronously, a few at a time for the whole node.
 *
 * <p>The public {@code IMap} has only the blocking {@code setTtl}: a worker parks on every call until a partition
 * thread has run it, so an answer's ~200 batches cost ~200 parks and as many partition-thread wakes (a third of the
 * node's thread wakes under the paced load). Hazelcast 5.6 builds its own {@code setTtl} as a {@code SetTtlOperation}
 * from the map's operation provider, invoked on the key's partition ({@code MapProxySupport.setTtlInternal}); this
 * class invokes the same operation without waiting.
 *
 * <p>All of an answer's operations at once would queue in front of the running answers' journal writes on the
 * partition threads (and 64 answers end together under a wave of requests), so the node keeps one queue and at most
 * {@link #WINDOW} operations in flight: a group is issued from one event loop, and when all of it is done the next
 * group follows, one hand-off back to that loop per group (bench/README.md, the ninth session). The journal's map is
 * always a member's (clawbus embeds its Hazelcast members), which this needs.
 */
final class TtlSetter {
  /** Operations in flight for the whole node. */
  static final int WINDOW = 16;

  private final String name;
  private final MapProxyImpl<?, ?> proxy;
  private final Context context;
  /** Touched only on {@link #context}. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean inFlight;
  /** The largest group issued so far (what the tests check the window by). */
  private int largestGroup;

  /** One caller's keys: the next to issue, and whether an operation of theirs failed. */
  private static final class Pending {
    final List<String> keys;
    final long ttlMillis;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    int next;
    Throwable failure;

    Pending(List<String> keys, long ttlMillis) {
      this.keys = keys;
      this.ttlMillis = ttlMillis;
    }
  }

  /** @param context where the queue is kept and the groups are issued from (an event loop) */
  TtlSetter(IMap<String, byte[]> map, Context context) {
    if (!(map instanceof MapProxyImpl<?, ?> p)) {
      throw new IllegalArgumentException("the journal needs a Hazelcast member's map, not " + map.getClass());
    }
    this.name = map.getName();
    this.proxy = p;
    this.context = context;
  }

  /**
   * Resolves (on any thread) when every key's time to live is {@code ttlMillis}; keys not in the map are skipped, as
   * {@code setTtl} does.
   */
  CompletableFuture<Void> setAll(List<String> keys, long ttlMillis) {
    Pending p = new Pending(keys, ttlMillis);
    if (keys.isEmpty()) {
      p.done.complete(null);
    } else {
      context.runOnContext(v -> {
        queue.add(p);
        pump();
      });
    }
    return p.done;
  }

  /** The most operations this node has had in flight at once (read on {@link #context}, or after the work is done). */
  int largestGroup() {
    return largestGroup;
  }

  private void pump() {
    if (inFlight || queue.isEmpty()) return;
    inFlight = true;
    List<CompletableFuture<?>> group = new ArrayList<>(WINDOW);
    List<Pending> touched = new ArrayList<>();
    List<Pending> finished = new ArrayList<>();
    try {
      NodeEngine engine = proxy.getNodeEngine();
      MapOperationProvider provider = proxy.getService().getMapServiceContext().getMapOperationProvider(name);
      while (group.size() < WINDOW && !queue.isEmpty()) {
        Pending p = queue.peek();
        if (touched.isEmpty() || touched.get(touched.size() - 1) != p) touched.add(p);
        Data key = engine.getSerializationService().toData(p.keys.get(p.next++));
        MapOperation op = provider.createSetTtlOperation(name, key, p.ttlMillis);
        op.setThreadId(ThreadUtil.getThreadId());
        group.add(engine.getOperationService().createInvocationBuilder(MapService.SERVICE_NAME, op,
                engine.getPartitionService().getPartitionId(key))
            .setResultDeserialized(false).setAsync().invoke());
        if (p.next == p.keys.size()) finished.add(queue.poll());
      }
    } catch (RuntimeException e) {
      // A member that has stopped refuses at once: the caller at the queue's head fails, and the queue goes on.
      Pending head = queue.poll();
      head.failure = e;
      finished.add(head);
    }
    largestGroup = Math.max(largestGroup, group.size());
    CompletableFuture.allOf(group.toArray(CompletableFuture<?>[]::new)).whenComplete((v, err) ->
        context.runOnContext(x -> {
          inFlight = false;
          if (err != null) touched.forEach(p -> p.failure = err);
          for (Pending p : finished) {
            if (p.failure != null) p.done.completeExceptionally(p.failure);
            else p.done.complete(null);
          }
          pump();
        }));
  }
}
