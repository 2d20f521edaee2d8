package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.broker.EmbeddedKafka;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.journal.EventLog;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.JournalRebuilder;
import dev.clawbus.infra.journal.JournalWriter;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.kafka.KafkaTopics;
import dev.clawbus.infra.lifecycle.RequestStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool loop's steps survive what the loop relies on them surviving: they are in Kafka (acknowledged) before their
 * writer is told they are durable, so the restart of a lone node, whose Hazelcast memory is gone, rebuilds them; and
 * when Kafka cannot take them, the writer is told so and nothing acts on them. Real Kafka, real Hazelcast members.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ToolLoopStepsInKafkaTest {
  @TempDir Path dir;

  static <T> T await(Vertx vertx, Supplier<Future<T>> onContext) throws Exception {
    Promise<T> p = Promise.promise();
    vertx.runOnContext(v -> onContext.get().onComplete(p));
    return p.future().await(60, TimeUnit.SECONDS);
  }

  static ClawbusConfig member(EmbeddedKafka kafka) {
    return ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_PORT, 0).with(ClawbusConfig.KAFKA,
        kafka.bootstrapServers());
  }

  /** A producer that gives up quickly, so a test of Kafka being down does not wait out the default 30 s. */
  static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
    Map<String, Object> c = new HashMap<>(KafkaClients.producerConfig(kafka.bootstrapServers()));
    c.put("request.timeout.ms", "1000");
    c.put("delivery.timeout.ms", "2000");
    return new KafkaProducer<>(c);
  }

  @Test
  void stepsAreInKafkaWhenTheyAreDurableAndALoneNodesRestartRebuildsThem() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    try {
      String key = RequestRecord.key("team-x", "lone-1");
      Vertx first = ClusterSetup.clusteredVertx(member(kafka)).await(60, TimeUnit.SECONDS);
      KafkaTopics.ensure(first, kafka.bootstrapServers(), 1).await(60, TimeUnit.SECONDS);
      KafkaProducer<String, String> producer = producer(kafka);
      try (EventLog log = new EventLog(producer)) {
        Journal journal = new Journal(first, ClusterSetup.hazelcast(first), log, Duration.ofMinutes(5));
        JournalWriter w = journal.writer(key, Journal.Read.EMPTY, null, null);
        await(first, () -> {
          w.append(StreamEvent.chunk(0, "{\"shown\":0}"));
          return w.steps(List.of(new JsonObject().put("k", "round").put("r", 0),
              new JsonObject().put("k", "started").put("r", 0).put("c", 0)));
        });
      } finally {
        // The lone node dies: its Hazelcast memory goes with it. (The producer above was closed without a flush of
        // anything but what was acknowledged already.)
        producer.close(Duration.ofSeconds(5)); // a bounded close: KafkaProducer.close() waits without a deadline
        first.close().await(30, TimeUnit.SECONDS);
      }

      Vertx second = ClusterSetup.clusteredVertx(member(kafka)).await(60, TimeUnit.SECONDS);
      try {
        Journal journal = new Journal(second, ClusterSetup.hazelcast(second), null, Duration.ofMinutes(5));
        RequestStore store = new RequestStore(second, ClusterSetup.hazelcast(second), new EventLog(null),
            Duration.ofMinutes(5));
        assertTrue(JournalRebuilder.rebuild(store, journal, kafka.bootstrapServers(), Duration.ofSeconds(30)) > 0);
        Recorded r = await(second, () -> journal.read(key)).recorded();
        assertEquals(List.of("round", "started"), r.steps().stream().map(s -> s.getString("k")).toList(),
            "the restarted node knows the call was sent, so it will not send it again");
        assertEquals(1, r.events().size());
      } finally {
        second.close().await(30, TimeUnit.SECONDS);
      }
    } finally {
      kafka.close();
    }
  }

  @Test
  void stepsKafkaCannotTakeAreNotDurableAndTheLoopIsToldSo() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka-down"), 0);
    Vertx vertx = ClusterSetup.clusteredVertx(member(kafka)).await(60, TimeUnit.SECONDS);
    KafkaTopics.ensure(vertx, kafka.bootstrapServers(), 1).await(60, TimeUnit.SECONDS);
    KafkaProducer<String, String> producer = producer(kafka);
    try (EventLog log = new EventLog(producer)) {
      // The producer must be ready to send before the broker goes: an acknowledged record, not only the metadata.
      // An idempotent producer first asks the broker for its producer id, and Kafka 4.3's sender, while that request
      // cannot go out, sends nothing and expires nothing (Sender.maybeSendAndPollTransactionalRequest returns before
      // sendProducerData): with the broker closed before the id came, the step's record would wait forever instead of
      // failing after delivery.timeout.ms (seen once in CI on a busy machine).
      producer.send(new ProducerRecord<>(dev.clawbus.infra.contract.Topics.EVENTS, "ready", "{}"))
          .get(30, TimeUnit.SECONDS);
      Journal journal = new Journal(vertx, ClusterSetup.hazelcast(vertx), log, Duration.ofMinutes(5));
      JournalWriter w = journal.writer("team-x/down-1", Journal.Read.EMPTY, null, null);
      kafka.close();
      Exception e = assertThrows(Exception.class, () -> await(vertx,
          () -> w.steps(List.of(new JsonObject().put("k", "started").put("r", 0).put("c", 0)))));
      assertTrue(e.getMessage().contains("tool-loop steps not recorded"), e.getMessage());
    } finally {
      producer.close(Duration.ofSeconds(5)); // the broker is gone: without a deadline this close could wait for it
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}
