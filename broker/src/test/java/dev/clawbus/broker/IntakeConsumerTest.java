package dev.clawbus.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.kafka.KafkaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatchers' recovery consumer on a real broker: it reads every request, but a fetch waits for more than
 * one record (or a quarter second), so a steady stream of requests does not cost a fetch each.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntakeConsumerTest {
  static final String TOPIC = "test.intake";
  static final int RECORDS = 40;
  @TempDir Path dir;

  @Test
  void aSteadyTrickleOfRequestsIsFetchedInAFewFetchesNotOneEach() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      String bootstrap = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      Map<String, Object> cc = new HashMap<>(KafkaClients.intakeConsumerConfig(bootstrap, "intake-test"));
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cc);
          KafkaProducer<String, String> producer = new KafkaProducer<>(
              new HashMap<>(KafkaClients.producerConfig(bootstrap)))) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        consumer.poll(Duration.ofMillis(100));
        double before = fetches(consumer);
        // A request every 10 ms for 0.4 s, as a loaded node writes them.
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
          try {
            for (int i = 0; i < RECORDS; i++) {
              producer.send(new ProducerRecord<>(TOPIC, "team-a/r" + i, "{\"request\":" + i + "}")).get(10,
                  TimeUnit.SECONDS);
              Thread.sleep(10); // the pace of the load, not a wait for anything
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        int got = 0;
        long deadline = System.currentTimeMillis() + 30_000;
        while (got < RECORDS && System.currentTimeMillis() < deadline) {
          got += consumer.poll(Duration.ofMillis(200)).count();
        }
        sent.get(30, TimeUnit.SECONDS);
        assertEquals(RECORDS, got, "every request is read");
        double used = fetches(consumer) - before;
        // Kafka's defaults answer a fetch per record here (about 40); waiting for 64 KB or 250 ms takes 2 to 4.
        assertTrue(used <= 12, "fetches for " + RECORDS + " records 10 ms apart: " + used);
      }
    }
  }

  static double fetches(KafkaConsumer<String, String> c) {
    for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
      if (e.getKey().name().equals("fetch-total") && e.getKey().group().equals("consumer-fetch-manager-metrics")) {
        return ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    throw new AssertionError("no fetch-total metric");
  }
}
