package dev.clawbus.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecentBodiesTest {
  @Test
  void aBodySeenWithinTheWindowIsARetryAndOneSeenBeforeItIsNot() {
    RecentBodies recent = new RecentBodies(8);
    assertFalse(recent.seenWithin("a", 1_000, 600_000), "first time");
    assertTrue(recent.seenWithin("a", 2_000, 600_000), "again, within the window");
    assertFalse(recent.seenWithin("b", 2_000, 600_000), "another body");
    assertFalse(recent.seenWithin("a", 2_000 + 600_000, 600_000), "again, the window after the last time");
    assertTrue(recent.seenWithin("a", 2_000 + 600_001, 600_000), "each sighting starts the window again");
  }

  @Test
  void theOldestSightingsAreForgottenFirst() {
    RecentBodies recent = new RecentBodies(3);
    for (String h : new String[] {"a", "b", "c"}) recent.seenWithin(h, 0, 1_000);
    assertTrue(recent.seenWithin("a", 1, 1_000), "a is now the newest");
    recent.seenWithin("d", 2, 1_000);
    assertEquals(3, recent.size());
    assertFalse(recent.seenWithin("b", 3, 1_000), "b was the oldest: forgotten");
    assertTrue(recent.seenWithin("a", 4, 1_000));
  }
}
