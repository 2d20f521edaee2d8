package dev.clawbus.infra.testing;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reading a topic back in tests: the first record with a key, from the beginning of every partition. */
public final class KafkaRecords {
  private KafkaRecords() {}

  /** The first record of {@code topic} keyed {@code key}, or null when none arrived within {@code within}. */
  public static ConsumerRecord<String, String> first(String bootstrap, String topic, String key, Duration within) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(300))) {
          if (key.equals(rec.key())) return rec;
        }
      }
    }
    return null;
  }
}
