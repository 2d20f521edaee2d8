package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.tenancy.Tenant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FairQueueTest {
  private static Tenant tenant(String name, int weight, int priority, int maxConcurrent) {
    return new Tenant(name, weight, priority, maxConcurrent, 0, 0, 0, List.of("*"), null);
  }

  private static final Tenant A = tenant("a", 1, 0, 0);
  private static final Tenant B = tenant("b", 1, 0, 0);

  /** Runs the queue with {@code slots} slots, each job taking one step; returns the start order of job ids. */
  private static List<String> drain(FairQueue<String> q, int slots, Map<String, Long> actualCost) {
    List<String> order = new ArrayList<>();
    List<String> running = new ArrayList<>();
    while (q.queued() > 0 || !running.isEmpty()) {
      running.addAll(started(q.next(slots - running.size()), order));
      if (!running.isEmpty()) {
        String done = running.remove(0);
        assertTrue(q.release(done, actualCost.getOrDefault(done, 100L)));
      }
    }
    return order;
  }

  private static List<String> started(List<String> jobs, List<String> order) {
    order.addAll(jobs);
    return jobs;
  }

  @Test
  void aFloodFromOneTenantDoesNotStarveAnother() {
    FairQueue<String> q = new FairQueue<>();
    for (int i = 0; i < 40; i++) q.add("a" + i, A, "a" + i, 100);
    List<String> order = new ArrayList<>();
    List<String> running = new ArrayList<>(started(q.next(4), order));
    // B sends 5 requests one after another, each when its previous one has finished.
    int bSent = 0;
    int bWaitedTotal = 0;
    int bQueuedAt = -1;
    while (q.queued() > 0 || !running.isEmpty() || bSent < 5) {
      if (bQueuedAt < 0 && bSent < 5 && !running.contains("b" + (bSent - 1)) && !q.isQueued("b" + (bSent - 1))) {
        q.add("b" + bSent, B, "b" + bSent, 100);
        bQueuedAt = order.size();
        bSent++;
      }
      if (!running.isEmpty()) q.release(running.remove(0), 100);
      for (String j : q.next(4 - running.size())) {
        order.add(j);
        running.add(j);
        if (j.startsWith("b")) {
          bWaitedTotal += order.size() - 1 - bQueuedAt;
          bQueuedAt = -1;
        }
      }
    }
    assertEquals(45, order.size());
    // Under FIFO each B request would wait for most of A's flood; here it goes within one slot turn.
    assertTrue(bWaitedTotal <= 5, "B waited for " + bWaitedTotal + " starts in total: " + order);
  }

  @Test
  void weightsTwoToOneGiveTwiceTheServiceUnderBacklog() {
    FairQueue<String> q = new FairQueue<>();
    Tenant heavy = tenant("heavy", 2, 0, 0);
    Tenant light = tenant("light", 1, 0, 0);
    for (int i = 0; i < 300; i++) {
      q.add("h" + i, heavy, "h" + i, 100);
      q.add("l" + i, light, "l" + i, 100);
    }
    List<String> first = drain(q, 4, Map.of()).subList(0, 300);
    long h = first.stream().filter(s -> s.startsWith("h")).count();
    assertTrue(Math.abs(h - 200) <= 2, "heavy got " + h + " of 300");
  }

  @Test
  void costIsCountedInTokensAndCorrectedByActualUsage() {
    FairQueue<String> q = new FairQueue<>();
    for (int i = 0; i < 200; i++) {
      q.add("a" + i, A, "a" + i, 1000); // A asks for 1000 tokens per request
      q.add("b" + i, B, "b" + i, 100);
    }
    List<String> first = drain(q, 1, Map.of()).subList(0, 110);
    long a = first.stream().filter(s -> s.startsWith("a")).count();
    // Every request really used 100 tokens: A is refunded 900 at each release, so service stays ~1:1.
    assertTrue(Math.abs(a - 55) <= 2, "A got " + a + " of 110 with refunds: " + first);

    FairQueue<String> noRefund = new FairQueue<>();
    Map<String, Long> actual = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      noRefund.add("a" + i, A, "a" + i, 1000);
      noRefund.add("b" + i, B, "b" + i, 100);
      actual.put("a" + i, 1000L);
    }
    List<String> strict = drain(noRefund, 1, actual).subList(0, 110);
    long a2 = strict.stream().filter(s -> s.startsWith("a")).count();
    assertTrue(Math.abs(a2 - 10) <= 2, "A got " + a2 + " of 110 at 10x the cost");
  }

  @Test
  void priorityBandsAreServedStrictlyFirst() {
    FairQueue<String> q = new FairQueue<>();
    Tenant low = tenant("low", 100, -1, 0);
    Tenant high = tenant("high", 1, 5, 0);
    for (int i = 0; i < 10; i++) q.add("l" + i, low, "l" + i, 10);
    assertEquals("l0", q.next());
    for (int i = 0; i < 10; i++) q.add("h" + i, high, "h" + i, 10_000);
    q.add("d0", A, "d0", 1); // priority 0 sits between
    List<String> order = drain(q, 2, Map.of());
    assertEquals(List.of("h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "d0"), order.subList(0, 11));
    assertTrue(order.subList(11, order.size()).stream().allMatch(s -> s.startsWith("l")));
  }

  @Test
  void maxConcurrentHoldsAndOthersUseTheFreeSlots() {
    FairQueue<String> q = new FairQueue<>();
    Tenant capped = tenant("capped", 10, 0, 2);
    for (int i = 0; i < 20; i++) q.add("c" + i, capped, "c" + i, 10);
    for (int i = 0; i < 20; i++) q.add("o" + i, B, "o" + i, 10);
    Random r = new Random(7);
    List<String> running = new ArrayList<>();
    int maxCapped = 0;
    while (q.queued() > 0 || !running.isEmpty()) {
      running.addAll(q.next(6 - running.size()));
      long c = running.stream().filter(s -> s.startsWith("c")).count();
      maxCapped = Math.max(maxCapped, (int) c);
      assertEquals(c, q.running("capped"));
      assertTrue(c <= 2, "capped tenant runs " + c);
      assertTrue(running.size() == 6 || q.queued("b") == 0, "a free slot is used when the other tenant waits");
      String done = running.remove(r.nextInt(running.size()));
      q.release(done, 10);
    }
    assertEquals(2, maxCapped);
    assertNull(q.next());
  }

  @Test
  void removedJobsLeaveTheQueueAndCountsFollow() {
    FairQueue<String> q = new FairQueue<>();
    assertTrue(q.add("a1", A, "a1", 10));
    assertTrue(q.add("a2", A, "a2", 10));
    assertFalse(q.add("a2", A, "again", 10), "an id already queued is not queued twice");
    assertTrue(q.add("b1", B, "b1", 10));
    assertEquals(2, q.queued("a"));
    assertTrue(q.remove("a1"));
    assertFalse(q.remove("a1"));
    assertEquals(1, q.queued("a"));
    assertEquals(2, q.queued());
    List<String> got = q.next(5);
    assertEquals(List.of("a2", "b1"), got);
    assertFalse(q.add("a2", A, "again", 10), "an id already running is not queued");
    assertFalse(q.remove("a2"), "a running job is released, not removed");
    assertEquals(1, q.running("a"));
    assertEquals(2, q.running());
    assertEquals(1, q.counts().get("b")[1]);
    assertTrue(q.release("a2", 5));
    assertFalse(q.release("a2", 5));
    assertEquals(0, q.running("a"));
  }

  @Test
  void theSameCallsGiveTheSameOrder() {
    assertEquals(randomRun(42), randomRun(42));
    assertFalse(randomRun(42).equals(randomRun(43)));
  }

  private static List<String> randomRun(long seed) {
    Random r = new Random(seed);
    FairQueue<String> q = new FairQueue<>();
    Tenant[] ts = {tenant("t0", 1, 0, 3), tenant("t1", 3, 0, 0), tenant("t2", 2, 1, 2), tenant("t3", 1, 0, 0)};
    List<String> order = new ArrayList<>();
    List<String> running = new ArrayList<>();
    for (int step = 0; step < 2000; step++) {
      int op = r.nextInt(10);
      if (op < 5) {
        Tenant t = ts[r.nextInt(ts.length)];
        q.add(t.name() + "-" + step, t, t.name() + "-" + step, 1 + r.nextInt(500));
      } else if (op < 8 && !running.isEmpty()) {
        q.release(running.remove(r.nextInt(running.size())), r.nextInt(500));
      }
      for (String j : q.next(8 - running.size())) {
        order.add(j);
        running.add(j);
      }
    }
    return order;
  }

  @Test
  void anIdleTenantWhosePriorityChangedMovesToItsNewBand() {
    FairQueue<String> q = new FairQueue<>();
    Tenant mid = tenant("m", 1, 1, 0);
    assertTrue(q.add("a1", A, "a1", 100));
    assertEquals("a1", q.next());
    assertTrue(q.release("a1", 100)); // a's tag (100) is ahead of the band's time (0): it is remembered
    q.add("m1", mid, "m1", 10);
    q.add("a2", tenant("a", 1, 5, 0), "a2", 10);
    assertEquals(List.of("a2", "m1"), q.next(5), "priority 5 now: before the priority 1 tenant");
  }

  @Test
  void aTenantWithJobsQueuedOrRunningKeepsItsOldBand() {
    Tenant mid = tenant("m", 1, 1, 0);
    Tenant a5 = tenant("a", 1, 5, 0);
    FairQueue<String> queued = new FairQueue<>();
    queued.add("a1", A, "a1", 10);
    queued.add("a2", a5, "a2", 10);
    queued.add("m1", mid, "m1", 10);
    assertEquals(List.of("m1", "a1", "a2"), queued.next(5), "a's queue was not empty: band 0 until it is");
    assertEquals(2, queued.running("a"));

    FairQueue<String> running = new FairQueue<>();
    running.add("a1", A, "a1", 10);
    assertEquals("a1", running.next());
    running.add("a2", a5, "a2", 10);
    running.add("m1", mid, "m1", 10);
    assertEquals(List.of("m1", "a2"), running.next(5), "a still ran a job: band 0");
  }

  @Test
  void countsListTenantsWithQueuedOrRunningJobsOnly() {
    FairQueue<String> q = new FairQueue<>();
    assertTrue(q.counts().isEmpty());
    q.add("a1", A, "a1", 100);
    q.add("a2", A, "a2", 100);
    q.add("b1", B, "b1", 100);
    assertEquals("a1", q.next(), "a tie: a has waited longest");
    assertEquals(Map.of("a", List.of(1, 1), "b", List.of(1, 0)), counts(q));
    assertEquals("b1", q.next());
    assertEquals(Map.of("a", List.of(1, 1), "b", List.of(0, 1)), counts(q));
    assertTrue(q.release("b1", 100));
    assertEquals(Map.of("a", List.of(1, 1)), counts(q), "b is idle (its tag still ahead): not listed");
    assertEquals(0, q.queued("b"));
    assertEquals(0, q.running("b"));
  }

  private static Map<String, List<Integer>> counts(FairQueue<String> q) {
    Map<String, List<Integer>> out = new HashMap<>();
    q.counts().forEach((t, c) -> out.put(t, List.of(c[0], c[1])));
    return out;
  }

  @Test
  void goingIdleForAMomentDoesNotWipeATenantsDebt() {
    FairQueue<String> q = new FairQueue<>();
    q.add("a1", A, "a1", 1000);
    q.add("b1", B, "b1", 100);
    q.add("b2", B, "b2", 100);
    assertEquals("a1", q.next());
    assertEquals("b1", q.next());
    assertTrue(q.release("a1", 1000)); // a is idle, its tag (1000) far ahead of b's (100)
    q.add("a2", A, "a2", 100);
    assertEquals("b2", q.next(), "a returns with its tag: b, behind, goes first");
    assertEquals("a2", q.next());
  }

  @Test
  void aTenantWithAJobRunningStaysCountedWhenItsTagIsCorrectedDown() {
    FairQueue<String> q = new FairQueue<>();
    q.add("a1", A, "a1", 100);
    q.add("a2", A, "a2", 100);
    assertEquals(List.of("a1", "a2"), q.next(2));
    assertTrue(q.release("a1", 0)); // refund: a's tag falls back to the band's time, a2 still runs
    assertEquals(1, q.running("a"));
    assertEquals(Map.of("a", List.of(0, 1)), counts(q));
    assertTrue(q.release("a2", 100));
    assertEquals(0, q.running("a"));
    assertEquals(0, q.running());
    assertTrue(q.counts().isEmpty());
  }

  @Test
  void tiesGoToTheTenantWaitingLongestSinceItsLastStart() {
    FairQueue<String> q = new FairQueue<>();
    q.add("a1", A, "a1", 100);
    q.add("a2", A, "a2", 100);
    q.add("b1", B, "b1", 100);
    assertEquals("a1", q.next(), "equal tags: a was backlogged first");
    assertTrue(q.release("a1", 0)); // refunded: a's tag is back to 0, equal to b's
    assertEquals("b1", q.next(), "a went to the back of the line when a1 started, after b arrived");
    assertEquals("a2", q.next());

    FairQueue<String> q2 = new FairQueue<>();
    q2.add("a1", A, "a1", 100);
    q2.add("a2", A, "a2", 100);
    assertEquals("a1", q2.next());
    assertTrue(q2.release("a1", 0));
    q2.add("c1", tenant("c", 1, 0, 0), "c1", 100);
    assertEquals("a2", q2.next(), "a has waited since a1 started, before c arrived");
    assertEquals("c1", q2.next());
  }

  @Test
  void theCorrectionAtReleaseIsScaledByTheWeight() {
    FairQueue<String> q = new FairQueue<>();
    Tenant heavy = tenant("h", 2, 0, 0);
    q.add("h1", heavy, "h1", 100);
    q.add("h2", heavy, "h2", 100);
    q.add("l1", B, "l1", 100);
    q.add("l2", B, "l2", 100);
    assertEquals("h1", q.next()); // h's tag: 100 / 2 = 50
    assertEquals("l1", q.next()); // l's tag: 100
    assertTrue(q.release("h1", 160)); // 60 more than estimated: 50 + 60 / 2 = 80, still behind l
    assertEquals("h2", q.next());
    assertEquals("l2", q.next());

    FairQueue<String> more = new FairQueue<>();
    more.add("h1", heavy, "h1", 100);
    more.add("h2", heavy, "h2", 100);
    more.add("l1", B, "l1", 100);
    more.add("l2", B, "l2", 100);
    assertEquals(List.of("h1", "l1"), more.next(2));
    assertTrue(more.release("h1", 220)); // 50 + 120 / 2 = 110: past l's 100
    assertEquals("l2", more.next());
    assertEquals("h2", more.next());
  }

  @Test
  void aQueuedJobCanBeLookedUpUntilItStarts() {
    FairQueue<String> q = new FairQueue<>();
    q.add("x", A, "job-x", 5);
    assertTrue(q.isQueued("x"));
    assertEquals("job-x", q.queuedJob("x"));
    assertFalse(q.isQueued("y"));
    assertNull(q.queuedJob("y"));
    assertEquals("job-x", q.next());
    assertFalse(q.isQueued("x"), "running, not queued");
    assertNull(q.queuedJob("x"));
    assertEquals(1, q.running());
    assertEquals(0, q.queued());
  }
}
