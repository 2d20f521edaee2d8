package dev.clawbus.broker;

import dev.clawbus.infra.kafka.KafkaTopics;
import dev.clawbus.infra.kafka.KafkaClients;

import static dev.clawbus.broker.EmbeddedKafkaTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Topics;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A dispatcher node that dies without leaving the group must lose its partitions to the others within ~10 s. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsumerFailoverTest {
  private static final int PARTITIONS = 4;
  private static final String GROUP = "failover";

  @Test
  void aKilledConsumersPartitionsMoveToTheSurvivorWithinTenSeconds(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      String bootstrap = kafka.bootstrapServers();
      await(KafkaTopics.ensure(vertx, bootstrap, PARTITIONS));

      KafkaConsumer<String, String> survivor = KafkaClients.consumer(vertx, bootstrap, GROUP);
      Map<Integer, String> received = new ConcurrentHashMap<>();
      survivor.handler(r -> received.put(r.partition(), r.value()));
      await(survivor.subscribe(Topics.REQUESTS));

      // The doomed node uses the plain client so that it can vanish without a LeaveGroup, as a killed process does.
      AtomicBoolean killed = new AtomicBoolean();
      AtomicInteger doomedOwns = new AtomicInteger();
      Thread doomed = new Thread(() -> {
        Map<String, Object> cfg = new HashMap<>(KafkaClients.consumerConfig(bootstrap, GROUP));
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(cfg)) {
          c.subscribe(List.of(Topics.REQUESTS));
          while (!killed.get()) {
            c.poll(Duration.ofMillis(100));
            doomedOwns.set(c.assignment().size());
          }
          c.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
              .withTimeout(Duration.ZERO));
        }
      }, "doomed-consumer");
      doomed.start();

      // Both members hold partitions, and together all of them: the group has settled.
      waitUntil(() -> {
        int other = survivorOwns(survivor).size();
        return doomedOwns.get() > 0 && other > 0 && other == PARTITIONS - doomedOwns.get();
      }, 30);
      int lost = doomedOwns.get();

      long t0 = System.nanoTime();
      killed.set(true);
      doomed.join(5000);
      waitUntil(() -> survivorOwns(survivor).size() == PARTITIONS, 20);
      long moved = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf("consumer failover: %d partition(s) of a killed consumer moved in %d ms%n", lost, moved);
      // Target ~10 s (6 s session timeout + rebalance); the bound leaves room for a loaded CI machine.
      assertTrue(moved < 12_000, "took " + moved + " ms");

      KafkaProducer<String, String> producer = KafkaClients.producer(vertx, bootstrap);
      for (int p = 0; p < PARTITIONS; p++) {
        await(producer.send(KafkaProducerRecord.create(Topics.REQUESTS, "k" + p, "v" + p, p)));
      }
      waitUntil(() -> received.size() == PARTITIONS, 20);
      assertEquals(Map.of(0, "v0", 1, "v1", 2, "v2", 3, "v3"), received);
      await(producer.close());
      await(survivor.close());
    } finally {
      await(vertx.close());
    }
  }

  private static Set<Integer> survivorOwns(KafkaConsumer<String, String> c) {
    try {
      Set<Integer> ps = new TreeSet<>();
      for (TopicPartition tp : await(c.assignment())) {
        ps.add(tp.getPartition());
      }
      return ps;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("condition not met within " + seconds + " s");
      }
      Thread.sleep(100);
    }
  }
}
