package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.kafka.client.common.TopicPartition;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final TopicPartition p1 = new TopicPartition("t", 1);

  @Test
  void commitsOnlyTheHighestContiguousFinishedOffset() {
    OffsetTracker t = new OffsetTracker();
    for (long o = 10; o <= 13; o++) t.received(p0, o);
    assertTrue(t.finished(p0, 12).isEmpty(), "10 and 11 still run");
    assertEquals(OptionalLong.of(11), t.finished(p0, 10));
    assertTrue(t.finished(p0, 13).isEmpty(), "11 still runs");
    assertEquals(OptionalLong.of(14), t.finished(p0, 11), "everything up to 13 is terminal");
    assertEquals(0, t.pending());
  }

  @Test
  void partitionsAreIndependentAndRevocationForgets() {
    OffsetTracker t = new OffsetTracker();
    t.received(p0, 0);
    t.received(p1, 5);
    assertEquals(OptionalLong.of(6), t.finished(p1, 5));
    t.revoked(Set.of(p0));
    assertTrue(t.finished(p0, 0).isEmpty(), "a revoked partition's offsets are not ours to commit");
    assertTrue(t.finished(p1, 5).isEmpty(), "finishing twice commits nothing");
  }

  @Test
  void pendingCountsUnfinishedOffsetsOfEveryPartition() {
    OffsetTracker t = new OffsetTracker();
    assertEquals(0, t.pending());
    t.received(p0, 10);
    t.received(p0, 11);
    t.received(p1, 5);
    assertEquals(3, t.pending());
    assertEquals(OptionalLong.of(11), t.finished(p0, 10));
    assertEquals(2, t.pending());
    t.revoked(Set.of(p1));
    assertEquals(1, t.pending(), "a revoked partition's offsets are not ours to wait for");
    assertTrue(t.finished(p0, 99).isEmpty(), "an offset never received");
    assertEquals(1, t.pending());
  }
}
