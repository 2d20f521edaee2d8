package dev.clawbus.dispatcher;

import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.kafka.KafkaClients;
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
 * Reads one request back from Kafka {@link Topics#REQUESTS} by its position: how a node that takes over a dead
 * member's request gets its body without waiting for the consumer group to move the partition. One consumer
 * without a group, used from one worker at a time.
 */
final class EnvelopeFetcher implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final String bootstrap;
  private KafkaConsumer<String, String> consumer;

  EnvelopeFetcher(Vertx vertx, String bootstrap) {
    this.vertx = vertx;
    this.bootstrap = bootstrap;
  }

  /** The envelope at {@code partition@offset}; fails when it cannot be read within seconds. */
  Future<RequestEnvelope> fetch(int partition, long offset) {
    return vertx.executeBlocking(() -> {
      if (consumer == null) {
        Map<String, Object> c = new HashMap<>(KafkaClients.consumerConfig(bootstrap, "unused"));
        c.remove("group.id");
        c.put("max.poll.records", "1");
        consumer = new KafkaConsumer<>(c);
      }
      TopicPartition tp = new TopicPartition(Topics.REQUESTS, partition);
      consumer.assign(List.of(tp));
      consumer.seek(tp, offset);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() == offset) return RequestEnvelope.decode(r.value());
        }
      }
      throw new IllegalStateException("request at " + tp + "@" + offset + " could not be read");
    }, true);
  }

  @Override
  public void close() {
    if (consumer != null) {
      KafkaConsumer<String, String> c = consumer;
      vertx.executeBlocking(() -> {
        c.close(Duration.ofSeconds(2));
        return null;
      }, true);
    }
  }
}
