package dev.clawbus.infra.kafka;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producer and consumer settings shared by every clawbus module, and Vert.x clients built from them. */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * Durable and ordered: a request is acknowledged to the client only after every in-sync replica has it, and the
   * idempotent producer keeps per-partition order and drops duplicates across retries even with 5 requests in flight.
   * linger.ms is 0 because each record is a user waiting for a first token: the producer still batches the records
   * that arrive while 5 requests are in flight, so under load batches form by themselves. Measured one produce at a
   * time against the embedded broker (broker module, AckLatencyMeasurement): p50 0.8 ms with linger 0 against 1.5 to
   * 2.6 ms with linger 1 (the sender thread's wake-up after the linger costs more than the linger on a busy machine)
   * and 5.8 ms with linger 5, the producer default since Kafka 4.0.
   */
  public static Map<String, String> producerConfig(String bootstrap) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("acks", "all");
    c.put("enable.idempotence", "true");
    c.put("max.in.flight.requests.per.connection", "5");
    c.put("retries", String.valueOf(Integer.MAX_VALUE));
    c.put("linger.ms", "0");
    c.put("request.timeout.ms", "10000");
    // Must be at least linger.ms + request.timeout.ms; past this a send fails and the caller answers with an error.
    c.put("delivery.timeout.ms", "30000");
    c.put("max.block.ms", "10000");
    c.put("retry.backoff.ms", "100");
    c.put("reconnect.backoff.max.ms", "1000");
    // Request bodies may be up to --max-body-bytes (16 MiB); KafkaTopics raises the topics' max.message.bytes to match.
    c.put("max.request.size", String.valueOf(KafkaTopics.MAX_MESSAGE_BYTES));
    c.put("compression.type", "lz4");
    c.put("key.serializer", StringSerializer.class.getName());
    c.put("value.serializer", StringSerializer.class.getName());
    return c;
  }

  /**
   * Manual commits only (a request's offset is committed when it reaches a terminal state). Session and heartbeat
   * settings make a killed node's partitions move to the others within about 10 s (6 s session timeout, the broker's
   * minimum by default, plus the rebalance). The cooperative-sticky assignor moves only the partitions that change
   * owner, so the other nodes keep streaming during a rebalance; note that the Vert.x partitionsAssigned/Revoked
   * handlers therefore receive the partitions added or removed, not the full assignment.
   */
  public static Map<String, String> consumerConfig(String bootstrap, String groupId) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", groupId);
    c.put("enable.auto.commit", "false");
    c.put("auto.offset.reset", "earliest");
    c.put("max.poll.records", "100");
    c.put("session.timeout.ms", "6000");
    c.put("heartbeat.interval.ms", "1000");
    c.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
    c.put("request.timeout.ms", "10000");
    c.put("retry.backoff.ms", "100");
    c.put("reconnect.backoff.max.ms", "1000");
    c.put("key.deserializer", StringDeserializer.class.getName());
    c.put("value.deserializer", StringDeserializer.class.getName());
    return c;
  }

  public static KafkaProducer<String, String> producer(Vertx vertx, String bootstrap) {
    return KafkaProducer.create(vertx, producerConfig(bootstrap));
  }

  public static KafkaConsumer<String, String> consumer(Vertx vertx, String bootstrap, String groupId) {
    return KafkaConsumer.create(vertx, consumerConfig(bootstrap, groupId));
  }

  /** The broker answers the intake's fetch once this much is new, or after {@link #INTAKE_FETCH_WAIT_MILLIS}. */
  public static final int INTAKE_FETCH_MIN_BYTES = 64 * 1024;
  public static final int INTAKE_FETCH_WAIT_MILLIS = 250;

  /**
   * {@link #consumerConfig} for the dispatchers' recovery path on the requests topic, which reads every request
   * only to watch it until it ends (each runs on the node that accepted it). With Kafka's defaults the broker
   * answered a fetch as soon as one new record arrived, so under load every request cost a fetch and a delayed-fetch
   * wake-up besides its produce (about 9 % of a node's CPU in the relay bench); here a fetch waits for
   * {@link #INTAKE_FETCH_MIN_BYTES} or {@link #INTAKE_FETCH_WAIT_MILLIS}, which a takeover (driven by membership, with
   * a check each second) does not notice.
   */
  public static Map<String, String> intakeConsumerConfig(String bootstrap, String groupId) {
    Map<String, String> c = consumerConfig(bootstrap, groupId);
    c.put("fetch.min.bytes", String.valueOf(INTAKE_FETCH_MIN_BYTES));
    c.put("fetch.max.wait.ms", String.valueOf(INTAKE_FETCH_WAIT_MILLIS));
    return c;
  }
}
