package dev.clawbus.dispatcher;

import io.vertx.kafka.client.common.TopicPartition;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which offset may be committed per partition. Many long requests share a partition and finish out of
 * order, so only the highest contiguous finished offset is safe to commit: everything below it is
 * terminal, anything above may still be running and must be redelivered after a crash.
 */
final class OffsetTracker {
  private static final class Partition {
    final TreeSet<Long> pending = new TreeSet<>();
    long maxSeen = -1;
    long committed = -1;
  }

  private final Map<TopicPartition, Partition> partitions = new HashMap<>();

  void received(TopicPartition tp, long offset) {
    Partition p = partitions.computeIfAbsent(tp, k -> {
      // The consumer starts at the committed position: nothing below the first record needs committing.
      Partition fresh = new Partition();
      fresh.committed = offset;
      return fresh;
    });
    p.pending.add(offset);
    p.maxSeen = Math.max(p.maxSeen, offset);
  }

  /** Marks {@code offset} terminal; returns the next offset to commit when the commit point advanced. */
  OptionalLong finished(TopicPartition tp, long offset) {
    Partition p = partitions.get(tp);
    if (p == null || !p.pending.remove(offset)) {
      return OptionalLong.empty();
    }
    long commitPoint = p.pending.isEmpty() ? p.maxSeen + 1 : p.pending.first();
    if (commitPoint > p.committed) {
      p.committed = commitPoint;
      return OptionalLong.of(commitPoint);
    }
    return OptionalLong.empty();
  }

  /** The partitions moved to another node: their offsets are no longer ours to commit. */
  void revoked(Set<TopicPartition> tps) {
    tps.forEach(partitions::remove);
  }

  int pending() {
    int n = 0;
    for (Partition p : partitions.values()) n += p.pending.size();
    return n;
  }
}
