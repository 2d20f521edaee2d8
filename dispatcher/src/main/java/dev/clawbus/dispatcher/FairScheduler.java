package dev.clawbus.dispatcher;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares vLLM fairly among tenants: one FIFO queue per tenant, served round robin, with at most
 * {@code capacity} jobs running. A tenant that floods the queue only delays its own requests.
 */
final class FairScheduler<T> {
  private final int capacity;
  private final Map<String, ArrayDeque<T>> queues = new HashMap<>();
  private final ArrayDeque<String> turn = new ArrayDeque<>();
  private int running;
  private int queued;

  FairScheduler(int capacity) {
    this.capacity = Math.max(1, capacity);
  }

  void submit(String tenant, T job) {
    ArrayDeque<T> q = queues.computeIfAbsent(tenant, k -> new ArrayDeque<>());
    if (q.isEmpty()) {
      turn.addLast(tenant);
    }
    q.addLast(job);
    queued++;
  }

  /** The next job to start, or null when none is waiting or every slot is taken. */
  T next() {
    if (running >= capacity || turn.isEmpty()) {
      return null;
    }
    String tenant = turn.pollFirst();
    ArrayDeque<T> q = queues.get(tenant);
    T job = q.pollFirst();
    if (!q.isEmpty()) {
      turn.addLast(tenant);
    } else {
      queues.remove(tenant);
    }
    queued--;
    running++;
    return job;
  }

  void release() {
    running--;
  }

  int queued() {
    return queued;
  }

  int running() {
    return running;
  }
}
