package dev.clawbus.infra.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LeaseTableTest {
  @Test
  void aLoneMemberHoldsTheWholeCap() {
    LeaseTable t = new LeaseTable();
    assertEquals(8, t.sync("a", 0, 0, 8));
    assertEquals(8, t.sync("a", 8, 100, 8));
  }

  @Test
  void twoMembersWantingMoreThanTheCapShareItEvenly() {
    LeaseTable t = new LeaseTable();
    assertEquals(10, t.sync("a", 0, 50, 10));
    assertEquals(0, t.sync("b", 0, 50, 10), "a's grant is committed until a reports again");
    assertEquals(5, t.sync("a", 10, 50, 10), "a is told to shrink to its share");
    assertEquals(0, t.sync("b", 0, 50, 10), "a still holds 10");
    assertEquals(5, t.sync("a", 5, 50, 10)); // a finished 5
    assertEquals(5, t.sync("b", 0, 50, 10));
    assertEquals(10, t.committed());
  }

  /** Fair targets when members a, b and c want these many slots. */
  private static java.util.Map<String, Integer> targets(int cap, int a, int b, int c) {
    LeaseTable t = new LeaseTable();
    t.sync("a", 0, a, cap);
    t.sync("b", 0, b, cap);
    t.sync("c", 0, c, cap);
    return t.targets();
  }

  @Test
  void smallDemandsAreMetFirstAndTheRestIsSplit() {
    var targets = targets(12, 1, 100, 100);
    assertEquals(1, targets.get("a"));
    assertEquals(6, targets.get("b"), "(12 - 1) / 2, the odd slot to the lower id");
    assertEquals(5, targets.get("c"));
  }

  @Test
  void whatNobodyWantsIsSpreadOverAllMembers() {
    var targets = targets(9, 0, 2, 0);
    assertEquals(9, targets.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(3, targets.get("a"), "an even third of the 7 left, the odd one to the lowest id");
    assertEquals(2 + 2, targets.get("b"), "2 wanted plus a third of the 7 left");
    assertEquals(2, targets.get("c"));
  }

  @Test
  void aRemovedMembersSlotsGoToTheOthers() {
    LeaseTable t = new LeaseTable();
    t.sync("a", 0, 10, 10);
    t.sync("b", 0, 10, 10);
    t.sync("a", 10, 10, 10);
    assertEquals(0, t.sync("b", 0, 10, 10));
    assertTrue(t.remove("a"));
    assertEquals(10, t.sync("b", 0, 10, 10));
  }

  /**
   * Members acquire and release under their grants while their syncs travel: a report is taken when sent, applied at
   * the table later, and its answer reaches the member later still. The slots actually held never exceed the cap.
   */
  @Test
  void slotsHeldNeverExceedTheCapUnderRandomDemandAndDelays() {
    for (long seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      int cap = 1 + r.nextInt(20);
      int n = 2 + r.nextInt(4);
      LeaseTable table = new LeaseTable();
      int[] held = new int[n];
      int[] grant = new int[n];
      int[] queued = new int[n];
      int[] sentHeld = new int[n];
      int[] sentWanted = new int[n];
      int[] reply = new int[n];
      int[] stage = new int[n]; // 0 idle, 1 sent, 2 applied (reply travelling)
      boolean[] alive = new boolean[n];
      java.util.Arrays.fill(alive, true);
      for (int step = 0; step < 5000; step++) {
        int m = r.nextInt(n);
        if (!alive[m]) continue;
        switch (r.nextInt(7)) {
          case 0 -> queued[m] += r.nextInt(5);
          case 1 -> {
            if (queued[m] > 0 && held[m] < grant[m]) {
              held[m]++;
              queued[m]--;
            }
          }
          case 2 -> {
            if (held[m] > 0) held[m]--;
          }
          case 3 -> {
            if (stage[m] == 0) {
              sentHeld[m] = held[m];
              sentWanted[m] = held[m] + queued[m];
              stage[m] = 1;
            }
          }
          case 4 -> {
            if (stage[m] == 1) {
              reply[m] = table.sync("m" + m, sentHeld[m], sentWanted[m], cap);
              stage[m] = 2;
            }
          }
          case 5 -> {
            if (stage[m] == 2) {
              grant[m] = reply[m];
              stage[m] = 0;
            }
          }
          default -> {
            if (r.nextInt(200) == 0 && n > 2) { // a member dies
              alive[m] = false;
              held[m] = 0;
              table.remove("m" + m);
            }
          }
        }
        int sum = 0;
        for (int h : held) sum += h;
        assertTrue(sum <= cap, "seed " + seed + " step " + step + ": " + sum + " held, cap " + cap);
        assertTrue(table.committed() <= cap, "seed " + seed + ": committed " + table.committed() + " > " + cap);
      }
      // Liveness: once everything running has finished and every member has reported three times (a shrunk grant stays counted until the next report), the members with work
      // share the whole cap fairly.
      int wanting = 0;
      int totalWanted = 0;
      for (int i = 0; i < n; i++) {
        held[i] = 0;
        if (alive[i] && queued[i] > 0) {
          wanting++;
          totalWanted += queued[i];
        }
      }
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < n; i++) {
          if (alive[i]) grant[i] = table.sync("m" + i, 0, queued[i], cap);
        }
      }
      int granted = 0;
      for (int i = 0; i < n; i++) {
        if (!alive[i] || queued[i] == 0) continue;
        granted += Math.min(grant[i], queued[i]);
        assertTrue(grant[i] >= Math.min(queued[i], cap / wanting), "seed " + seed + ": m" + i + " wants " + queued[i]
            + ", granted " + grant[i] + " of " + cap + " among " + wanting);
      }
      assertEquals(Math.min(cap, totalWanted), granted, "seed " + seed + ": the cap is used");
    }
  }
}
