package dev.clawbus.infra.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.ExtendedMapEntry;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store's processor without a cluster: what it answers is exactly what the state machine decided (changed,
 * refusal, record), as text that the caller reads back, and it stores only what changed, with the retention.
 */
class StoreProcessorTest {
  /** A map entry as Hazelcast hands it to a processor. */
  static final class Entry implements ExtendedMapEntry<String, HazelcastJsonValue> {
    HazelcastJsonValue value;
    long ttlMillis = -1;
    int writes;

    Entry(RequestRecord r) {
      value = r == null ? null : new HazelcastJsonValue(r.encode());
    }

    public String getKey() {
      return "team-a/r1";
    }

    public HazelcastJsonValue getValue() {
      return value;
    }

    public HazelcastJsonValue setValue(HazelcastJsonValue v) {
      throw new AssertionError("a change must set the retention");
    }

    public HazelcastJsonValue setValue(HazelcastJsonValue v, long ttl, TimeUnit unit) {
      HazelcastJsonValue old = value;
      value = v;
      ttlMillis = unit.toMillis(ttl);
      writes++;
      return old;
    }

    public HazelcastJsonValue setValueWithoutChangingExpiryTime(HazelcastJsonValue v) {
      throw new AssertionError("a change must set the retention");
    }
  }

  @Test
  void itAnswersWhatTheStateMachineDecidedAndStoresOnlyChanges() {
    RequestRecord queued = LifecycleTest.queued("m1");
    RequestRecord running = LifecycleTest.apply(queued, new Transition.Start("m1", "node-m1", 2000));
    RequestRecord done = LifecycleTest.apply(running,
        new Transition.Finish("m1", Status.DONE, null, 12, 34, 3000));
    List<RequestRecord> records = new ArrayList<>();
    records.add(null);
    records.add(queued);
    records.add(running);
    records.add(done);
    List<Transition> transitions = List.of(
        new Transition.Create(queued, 1000),
        new Transition.Start("m1", "node-m1", 2000),
        new Transition.Start("m2", "node-m2", 2000),
        new Transition.Finish("m1", Status.FAILED, LifecycleTest.BOOM, null, null, 3000),
        new Transition.Cancel(LifecycleTest.CANCEL, 4000),
        new Transition.Delete(LifecycleTest.CANCEL, 5000),
        new Transition.Locate(3, 42, 6000),
        new Transition.AnswerSpilled("0:17", 7000));
    int refusals = 0;
    int unchanged = 0;
    for (RequestRecord cur : records) {
      for (Transition t : transitions) {
        Lifecycle.Outcome want = Lifecycle.apply(cur, t);
        Entry e = new Entry(cur);
        Lifecycle.Outcome got = StoreProcessor.outcome(new StoreProcessor(t, 60_000).process(e));
        String what = t + " on " + (cur == null ? "nothing" : cur.status());
        assertEquals(want.changed(), got.changed(), what);
        assertEquals(want.refused(), got.refused(), what);
        assertEquals(want.record() == null ? null : want.record().encode(),
            got.record() == null ? null : got.record().encode(), what);
        assertEquals(want.changed() ? 1 : 0, e.writes, what);
        if (want.changed()) {
          assertEquals(want.record().encode(), e.value.getValue(), what);
          assertEquals(60_000, e.ttlMillis, "every change restarts the retention: " + what);
        }
        if (want.refused() != null) refusals++;
        if (want.ok() && !want.changed()) unchanged++;
      }
    }
    // The cases above cover every kind of answer: applied, refused (with and without a record), a no-op.
    assertEquals(true, refusals > 3 && unchanged > 0, refusals + " refusals, " + unchanged + " no-ops");
  }

  @Test
  void repliesAreReadExactlyAndNothingElseIsTakenForOne() {
    Lifecycle.Outcome none = StoreProcessor.outcome(StoreProcessor.reply(false, "no such request", null));
    assertNull(none.record());
    assertEquals("no such request", none.refused());
    String json = LifecycleTest.queued("m1").encode();
    // A refusal that looks like the reply's own syntax is read by its length, not by its characters.
    Lifecycle.Outcome odd = StoreProcessor.outcome(StoreProcessor.reply(false, "1-:{\"x\":", json));
    assertEquals("1-:{\"x\":", odd.refused());
    assertEquals(json, odd.record().encode());
    Lifecycle.Outcome applied = StoreProcessor.outcome(StoreProcessor.reply(true, null, json));
    assertSame(null, applied.refused());
    assertEquals(true, applied.changed());
    assertThrows(IllegalArgumentException.class, () -> StoreProcessor.outcome("{\"status\":\"queued\"}"));
    assertThrows(IllegalArgumentException.class, () -> StoreProcessor.outcome("2-:"));
  }
}
