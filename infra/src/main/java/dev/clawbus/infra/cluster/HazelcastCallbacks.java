package dev.clawbus.infra.cluster;

import com.hazelcast.internal.util.ConcurrencyUtil;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Where Hazelcast runs the callbacks of its futures. Every {@code whenComplete} on a Hazelcast future (which is how
 * {@code Future.fromCompletionStage} hands a map operation's result back to a Vert.x context) runs its callback on
 * Hazelcast's default async executor: the JDK's common pool, or, when that pool has no parallelism (a machine with 2
 * cores or fewer), <em>a new thread per callback</em>. On the 2-core machine that was a thread started for every state
 * write, journal write and lease report: the largest single item of a 64-stream profile (bench/README.md, "Profiles").
 * Here those callbacks run on a fork-join pool of two threads instead: what Hazelcast itself uses on a machine with
 * more cores (the common pool), sized for two (clawbus's callbacks never block: they hand the result to a Vert.x
 * context).
 */
public final class HazelcastCallbacks {
  private static ExecutorService pool;

  private HazelcastCallbacks() {}

  /** Installs the reusable pool where the default would start a thread per callback; idempotent. */
  public static synchronized void install() {
    if (pool != null || ForkJoinPool.getCommonPoolParallelism() > 1) return;
    pool = new ForkJoinPool(2, p -> {
      ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
      t.setName("hz-callback-" + t.getPoolIndex());
      return t;
    }, null, true);
    ConcurrencyUtil.setDefaultAsyncExecutor(pool);
  }
}
