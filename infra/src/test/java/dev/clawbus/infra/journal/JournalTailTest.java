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
import java.util.List;
import java.util.Set;
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
    Eventually.until(() -> onB.get(Journal.batchKey(key(r), 0)) == null, Duration.ofSeconds(30));
    for (int n = 0; n < BATCHES; n++) assertNull(onB.get(Journal.batchKey(key(r), n)), "batch " + n);
    int other = r == 0 ? 1 : 0;
    assertTrue(onB.get(Journal.batchKey(key(other), 0)) != null, "another answer keeps its retention");
  }

  private static String key(int r) {
    return "t/req-" + r;
  }
}
