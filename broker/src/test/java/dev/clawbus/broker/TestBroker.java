package dev.clawbus.broker;

import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.kafka.KafkaRange;
import dev.clawbus.infra.kafka.KafkaTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A real broker with clawbus's topics, a producer configured as clawbus's, and operators' reads on it: what the
 * tests of records written and read back share.
 */
record TestBroker(EmbeddedKafka kafka, KafkaProducer<String, String> producer, KafkaRange range)
    implements AutoCloseable {

  static TestBroker start(Path dir, int requestPartitions) throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
    try {
      KafkaTopics.ensureBlocking(kafka.bootstrapServers(), requestPartitions, Duration.ofSeconds(30));
      return new TestBroker(kafka,
          new KafkaProducer<>(new HashMap<>(KafkaClients.producerConfig(kafka.bootstrapServers()))),
          new KafkaRange(kafka.bootstrapServers(), Duration.ofSeconds(10)));
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5)); // bounded: KafkaProducer.close() waits without a deadline
    kafka.close();
  }
}
