package dev.clawbus.infra.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A response's batches live in one partition, on two real members: a whole answer is expired in one operation, and
 * the memory tail it is given holds on the backups too.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JournalPartitioningTest {
  private static final String HOST = "127.0.0.1";
  private static final int REQUESTS = 16;
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
  void aResponsesBatchesShareOnePartitionAndItsTailHoldsOnTheBackups() throws Exception {
    int portA = LocalPorts.free(HOST);
    int portB = LocalPorts.free(HOST);
    a = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, portA, List.of(HOST + ":" + portB), "jp"));
    b = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, portB, List.of(HOST + ":" + portA), "jp"));
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
    Set<String> ownedByB = onB.localKeySet();
    assertEquals(REQUESTS * BATCHES, ownedByA.size() + ownedByB.size());
    Set<Integer> requestsOnA = new HashSet<>();
    for (int r = 0; r < REQUESTS; r++) {
      int onThisA = 0;
      for (int n = 0; n < BATCHES; n++) {
        if (ownedByA.contains(Journal.batchKey(key(r), n))) onThisA++;
      }
      assertTrue(onThisA == 0 || onThisA == BATCHES, key(r) + ": " + onThisA + " of its batches on one member");
      if (onThisA == BATCHES) requestsOnA.add(r);
    }
    assertTrue(!requestsOnA.isEmpty() && requestsOnA.size() < REQUESTS, "requests spread over both members");

    // The tail, given once for the whole answer, is what the backups hold too: after the owner is gone, the
    // promoted backups expire the batches when the tail says, not after the retention.
    int r = requestsOnA.iterator().next();
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
    Eventually.until(() -> onB.get(Journal.batchKey(key(r), 0)) == null, Duration.ofSeconds(30));
    for (int n = 0; n < BATCHES; n++) assertNull(onB.get(Journal.batchKey(key(r), n)), "batch " + n);
    int other = r == 0 ? 1 : 0;
    assertTrue(onB.get(Journal.batchKey(key(other), 0)) != null, "another answer keeps its retention");
  }

  @Test
  void onlyJournalBatchKeysAreMoved() {
    JournalPartitioning p = new JournalPartitioning();
    assertEquals("team-a/req-1", p.getPartitionKey(Journal.batchKey("team-a/req-1", 0)));
    assertEquals("team-a/req#1", p.getPartitionKey(Journal.batchKey("team-a/req#1", 12)), "an id with a # in it");
    assertNull(p.getPartitionKey("team-a/req-1"), "a request key stays where it is");
    assertNull(p.getPartitionKey("team-a/req#x"));
    assertNull(p.getPartitionKey("no-slash#3"), "not a tenant's key");
    assertNull(p.getPartitionKey("team-a/req-1#"));
    assertNull(p.getPartitionKey(42));
    assertEquals("k", p.getPartitionKey(new com.hazelcast.partition.PartitionAwareKey<>("x", "k")),
        "what Hazelcast's default does for PartitionAware keys is kept");
  }

  private static String key(int r) {
    return "t/req-" + r;
  }
}
