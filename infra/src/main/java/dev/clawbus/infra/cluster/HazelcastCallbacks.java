package dev.clawbus.infra.cluster;

import com.hazelcast.internal.util.ConcurrencyUtil;
import com.hazelcast.spi.impl.operationexecutor.impl.PartitionOperationThread;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Where Hazelcast runs the callbacks of its futures. Every {@code whenComplete} on a Hazelcast future (which is how
 * {@code Future.fromCompletionStage} hands a map operation's result back to a Vert.x context) runs its callback on
 * Hazelcast's default async executor: the JDK's common pool, or, when that pool has no parallelism (a machine with 2
 * cores or fewer), <em>a new thread per callback</em>. On the 2-core machine that was a thread started for every state
 * write, journal write and lease report: the largest single item of a 64-stream profile (bench/README.md, "Profiles").
 * Those callbacks then ran on a fork-join pool of two threads (the common pool on a machine with more cores).
 *
 * <p>A callback whose future a partition thread completes (every local map operation: a journal batch per token, a
 * state change, a claim) now runs right there. Through the pool, one map call from the {@code IMap} API queued two or
 * three tasks there (the {@code DelegatingCompletableFuture} it returns completes itself through the pool, and a
 * {@code whenComplete} on that goes through it again), so its result woke a pool thread to wake an event loop (the
 * pool's threads and hand-offs were 7.6 % of a paced run's CPU; bench/README.md, seventh session). On a partition
 * thread, the callbacks clawbus and Vert.x register only queue the result to a Vert.x context (and a state change's
 * reply is read into its outcome, a parse of one record: {@code RequestStore}); Hazelcast forbids blocking calls
 * there, and the internal callbacks of Hazelcast 5.6 that do more (migrations, invocations on all partitions) name
 * their own executors. A callback registered on an operation that has already completed is run from the registering
 * thread, so it takes the pool. Callbacks completed on any other thread (a response thread, for an operation on another
 * member) still go to the pool: Hazelcast refuses remote calls from its response threads, and its own callbacks make
 * some.
 */
public final class HazelcastCallbacks {
  private static Executor installed;

  private HazelcastCallbacks() {}

  /** Installs the executor described above; idempotent. */
  public static synchronized void install() {
    if (installed != null) return;
    Executor pool = ForkJoinPool.getCommonPoolParallelism() > 1 ? ForkJoinPool.commonPool()
        : new ForkJoinPool(2, p -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
          t.setName("hz-callback-" + t.getPoolIndex());
          return t;
        }, null, true);
    installed = task -> {
      if (Thread.currentThread() instanceof PartitionOperationThread) {
        task.run();
      } else {
        pool.execute(task);
      }
    };
    ConcurrencyUtil.setDefaultAsyncExecutor(installed);
  }
}
