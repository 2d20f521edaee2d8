package dev.clawbus.infra.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.kafka.LocalPorts;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two real Hazelcast members on loopback share one cap. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterCapTest {
  private static final String HOST = "127.0.0.1";
  private HazelcastInstance hzA;
  private HazelcastInstance hzB;
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    for (HazelcastInstance hz : new HazelcastInstance[] {hzB, hzA}) {
      if (hz != null && hz.getLifecycleService().isRunning()) hz.shutdown();
    }
    if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A node: a cap whose waiting work starts whenever slots free up. */
  private static final class Node {
    final AtomicInteger waiting = new AtomicInteger();
    final AtomicReference<ClusterCap> cap = new AtomicReference<>();

    Node(Vertx vertx, HazelcastInstance hz, int max) {
      cap.set(new ClusterCap(vertx, hz, max, waiting::get, this::pump, 100));
    }

    void pump() {
      ClusterCap c = cap.get();
      while (c != null && waiting.get() > 0 && c.tryAcquire()) waiting.decrementAndGet();
    }

    int running() {
      return cap.get().inUse();
    }

    void finish(int n) {
      for (int i = 0; i < n; i++) cap.get().release();
    }
  }

  private static void until(String what, BooleanSupplier cond, Runnable check) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!cond.getAsBoolean()) {
      check.run();
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(10);
    }
    check.run();
  }

  @Test
  void twoMembersShareOneCapAndADeadMembersSlotsAreFreed() throws Exception {
    int portA = LocalPorts.free(HOST);
    int portB = LocalPorts.free(HOST);
    String name = "cap-" + portA;
    hzA = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, portA, List.of(HOST + ":" + portB), name));
    hzB = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, portB, List.of(HOST + ":" + portA), name));
    vertx = Vertx.vertx();

    Node a = new Node(vertx, hzA, 6);
    until("a lone member holds the whole cap", () -> a.cap.get().grant() == 6, () -> { });
    a.waiting.set(10);
    a.pump();
    assertEquals(6, a.running(), "started at once, without a round trip");
    assertEquals(4, a.waiting.get());

    Node b = new Node(vertx, hzB, 6);
    b.waiting.set(10);
    Runnable neverAboveCap = () -> assertTrue(a.running() + b.running() <= 6,
        "a runs " + a.running() + ", b runs " + b.running());
    until("b has reported", () -> b.cap.get().grant() >= 0 && !b.cap.get().leases().toCompletionStage()
        .toCompletableFuture().join().isEmpty(), neverAboveCap);
    assertEquals(0, b.running(), "all six slots are a's while a holds them");
    // Requests finish now and then on both nodes; both always have more waiting.
    java.util.Random r = new java.util.Random(1);
    until("each node is granted half", () -> a.cap.get().grant() == 3 && b.cap.get().grant() == 3, () -> {
      neverAboveCap.run();
      for (Node n : new Node[] {a, b}) {
        if (n.running() > 0 && r.nextInt(4) == 0) n.finish(1);
        n.waiting.set(10);
        n.pump();
      }
      neverAboveCap.run();
    });
    until("b runs its half", () -> b.running() == 3, () -> {
      if (a.running() > 3) a.finish(1);
      b.pump();
      neverAboveCap.run();
    });

    long t0 = System.nanoTime();
    hzA.getLifecycleService().terminate(); // as if the process was killed
    a.cap.get().close(); // only stops its timer: the dead member cannot give its lease back
    until("the dead member's slots go to b", () -> b.running() == 6, b::pump);
    System.out.printf("cluster cap: dead member's slots reused after %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    assertEquals(1, b.cap.get().leases().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).size());
    b.cap.get().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(hzB.getMap(ClusterCap.MAP).get("leases") != null);
    assertEquals(0, ((LeaseTable) hzB.getMap(ClusterCap.MAP).get("leases")).leases().size(), "a graceful stop gives the lease back");
  }

  @Test
  void saturationHoldsNewWorkBackButKeepsOneRunning() throws Exception {
    hzA = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, 0, List.of(), "cap-alone"));
    vertx = Vertx.vertx();
    Node a = new Node(vertx, hzA, 4);
    until("granted", () -> a.cap.get().grant() == 4, () -> { });
    a.cap.get().holdBack(true);
    a.waiting.set(3);
    a.pump();
    assertEquals(1, a.running(), "one request runs while vLLM is saturated, so the node never stalls");
    a.cap.get().holdBack(false);
    until("held work starts when saturation ends", () -> a.running() == 3, () -> { });
  }
}
