package dev.clawbus.infra.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.testing.NonDaemonThreads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterSetupTest {
  private static final String HOST = "127.0.0.1";
  private Vertx a;
  private Vertx b;

  @AfterEach
  void tearDown() throws Exception {
    for (Vertx v : new Vertx[] {a, b}) {
      if (v != null) {
        await(v.close());
      }
    }
  }

  @Test
  void twoNodesOnLoopbackFormOneClusterAndSurviveTheLossOfOne() throws Exception {
    NonDaemonThreads threads = NonDaemonThreads.snapshot();
    int portA = LocalPorts.free(HOST);
    int portB = LocalPorts.free(HOST);
    long t0 = System.nanoTime();
    a = await(ClusterSetup.clusteredVertx(node(portA, portB)));
    long aMs = ms(t0);
    long t1 = System.nanoTime();
    b = await(ClusterSetup.clusteredVertx(node(portB, portA)));
    System.out.printf("cluster: first member up in %d ms, second joined in %d ms%n", aMs, ms(t1));

    HazelcastInstance hzA = ClusterSetup.hazelcast(a);
    HazelcastInstance hzB = ClusterSetup.hazelcast(b);
    assertEquals(2, hzA.getCluster().getMembers().size());
    assertEquals(2, hzB.getCluster().getMembers().size());
    assertEquals(ClusterSetup.CLUSTER_NAME, hzA.getConfig().getClusterName());
    assertEquals(portA, hzA.getCluster().getLocalMember().getAddress().getPort());
    assertEquals(HOST, hzA.getCluster().getLocalMember().getAddress().getHost());

    // The consumer registration must reach the other node before a send can find it.
    await(b.eventBus().consumer("test.ping", m -> m.reply("pong from b:" + m.body())).completion());
    assertEquals("pong from b:hi", await(a.eventBus().request("test.ping", "hi")).body());

    IMap<String, String> onA = hzA.getMap("test.state");
    onA.put("req-1", "streaming");
    assertEquals("streaming", hzB.<String, String>getMap("test.state").get("req-1"));

    long c0 = System.nanoTime();
    await(b.close());
    b = null;
    // A graceful leave is announced to the survivor asynchronously; it must not take anywhere near the heartbeat timeout.
    while (hzA.getCluster().getMembers().size() != 1 && ms(c0) < 10_000) {
      Thread.sleep(20);
    }
    System.out.printf("cluster: member left, survivor sees it after %d ms%n", ms(c0));
    assertEquals(1, hzA.getCluster().getMembers().size());
    // The backup on the surviving member still has the entry, and the node keeps working on its own.
    assertEquals("streaming", onA.get("req-1"));
    await(a.eventBus().consumer("test.local", m -> m.reply("still here")).completion());
    assertEquals("still here", await(a.eventBus().request("test.local", "?")).body());

    await(a.close());
    a = null;
    // Hazelcast and Vert.x threads must end with close(), or an embedding JVM would never exit.
    assertEquals(Set.of(), threads.leakedAfter(5));
  }

  @Test
  void entriesOfAKilledMemberSurviveOnTheBackups() throws Exception {
    NonDaemonThreads threads = NonDaemonThreads.snapshot();
    int portA = LocalPorts.free(HOST);
    int portB = LocalPorts.free(HOST);
    HazelcastInstance hzA = Hazelcast.newHazelcastInstance(
        ClusterSetup.hazelcastConfig(HOST, portA, List.of(HOST + ":" + portB), "kill-test"));
    try {
      HazelcastInstance hzB = Hazelcast.newHazelcastInstance(
          ClusterSetup.hazelcastConfig(HOST, portB, List.of(HOST + ":" + portA), "kill-test"));
      assertEquals(2, hzA.getCluster().getMembers().size());
      IMap<String, Integer> journal = hzA.getMap("test.journal");
      for (int i = 0; i < 200; i++) {
        journal.put("req-" + i, i);
      }
      assertTrue(hzB.getPartitionService().getPartitions().stream()
          .anyMatch(p -> hzB.getCluster().getLocalMember().equals(p.getOwner())), "B owns some of the data");

      long t0 = System.nanoTime();
      hzB.getLifecycleService().terminate(); // no graceful migration: as if the process was killed
      while (hzA.getCluster().getMembers().size() != 1 && ms(t0) < 15_000) {
        Thread.sleep(20);
      }
      System.out.printf("cluster: killed member dropped after %d ms%n", ms(t0));
      assertEquals(1, hzA.getCluster().getMembers().size());
      assertTrue(ms(t0) < 10_000);
      for (int i = 0; i < 200; i++) {
        assertEquals(i, journal.get("req-" + i), "req-" + i);
      }
    } finally {
      hzA.shutdown();
    }
    assertEquals(Set.of(), threads.leakedAfter(5));
  }

  @Test
  void portZeroBindsAnyFreePortOnTheClusterHost() {
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, 0, List.of(), "alone"));
    try {
      assertTrue(hz.getCluster().getLocalMember().getAddress().getPort() > 0);
      assertEquals(HOST, hz.getCluster().getLocalMember().getAddress().getHost());
      assertEquals(1, hz.getCluster().getMembers().size());
    } finally {
      hz.shutdown();
    }
  }

  @Test
  void hazelcastConfigListsEveryMemberAndStaysOffTheNetwork() {
    Config c = ClusterSetup.hazelcastConfig(HOST, 5801, List.of("127.0.0.1:5802", " 127.0.0.1:5803 ", ""), "x");
    assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802", "127.0.0.1:5803"),
        c.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
    assertTrue(c.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
    assertFalse(c.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
    assertFalse(c.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
    assertFalse(c.getNetworkConfig().isPortAutoIncrement());
    assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("false", System.getProperty("hazelcast.phone.home.enabled"));
    assertEquals("x", c.getClusterName());
  }

  /**
   * A node's map operations run their callbacks where Hazelcast completes them (its partition threads, for a member's
   * own operations), not on a thread started for each (Hazelcast's default on a machine with 2 cores or fewer) nor on
   * a pool thread: a result reaches its Vert.x context in one hand-off. Only a callback registered on an operation
   * that has already completed takes the pool (reused threads). A {@code Future.fromCompletionStage} of a map
   * call completes on its context, with the value or the failure.
   */
  @Test
  void mapOperationCallbacksRunWhereTheOperationCompletes() throws Exception {
    int port = LocalPorts.free(HOST);
    a = await(ClusterSetup.clusteredVertx(node(port, port)));
    IMap<String, String> map = ClusterSetup.hazelcast(a).getMap("callbacks-test");
    Set<String> threads = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      java.util.concurrent.CompletableFuture<String> ran = new java.util.concurrent.CompletableFuture<>();
      map.setAsync("k" + i, "v").whenComplete((v, e) -> ran.complete(Thread.currentThread().getName()));
      threads.add(ran.get(10, TimeUnit.SECONDS));
    }
    // A callback registered after its operation completed runs on the pool (the registering thread is not Hazelcast's).
    for (String t : threads) {
      assertTrue(t.contains("partition-operation") || t.startsWith("hz-callback-")
          || t.startsWith("ForkJoinPool.commonPool-worker"), "a callback ran on " + t + ": " + threads);
    }
    assertTrue(threads.stream().anyMatch(t -> t.contains("partition-operation")),
        "no callback ran on the partition thread that completed its operation: " + threads);
    // Reused threads, as before: the member's partition threads and the pool's, never one started per callback.
    int reused = Math.max(2, Runtime.getRuntime().availableProcessors()) // Hazelcast's partition threads
        + Math.max(2, java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()); // the pool's
    assertTrue(threads.size() <= reused,
        "50 callbacks, one after another, ran on " + threads.size() + " threads: " + threads);

    io.vertx.core.Context ctx = a.getOrCreateContext();
    java.util.concurrent.CompletableFuture<String> got = new java.util.concurrent.CompletableFuture<>();
    ctx.runOnContext(x -> Future.fromCompletionStage(map.getAsync("k7"), ctx).onComplete(ar ->
        got.complete(io.vertx.core.Context.isOnEventLoopThread() ? ar.result() : "off the event loop")));
    assertEquals("v", got.get(10, TimeUnit.SECONDS));
    java.util.concurrent.CompletableFuture<String> failed = new java.util.concurrent.CompletableFuture<>();
    ctx.runOnContext(x -> Future.fromCompletionStage(map.submitToKey("k7", e -> {
      throw new IllegalStateException("refused in the processor");
    }), ctx).onComplete(ar -> failed.complete(ar.failed() && io.vertx.core.Context.isOnEventLoopThread()
        ? ar.cause().getMessage() : "not failed on the event loop")));
    assertTrue(failed.get(10, TimeUnit.SECONDS).contains("refused in the processor"), failed.get());
  }

  private static ClawbusConfig node(int port, int otherPort) {
    return ClawbusConfig.defaults()
        .with(ClawbusConfig.CLUSTER_HOST, HOST)
        .with(ClawbusConfig.CLUSTER_PORT, port)
        .with(ClawbusConfig.CLUSTER_MEMBERS, HOST + ":" + otherPort);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static long ms(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
