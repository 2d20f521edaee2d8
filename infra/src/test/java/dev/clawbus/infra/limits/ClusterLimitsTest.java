package dev.clawbus.infra.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.tenancy.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two real Hazelcast members on loopback share one set of limits. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterLimitsTest {
  private static final String HOST = "127.0.0.1";
  private static HazelcastInstance hzA;
  private static HazelcastInstance hzB;
  private static Vertx vertx;
  private static final AtomicLong now = new AtomicLong(1_700_000_000_000L);

  @BeforeAll
  static void start() {
    int a = LocalPorts.free(HOST);
    int b = LocalPorts.free(HOST);
    String name = "limits-" + a;
    hzA = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, a, List.of(HOST + ":" + b), name));
    hzB = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, b, List.of(HOST + ":" + a), name));
    assertEquals(2, hzA.getCluster().getMembers().size());
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    hzB.shutdown();
    hzA.shutdown();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Tenant tenant(String name, int maxQueued, int rpm, long tpm) {
    return new Tenant(name, 1, 0, 0, maxQueued, rpm, tpm, List.of("*"), null);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void twoNodesAdmittingAtOnceNeverExceedTheRpm() throws Exception {
    ClusterLimits onA = new ClusterLimits(vertx, hzA, 0, now::get);
    ClusterLimits onB = new ClusterLimits(vertx, hzB, 0, now::get);
    Tenant t = tenant("rpm-tenant", 0, 10, 0);
    List<Future<Admission>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add((i % 2 == 0 ? onA : onB).admit(t, "r" + i, 100, now.get() + 60_000));
    }
    await(Future.join(new ArrayList<>(all)));
    long admitted = all.stream().filter(f -> f.result().admitted()).count();
    assertEquals(10, admitted);
    Admission refused = all.stream().map(Future::result).filter(a -> !a.admitted()).findFirst().orElseThrow();
    assertEquals("0", refused.headers().get("x-ratelimit-remaining-requests"));
    assertEquals("6", refused.responseHeaders().get("retry-after"));
    assertEquals("0", await(onB.headers(t)).get("x-ratelimit-remaining-requests"));
    now.addAndGet(6_000);
    assertTrue(await(onB.admit(t, "later", 100, now.get() + 60_000)).admitted());
  }

  @Test
  void queuePlacesAreSharedAndFreedByEitherNode() throws Exception {
    ClusterLimits onA = new ClusterLimits(vertx, hzA, 3, now::get);
    ClusterLimits onB = new ClusterLimits(vertx, hzB, 3, now::get);
    Tenant small = tenant("small-queue", 1, 0, 0);
    Tenant free = tenant("free", 0, 0, 0);
    assertTrue(await(onA.admit(small, "s1", 10, now.get() + 60_000)).admitted());
    Admission full = await(onB.admit(small, "s2", 10, now.get() + 60_000));
    assertEquals(Admission.Outcome.TENANT_QUEUE_FULL, full.outcome());
    assertTrue(await(onB.admit(free, "f1", 10, now.get() + 60_000)).admitted());
    assertTrue(await(onA.admit(free, "f2", 10, now.get() + 60_000)).admitted());
    assertEquals(Admission.Outcome.QUEUE_FULL, await(onA.admit(free, "f3", 10, now.get() + 60_000)).outcome(),
        "3 waiting in all: s1 (s2 was refused and gave its overall place back), f1, f2");
    await(onB.left(small, "s1"));
    assertTrue(await(onA.admit(small, "s2", 10, now.get() + 60_000)).admitted(), "s1 left on the other node");
    await(onA.left(free, "f1"));
    await(onA.left(free, "f2"));
    await(onA.left(small, "s2"));
  }

  @Test
  void tokensAreSettledWithTheActualUsage() throws Exception {
    ClusterLimits onA = new ClusterLimits(vertx, hzA, 0, now::get);
    ClusterLimits onB = new ClusterLimits(vertx, hzB, 0, now::get);
    Tenant t = tenant("tpm-tenant", 0, 0, 1000);
    assertTrue(await(onA.admit(t, "a", 800, now.get() + 60_000)).admitted());
    assertEquals(Admission.Outcome.TOKENS_PER_MINUTE, await(onB.admit(t, "b", 800, now.get() + 60_000)).outcome());
    await(onB.finished(t, 800, 100));
    Map<String, String> h = await(onA.headers(t));
    assertEquals("900", h.get("x-ratelimit-remaining-tokens"));
    assertEquals("1000", h.get("x-ratelimit-limit-tokens"));
    assertTrue(await(onB.admit(t, "b", 800, now.get() + 60_000)).admitted());
  }

  @Test
  void unlimitedTenantsCostNoRoundTrip() throws Exception {
    ClusterLimits onA = new ClusterLimits(vertx, hzA, 0, now::get);
    Future<Admission> f = onA.admit(tenant("nolimits", 0, 0, 0), "x", 10, 0);
    assertTrue(f.isComplete(), "answered without asking the cluster");
    assertEquals(Map.of(), f.result().responseHeaders());
    assertTrue(hzA.getMap(ClusterLimits.MAP).get("nolimits") == null);
  }
}
