package dev.clawbus.app;

import dev.clawbus.infra.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads records back from a Kafka topic, as an operator's consumer would: from the beginning, with a deadline. */
final class KafkaRecords {
  private KafkaRecords() {}

  /**
   * The values of {@code topic}'s records whose key {@code key} accepts, read from the beginning until
   * {@code enough} accepts what was found or 30 s pass.
   */
  static List<String> read(String bootstrap, String topic, Predicate<String> key, Predicate<List<String>> enough) {
    Map<String, Object> config = new HashMap<>(KafkaClients.consumerConfig(bootstrap, "test-" + UUID.randomUUID()));
    List<String> found = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of(topic));
      long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!enough.test(found) && System.nanoTime() < until) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && key.test(r.key())) found.add(r.value());
        }
      }
    }
    return found;
  }
}
