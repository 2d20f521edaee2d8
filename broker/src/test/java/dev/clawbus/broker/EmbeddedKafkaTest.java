package dev.clawbus.broker;

import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.kafka.KafkaTopics;
import dev.clawbus.infra.kafka.KafkaClients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmbeddedKafkaTest {
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  @Test
  void recordsAndCommittedOffsetsSurviveARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
    long t0 = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
    long startMs = ms(t0);
    List<String> values = List.of("r0", "r1", "r2", "r3", "r4");
    try {
      String bootstrap = kafka.bootstrapServers();
      assertTrue(bootstrap.matches("127\\.0\\.0\\.1:\\d+"), bootstrap);

      await(KafkaTopics.ensure(vertx, bootstrap, 3));
      await(KafkaTopics.ensure(vertx, bootstrap, 3)); // idempotent
      Map<String, TopicDescription> topics = describe(bootstrap);
      assertEquals(3, topics.get(Topics.REQUESTS).partitions().size());
      assertEquals(3, topics.get(Topics.EVENTS).partitions().size());
      assertTrue(topics.keySet().containsAll(Topics.ALL), topics.keySet().toString());

      KafkaProducer<String, String> producer = KafkaClients.producer(vertx, bootstrap);
      for (int i = 0; i < values.size(); i++) {
        RecordMetadata md = await(producer.send(KafkaProducerRecord.create(Topics.REQUESTS, "req-" + i,
            values.get(i), 0)));
        assertEquals(i, md.getOffset());
      }
      await(producer.close());

      List<String> seen = consume(bootstrap, "g1", 5);
      assertEquals(values, seen);
      // Commit past the first three records only, as a dispatcher does when those reach a terminal state.
      KafkaConsumer<String, String> committer = KafkaClients.consumer(vertx, bootstrap, "g1");
      await(committer.commit(Map.of(new TopicPartition(Topics.REQUESTS, 0), new OffsetAndMetadata(3, ""))));
      await(committer.close());
    } finally {
      long c0 = System.nanoTime();
      kafka.close();
      kafka.close(); // idempotent
      System.out.printf("embedded Kafka: first start %d ms, close %d ms%n", startMs, ms(c0));
    }

    long r0 = System.nanoTime();
    try (EmbeddedKafka again = EmbeddedKafka.start(dir, 0)) {
      System.out.printf("embedded Kafka: restart on the same directory %d ms%n", ms(r0));
      String bootstrap = again.bootstrapServers();
      await(KafkaTopics.ensure(vertx, bootstrap, 3));
      assertEquals(List.of("r3", "r4"), consume(bootstrap, "g1", 2), "group g1 resumes at its committed offset");
      assertEquals(values, consume(bootstrap, "fresh", 5), "all records are still there");
    }
  }

  @Test
  void aBusyPortIsAOneLineError(@TempDir Path dir) throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = busy.getLocalPort();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedKafka.start(dir, port));
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertTrue(e.getMessage().contains("port " + port + " on 127.0.0.1 is already in use"), e.getMessage());
    }
  }

  @Test
  void aSecondBrokerOnTheSameDirectoryIsRefusedOnOneLine(@TempDir Path dir) throws Exception {
    long s0 = System.nanoTime();
    try (EmbeddedKafka first = EmbeddedKafka.start(dir, 0)) {
      System.out.printf("embedded Kafka: start %d ms%n", ms(s0));
      long t0 = System.nanoTime();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedKafka.start(dir, 0));
      System.out.printf("embedded Kafka: second broker on the same directory refused in %d ms: %s%n", ms(t0),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      long r0 = System.nanoTime();
      assertTrue(KafkaTopics.reachable(first.bootstrapServers(), Duration.ofSeconds(5)), "the first one still works");
      System.out.printf("embedded Kafka: reachable %d ms%n", ms(r0));
      s0 = System.nanoTime();
    }
    System.out.printf("embedded Kafka: close %d ms%n", ms(s0));
  }

  @Test
  void anUnreachableBrokerIsReportedInBoundedTimeOnOneLine() {
    String nobody = "127.0.0.1:" + LocalPorts.free("127.0.0.1");
    long t0 = System.nanoTime();
    assertFalse(KafkaTopics.reachable(nobody, Duration.ofSeconds(1)));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KafkaTopics.ensureBlocking(nobody, 3, Duration.ofSeconds(2)));
    long took = ms(t0);
    assertTrue(took < 6000, "took " + took + " ms");
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("not reachable"), e.getMessage());
  }

  private List<String> consume(String bootstrap, String group, int n) throws Exception {
    KafkaConsumer<String, String> consumer = KafkaClients.consumer(vertx, bootstrap, group);
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> enough = new CompletableFuture<>();
    consumer.handler((KafkaConsumerRecord<String, String> r) -> {
      seen.add(r.value());
      if (seen.size() >= n) {
        enough.complete(null);
      }
    });
    await(consumer.subscribe(Topics.REQUESTS));
    try {
      enough.get(30, TimeUnit.SECONDS);
      // Give a surplus record (a wrong offset) the chance to show up before asserting the exact list.
      Thread.sleep(300);
    } finally {
      await(consumer.close());
    }
    return new ArrayList<>(seen);
  }

  private static Map<String, TopicDescription> describe(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      return admin.describeTopics(Topics.ALL).allTopicNames().get(10, TimeUnit.SECONDS);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static long ms(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
