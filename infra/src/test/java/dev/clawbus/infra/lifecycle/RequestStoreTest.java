package dev.clawbus.infra.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.journal.EventLog;
import dev.clawbus.infra.kafka.LocalPorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store on two real Hazelcast members: atomic transitions from both, tenant-scoped keys, queries. */
class RequestStoreTest {
  static Vertx a;
  static Vertx b;
  static RequestStore storeA;
  static RequestStore storeB;

  @BeforeAll
  static void start() throws Exception {
    int portA = LocalPorts.free("127.0.0.1");
    int portB = LocalPorts.free("127.0.0.1");
    ClawbusConfig base = ClawbusConfig.defaults();
    a = ClusterSetup.clusteredVertx(base.with(ClawbusConfig.CLUSTER_PORT, portA)
        .with(ClawbusConfig.CLUSTER_MEMBERS, "127.0.0.1:" + portB)).await(60, TimeUnit.SECONDS);
    b = ClusterSetup.clusteredVertx(base.with(ClawbusConfig.CLUSTER_PORT, portB)
        .with(ClawbusConfig.CLUSTER_MEMBERS, "127.0.0.1:" + portA)).await(60, TimeUnit.SECONDS);
    storeA = new RequestStore(a, ClusterSetup.hazelcast(a), new EventLog(null), Duration.ofMinutes(5));
    storeB = new RequestStore(b, ClusterSetup.hazelcast(b), new EventLog(null), Duration.ofMinutes(5));
  }

  @AfterAll
  static void stop() throws Exception {
    b.close().await(30, TimeUnit.SECONDS);
    a.close().await(30, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  static RequestRecord queued(String tenant, String id, String owner) {
    RequestEnvelope env = new RequestEnvelope(id, tenant, Api.CHAT, "m", "chatcmpl-" + id, 1, true, false, false,
        "auto", "split", new JsonObject(), System.currentTimeMillis(), 0, owner, null, null, null, 10);
    return RequestRecord.queued(env, owner, "node-" + owner);
  }

  /** Two operators replay the same failed requests from two members at once: each is replayed exactly once. */
  @Test
  void replaysFromTwoMembersHaveOneWinnerEachUnlessForced() throws Exception {
    ReplayLedger ledgerA = new ReplayLedger(a, ClusterSetup.hazelcast(a));
    ReplayLedger ledgerB = new ReplayLedger(b, ClusterSetup.hazelcast(b));
    for (int i = 0; i < 30; i++) {
      String key = "t/failed-" + i;
      Future<String> fromA = ledgerA.claim(key, "new-a-" + i, false);
      Future<String> fromB = ledgerB.claim(key, "new-b-" + i, false);
      String prevA = await(fromA);
      String prevB = await(fromB);
      assertTrue(prevA == null ^ prevB == null, "exactly one claim wins for " + key);
      String winner = prevA == null ? "new-a-" + i : "new-b-" + i;
      assertEquals(winner, prevA == null ? prevB : prevA, "the loser learns the winner's replay");
      assertEquals(winner, await(ledgerB.replayOf(key)));
    }
    assertEquals(null, await(ledgerA.claim("t/other", "x1", false)));
    assertEquals("x1", await(ledgerB.claim("t/other", "x2", false)), "refused without force");
    assertEquals("x1", await(ledgerB.claim("t/other", "x3", true)), "force replays again and says what it replaces");
    assertEquals("x3", await(ledgerA.replayOf("t/other")));
    await(ledgerA.release("t/other", "x1"));
    assertEquals("x3", await(ledgerA.replayOf("t/other")), "a stale release never drops a newer replay");
    await(ledgerA.release("t/other", "x3"));
    assertNull(await(ledgerA.replayOf("t/other")), "a replay that could not start gives its claim back");
    assertEquals(java.util.Map.of("t/failed-0", await(ledgerA.replayOf("t/failed-0"))),
        await(ledgerB.replaysOf(Set.of("t/failed-0", "t/never"))));
  }

  @Test
  void theSameIdInTwoTenantsIsTwoRequests() throws Exception {
    assertTrue(await(storeA.create(queued("team-a", "shared-id-1", "A"))).changed());
    assertTrue(await(storeB.create(queued("team-b", "shared-id-1", "B"))).changed(), "B's own new request");
    Lifecycle.Outcome again = await(storeB.create(queued("team-a", "shared-id-1", "B")));
    assertFalse(again.changed());
    assertEquals("A", again.record().owner(), "the claim answers with the request that holds the id");
    assertEquals("team-b", await(storeA.get(RequestRecord.key("team-b", "shared-id-1"))).tenant());
    assertNull(await(storeA.get(RequestRecord.key("team-c", "shared-id-1"))));
    assertEquals(2, await(storeA.find(null, null, "shared-id-1", 10)).size(), "admins find it in every tenant");
    assertEquals(1, await(storeA.find(null, "team-b", "shared-id-1", 10)).size());
  }

  /** Both members race to take over the same dead member's requests: each request gets exactly one taker. */
  @Test
  void takeoversFromTwoMembersHaveOneWinnerEach() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      RequestRecord r = queued("t", "race-" + i, "dead");
      await(storeA.create(r));
      keys.add(r.key());
    }
    assertEquals(40, await(storeB.heldBy("dead")).size());
    List<Future<Lifecycle.Outcome>> fromA = new ArrayList<>();
    List<Future<Lifecycle.Outcome>> fromB = new ArrayList<>();
    for (String k : keys) {
      fromA.add(storeA.apply(k, new Transition.Takeover("dead", "A", "node-A", null, 5)));
      fromB.add(storeB.apply(k, new Transition.Takeover("dead", "B", "node-B", null, 5)));
    }
    for (int i = 0; i < keys.size(); i++) {
      boolean wonA = await(fromA.get(i)).changed();
      boolean wonB = await(fromB.get(i)).changed();
      assertTrue(wonA ^ wonB, "exactly one taker for " + keys.get(i));
      RequestRecord now = await(storeA.get(keys.get(i)));
      assertEquals(wonA ? "A" : "B", now.owner());
      assertEquals(Status.QUEUED, now.status());
    }
    assertEquals(0, await(storeA.heldBy("dead")).size());
  }

  @Test
  void aCancelAndAStartFromDifferentMembersNeverBothWin() throws Exception {
    for (int i = 0; i < 30; i++) {
      RequestRecord r = queued("t", "cs-" + i, "A");
      await(storeA.create(r));
      Future<Lifecycle.Outcome> start = storeA.apply(r.key(), new Transition.Start("A", "node-A", 5));
      Future<Lifecycle.Outcome> cancel = storeB.apply(r.key(), new Transition.Cancel(LifecycleTest.CANCEL, 5));
      boolean started = await(start).changed();
      boolean cancelled = await(cancel).changed();
      RequestRecord end = await(storeB.get(r.key()));
      if (end.status() == Status.CANCELLED) {
        assertFalse(started, "a cancelled request never started");
      } else {
        assertEquals(Status.RUNNING, end.status());
        assertTrue(started);
        assertEquals(cancelled, end.cancelRequested());
      }
    }
  }

  @Test
  void queriesByStatusAndReadsOfMany() throws Exception {
    RequestRecord r = queued("q", "query-1", "A");
    await(storeA.create(r));
    await(storeA.apply(r.key(), new Transition.Start("A", "node-A", 5)));
    assertTrue(await(storeB.find(Status.RUNNING, "q", null, 10)).stream().anyMatch(x -> x.id().equals("query-1")));
    assertTrue(await(storeB.find(Status.QUEUED, "q", null, 10)).stream().noneMatch(x -> x.id().equals("query-1")));
    assertEquals(Set.of(r.key()), await(storeB.getAll(Set.of(r.key(), "q/none"))).keySet());
  }
}
