package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.clawbus.broker.EmbeddedKafka;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.contract.CompactAnswer;
import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.journal.EventLog;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.JournalWriter;
import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.kafka.KafkaTopics;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An answer's end writes the whole answer to Kafka once ({@link Journal#spill}). When its writer wrote all of it, the
 * spill joins the writer's copies of the batches instead of reading them back from Hazelcast (a read that cost as
 * many map operations as the answer's writes); a long answer's writer keeps no copies and the spill reads the map.
 * Real Kafka, a real Hazelcast member.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnswerSpillTest {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Vertx vertx;
  static EventLog log;
  static Journal journal;
  static IMap<String, byte[]> batches;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    vertx = ClusterSetup.clusteredVertx(ToolLoopStepsInKafkaTest.member(kafka)).await(60, TimeUnit.SECONDS);
    KafkaTopics.ensure(vertx, kafka.bootstrapServers(), 1).await(60, TimeUnit.SECONDS);
    log = new EventLog(ToolLoopStepsInKafkaTest.producer(kafka));
    journal = new Journal(vertx, ClusterSetup.hazelcast(vertx), log, Duration.ofMinutes(5));
    batches = ClusterSetup.hazelcast(vertx).getMap(Journal.BATCHES);
  }

  @AfterAll
  static void stop() throws Exception {
    if (log != null) log.close();
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
    if (kafka != null) kafka.close();
  }

  /** Writes {@code events} chunks of {@code size} characters and the answer's end, one batch per event. */
  private static JournalWriter answer(String key, int events, int size) throws Exception {
    JournalWriter w = journal.writer(key, Journal.Read.EMPTY, null, null);
    String text = "x".repeat(size);
    ToolLoopStepsInKafkaTest.await(vertx, () -> {
      for (int i = 0; i < events; i++) {
        w.appendRaw(text);
        w.append(StreamEvent.chunk(i, "{\"t\":\"" + text + "\"}"));
      }
      w.append(StreamEvent.done(events));
      return w.drained();
    });
    return w;
  }

  private static Recorded archived(String ref) throws Exception {
    String[] at = ref.split(":");
    TopicPartition tp = new TopicPartition(Topics.EVENTS, Integer.parseInt(at[0]));
    Map<String, Object> c = new HashMap<>(KafkaClients.consumerConfig(kafka.bootstrapServers(), "spill-test"));
    c.put("enable.auto.commit", "false");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, Long.parseLong(at[1]));
      ConsumerRecord<String, String> rec = Eventually.until(() -> {
        var polled = consumer.poll(Duration.ofMillis(200)).records(tp);
        return polled.isEmpty() ? null : polled.get(0);
      }, r -> r != null, Duration.ofSeconds(20));
      EventLogRecord.Answer a = (EventLogRecord.Answer) EventLogRecord.decode(rec.value());
      return CompactAnswer.decode(JournalBatch.fromText(a.compact()));
    }
  }

  @Test
  void anAnswerItsWriterWroteWholeIsSpilledFromTheWritersCopiesNotReadBackFromTheMap() throws Exception {
    String key = "t/spill-copies";
    JournalWriter w = answer(key, 60, 8);
    List<byte[]> copies = w.stored();
    assertNotNull(copies, "a short answer's writer keeps its batches");
    assertTrue(copies.size() > 1, "stored in several batches: " + copies.size());
    // Batch 1 leaves the map: a spill that read the map back would stop there and archive a truncated answer.
    batches.remove(key + "#1");
    String ref = ToolLoopStepsInKafkaTest.await(vertx, () -> journal.spill(key, Duration.ofSeconds(60), w.stored()));
    Recorded r = archived(ref);
    assertEquals(61, r.events().size(), "the whole answer, from the writer's copies");
    assertTrue(r.terminal());
    assertEquals("x".repeat(8 * 60), r.raw());
    assertEquals(60_000, batches.getEntryView(key + "#0").getTtl(), "its batches got the memory tail");
  }

  @Test
  void aLongAnswersWriterKeepsNoCopiesAndTheSpillReadsTheMap() throws Exception {
    String key = "t/spill-long";
    int size = 16 * 1024;
    int events = JournalWriter.COPY_LIMIT_BYTES / size + 4;
    JournalWriter w = answer(key, events, size);
    assertNull(w.stored(), "past the limit the writer holds no copies");
    String ref = ToolLoopStepsInKafkaTest.await(vertx, () -> journal.spill(key, Duration.ofSeconds(60), w.stored()));
    Recorded r = archived(ref);
    assertEquals(events + 1, r.events().size(), "the whole answer, read from the map");
    assertEquals(size * events, r.raw().length());
  }
}
