package dev.clawbus.infra.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An archived answer's memory tail, on two real members: given to all its batches, it holds on the backups too, so
 * the promoted copies of a killed member's batches expire with the tail, not the retention.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JournalTailTest {
  private static final String HOST = "127.0.0.1";
  private static final int REQUESTS = 2;
  private static final int BATCHES = 40;
  private final Vertx vertx = Vertx.vertx();
  private HazelcastInstance a;
  private HazelcastInstance b;

  @AfterEach
  void stop() throws Exception {
    for (HazelcastInstance hz : new HazelcastInstance[] {b, a}) {
      if (hz != null && hz.getLifecycleService().isRunning()) hz.getLifecycleService().terminate();
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void anAnswersTailIsGivenToAllItsBatchesAndHoldsOnTheBackups() throws Exception {
    int portA = LocalPorts.free(HOST);
    int portB = LocalPorts.free(HOST);
    a = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, portA, List.of(HOST + ":" + portB), "jt"));
    b = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, portB, List.of(HOST + ":" + portA), "jt"));
    assertEquals(2, a.getCluster().getMembers().size());
    Journal journal = new Journal(vertx, a, null, Duration.ofMinutes(5));
    for (int r = 0; r < REQUESTS; r++) {
      for (int n = 0; n < BATCHES; n++) {
        journal.restore(key(r), n, ("batch " + n).getBytes(StandardCharsets.UTF_8));
      }
    }
    IMap<String, byte[]> onA = a.getMap(Journal.BATCHES);
    IMap<String, byte[]> onB = b.getMap(Journal.BATCHES);
    Set<String> ownedByA = onA.localKeySet();
    assertTrue(!ownedByA.isEmpty() && ownedByA.size() < REQUESTS * BATCHES, "batches on both members");
    int r = 0;
    // The tail is what the backups hold too: after A is gone, the batches it owned live on in B's promoted
    // backups, and expire when the tail says, not after the retention.
    journal.expire(key(r), BATCHES, Duration.ofSeconds(10)).await(10, TimeUnit.SECONDS);
    for (int n = 0; n < BATCHES; n++) {
      assertEquals(10_000, onA.getEntryView(Journal.batchKey(key(r), n)).getTtl(), "batch " + n);
    }
    a.getLifecycleService().terminate();
    Eventually.until(() -> b.getCluster().getMembers().size() == 1, Duration.ofSeconds(20));
    for (int n = 0; n < BATCHES; n++) {
      var view = onB.getEntryView(Journal.batchKey(key(r), n));
      assertTrue(view != null, "batch " + n + " survived on the backup");
      assertEquals(10_000, view.getTtl(), "batch " + n + " on the backup");
    }
    // Each batch expires at its own last update plus the tail, a few milliseconds apart (not all at the instant the
    // first one does): all of them are gone within the deadline, long before the retention's 5 minutes.
    Eventually.until(() -> {
      for (int n = 0; n < BATCHES; n++) {
        if (onB.get(Journal.batchKey(key(r), n)) != null) return false;
      }
      return true;
    }, Duration.ofSeconds(30));
    int other = r == 0 ? 1 : 0;
    assertTrue(onB.get(Journal.batchKey(key(other), 0)) != null, "another answer keeps its retention");
  }

  /**
   * The tail is issued without a thread waiting on each batch: with the node's only worker busy it still completes,
   * on the caller's context, for answers that end together (more batches than the node keeps in flight, so its
   * queue runs several groups, across answers), and it gives the tail only to batches that are there (as {@code
   * setTtl} does: a key past an answer's end is not created).
   */
  @Test
  void theTailNeedsNoWorkerThreadAndCreatesNothing() throws Exception {
    Vertx oneWorker = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    CountDownLatch release = new CountDownLatch(1);
    int answers = 3;
    try {
      a = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, LocalPorts.free(HOST), List.of(), "jw"));
      Journal journal = new Journal(oneWorker, a, null, Duration.ofMinutes(5));
      for (int r = 0; r < answers; r++) {
        for (int n = 0; n < BATCHES; n++) journal.restore(key(r), n, ("batch " + n).getBytes(StandardCharsets.UTF_8));
      }
      CountDownLatch busy = new CountDownLatch(1);
      oneWorker.executeBlocking(() -> {
        busy.countDown();
        return release.await(60, TimeUnit.SECONDS);
      }, false);
      assertTrue(busy.await(10, TimeUnit.SECONDS), "the only worker is taken");
      Context ctx = oneWorker.getOrCreateContext();
      List<CompletableFuture<Context>> doneOn = new ArrayList<>();
      for (int r = 0; r < answers; r++) {
        CompletableFuture<Context> f = new CompletableFuture<>();
        doneOn.add(f);
        String key = key(r);
        ctx.runOnContext(v -> journal.expire(key, BATCHES + 5, Duration.ofSeconds(30)).onComplete(ar -> {
          if (ar.failed()) f.completeExceptionally(ar.cause());
          else f.complete(Vertx.currentContext());
        }));
      }
      for (CompletableFuture<Context> f : doneOn) {
        assertSame(ctx, f.get(10, TimeUnit.SECONDS), "resolved on the caller's context, the worker still busy");
      }
      IMap<String, byte[]> map = a.getMap(Journal.BATCHES);
      for (int r = 0; r < answers; r++) {
        for (int n = 0; n < BATCHES; n++) {
          assertEquals(30_000, map.getEntryView(Journal.batchKey(key(r), n)).getTtl(), key(r) + " batch " + n);
        }
        assertNull(map.get(Journal.batchKey(key(r), BATCHES)), "no batch made past the answer's end");
      }
    } finally {
      release.countDown();
      oneWorker.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Answers that end together do not put all their batches' operations in front of the partition threads at once:
   * the node keeps at most a window of them in flight, and the window is used (the queue fills it).
   */
  @Test
  void theNodeKeepsAtMostAWindowOfTailOperationsInFlight() throws Exception {
    a = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, LocalPorts.free(HOST), List.of(), "jq"));
    IMap<String, byte[]> map = a.getMap(Journal.BATCHES);
    int answers = 4;
    List<List<String>> keys = new ArrayList<>();
    for (int r = 0; r < answers; r++) {
      List<String> of = new ArrayList<>();
      for (int n = 0; n < BATCHES; n++) {
        map.set(Journal.batchKey(key(r), n), new byte[] {(byte) n});
        of.add(Journal.batchKey(key(r), n));
      }
      keys.add(of);
    }
    TtlSetter setter = new TtlSetter(map, vertx.getOrCreateContext());
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (List<String> of : keys) all.add(setter.setAll(of, 20_000));
    CompletableFuture.allOf(all.toArray(CompletableFuture<?>[]::new)).get(10, TimeUnit.SECONDS);
    assertEquals(TtlSetter.WINDOW, setter.largestGroup(), "in flight at once, of " + answers * BATCHES);
    for (List<String> of : keys) {
      for (String k : of) assertEquals(20_000, map.getEntryView(k).getTtl(), k);
    }
  }

  /** On a member that has stopped, a tail fails (its caller hears of it) instead of waiting forever, and so do later ones. */
  @Test
  void aTailOnAStoppedMemberFailsAndTheQueueGoesOn() throws Exception {
    a = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, LocalPorts.free(HOST), List.of(), "js"));
    IMap<String, byte[]> map = a.getMap(Journal.BATCHES);
    TtlSetter setter = new TtlSetter(map, vertx.getOrCreateContext());
    a.getLifecycleService().terminate();
    for (int r = 0; r < 2; r++) {
      CompletableFuture<Void> tail = setter.setAll(List.of(Journal.batchKey(key(r), 0), Journal.batchKey(key(r), 1)),
          10_000);
      ExecutionException failed = assertThrows(ExecutionException.class, () -> tail.get(10, TimeUnit.SECONDS));
      assertTrue(failed.getCause() != null, "answer " + r + " failed with a cause");
    }
  }

  private static String key(int r) {
    return "t/req-" + r;
  }
}
