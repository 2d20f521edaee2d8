package dev.clawbus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.kafka.KafkaRange;
import dev.clawbus.infra.kafka.LocalPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operators' reads on a real broker: a time range by offsetsForTimes (records carry the times they were written with,
 * so the range is exact), the newest N, and one key's history read from its own partition.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaRangeTest {
  /** In the past (the broker refuses times far ahead) and within retention. */
  /** A topic of three partitions (the DLQ has one), so order across partitions is tested too. */
  static final String SPREAD = "test.range.spread";
  static final long T0 = System.currentTimeMillis() / 60_000 * 60_000 - 10 * 3_600_000L;
  @TempDir static Path dir;
  static TestBroker broker;
  static KafkaProducer<String, String> producer;
  static KafkaRange range;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start(dir, 3);
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", broker.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(SPREAD, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    producer = broker.producer();
    range = broker.range();
  }

  @AfterAll
  static void stop() {
    if (broker != null) broker.close();
  }

  static RecordMetadata send(String topic, String key, long at, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, null, at, key, value)).get(10, TimeUnit.SECONDS);
  }

  @Test
  void readsOnlyTheTimeAskedForTheNewestNInTheOrderWritten() throws Exception {
    // 30 records a minute apart over 3 partitions (by key), tenants a and b alternating.
    for (int i = 0; i < 30; i++) {
      send(SPREAD, (i % 2 == 0 ? "a/" : "b/") + "r" + i, T0 + i * 60_000L, "v" + i);
    }
    List<KafkaRange.Rec> all = range.read(SPREAD, null, null, r -> true, 1000);
    assertEquals(30, all.size());
    assertEquals("v0", all.get(0).value());
    assertEquals("v29", all.get(29).value(), "in the order written, across partitions");
    assertTrue(all.stream().map(KafkaRange.Rec::partition).distinct().count() > 1, "spread over partitions");

    List<KafkaRange.Rec> window = range.read(SPREAD, T0 + 10 * 60_000L, T0 + 20 * 60_000L, r -> true,
        1000);
    assertEquals(List.of("v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19"),
        window.stream().map(KafkaRange.Rec::value).toList(), "since inclusive, until exclusive");

    List<KafkaRange.Rec> newestOfB = range.read(SPREAD, T0 + 10 * 60_000L, null,
        r -> r.key().startsWith("b/"), 3);
    assertEquals(List.of("v25", "v27", "v29"), newestOfB.stream().map(KafkaRange.Rec::value).toList());

    assertEquals(List.of(), range.read(SPREAD, T0 + 31 * 60_000L, null, r -> true, 10),
        "nothing that new");
  }

  @Test
  void readsOneKeysHistoryFromItsPartitionFromAGivenTime() throws Exception {
    String key = "team-a/req-timeline";
    int expected = KafkaRange.partitionOf(key, 3);
    send(Topics.EVENTS, key, T0 - 10_000, "before");
    RecordMetadata md = null;
    for (int i = 0; i < 5; i++) {
      md = send(Topics.EVENTS, key, T0 + i, "e" + i);
      send(Topics.EVENTS, "team-b/other-" + i, T0 + i, "noise");
    }
    assertEquals(expected, md.partition(), "the producer's partition is the one computed");
    List<KafkaRange.Rec> history = range.ofKey(Topics.EVENTS, key, T0);
    assertEquals(List.of("e0", "e1", "e2", "e3", "e4"), history.stream().map(KafkaRange.Rec::value).toList());
    assertTrue(history.stream().allMatch(r -> r.partition() == expected));
    assertEquals(6, range.ofKey(Topics.EVENTS, key, 0).size(), "from the start when asked");
  }

  @Test
  void aTopicThatIsNotThereOrABrokerThatIsNotThereIsUnavailable() {
    assertThrows(KafkaRange.Unavailable.class, () -> range.read("no.such.topic", null, null, r -> true, 1));
    KafkaRange nowhere = new KafkaRange("127.0.0.1:" + LocalPorts.free("127.0.0.1"), Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    assertThrows(KafkaRange.Unavailable.class, () -> nowhere.read(Topics.REQUESTS_DLQ, null, null, r -> true, 1));
    assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "in bounded time");
  }
}
