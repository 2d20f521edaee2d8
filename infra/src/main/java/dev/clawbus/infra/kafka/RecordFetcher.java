package dev.clawbus.infra.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one record of a topic back by its position: how a node that takes over a dead member's request gets its
 * body without waiting for the consumer group to move the partition, and how a finished answer that left memory is
 * read back from Kafka. One consumer without a group, created on first use and used from one worker at a time.
 */
public final class RecordFetcher implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final String bootstrap;
  private final String topic;
  private KafkaConsumer<String, String> consumer;

  public RecordFetcher(Vertx vertx, String bootstrap, String topic) {
    this.vertx = vertx;
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  /** The value at {@code partition@offset}; fails when it cannot be read within seconds. */
  public Future<String> fetch(int partition, long offset) {
    return vertx.executeBlocking(() -> fetchNow(partition, offset), true);
  }

  private synchronized String fetchNow(int partition, long offset) {
    {
      if (consumer == null) {
        Map<String, Object> c = new HashMap<>(KafkaClients.consumerConfig(bootstrap, "unused"));
        c.remove("group.id");
        c.put("max.poll.records", "1");
        consumer = new KafkaConsumer<>(c);
      }
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() == offset) return r.value();
        }
      }
      throw new IllegalStateException("record " + tp + "@" + offset + " could not be read");
    }
  }

  /** Closes the consumer; call when no fetch is under way any more (the node is stopping). */
  @Override
  public synchronized void close() {
    if (consumer != null) {
      try {
        consumer.close(Duration.ofSeconds(2));
      } catch (RuntimeException ignored) {
        // stopping anyway
      }
      consumer = null;
    }
  }
}
