package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairSchedulerTest {
  @Test
  void aFloodingTenantDoesNotStarveOthers() {
    FairScheduler<String> s = new FairScheduler<>(1);
    for (int i = 0; i < 5; i++) s.submit("bot", "bot" + i);
    s.submit("alice", "alice0");
    s.submit("bob", "bob0");
    List<String> order = new ArrayList<>();
    String job;
    while ((job = s.next()) != null || s.queued() > 0) {
      if (job == null) break;
      order.add(job);
      assertNull(s.next(), "capacity 1: nothing else starts while one runs");
      s.release();
    }
    assertEquals(List.of("bot0", "alice0", "bob0", "bot1", "bot2", "bot3", "bot4"), order);
  }

  @Test
  void capacityBoundsRunningJobs() {
    FairScheduler<Integer> s = new FairScheduler<>(2);
    for (int i = 0; i < 4; i++) s.submit("t", i);
    assertEquals(0, s.next());
    assertEquals(1, s.next());
    assertNull(s.next());
    assertEquals(2, s.running());
    s.release();
    assertEquals(2, s.next());
    assertEquals(1, s.queued());
  }
}
