package dev.clawbus.infra.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a stretch of a topic for operators (the dead letters of an hour, the history of one request): positions
 * come from {@code offsetsForTimes}, so only the part asked for is read, never the whole topic. Blocking, with a
 * consumer of its own and no group (it commits nothing and moves no partition): run it on a worker thread.
 */
public final class KafkaRange {
  /** One record read. */
  public record Rec(int partition, long offset, long timestamp, String key, String value) {}

  /** What was asked for could not be read in time (Kafka unreachable or too slow). */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  private final String bootstrap;
  private final Duration timeout;

  public KafkaRange(String bootstrap, Duration timeout) {
    this.bootstrap = bootstrap;
    this.timeout = timeout;
  }

  /**
   * The records of {@code topic} written in [{@code since}, {@code until}) (null: from the start, up to now) that
   * {@code keep} accepts (it sees the key before any value is decoded), the newest {@code max} of them, in the order
   * they were written (by timestamp, then partition and offset).
   */
  public List<Rec> read(String topic, Long since, Long until, Predicate<Rec> keep, int max) {
    try (KafkaConsumer<String, String> c = consumer()) {
      List<TopicPartition> parts = partitions(c, topic);
      Map<TopicPartition, Long> start = since == null ? c.beginningOffsets(parts, timeout) : at(c, parts, since);
      Map<TopicPartition, Long> end = until == null ? c.endOffsets(parts, timeout) : at(c, parts, until);
      Comparator<Rec> order = Comparator.comparingLong(Rec::timestamp).thenComparingInt(Rec::partition)
          .thenComparingLong(Rec::offset);
      PriorityQueue<Rec> newest = new PriorityQueue<>(order);
      scan(c, start, end, r -> {
        if (keep.test(r)) {
          newest.add(r);
          if (newest.size() > max) newest.poll();
        }
      });
      List<Rec> out = new ArrayList<>(newest);
      out.sort(order);
      return out;
    }
  }

  /**
   * Every record of {@code key} in {@code topic} written since {@code fromMillis}, in the order written. Reads only the
   * key's partition (Kafka's default partitioner), from the first offset at {@code fromMillis}; should a custom
   * partitioner have put it elsewhere, every partition is read from that time.
   */
  public List<Rec> ofKey(String topic, String key, long fromMillis) {
    try (KafkaConsumer<String, String> c = consumer()) {
      List<TopicPartition> parts = partitions(c, topic);
      TopicPartition home = new TopicPartition(topic, partitionOf(key, parts.size()));
      List<Rec> out = ofKey(c, List.of(home), key, fromMillis);
      return out.isEmpty() && parts.size() > 1 ? ofKey(c, parts, key, fromMillis) : out;
    }
  }

  private List<Rec> ofKey(KafkaConsumer<String, String> c, List<TopicPartition> parts, String key, long from) {
    List<Rec> out = new ArrayList<>();
    scan(c, at(c, parts, from), c.endOffsets(parts, timeout), r -> {
      if (key.equals(r.key())) out.add(r);
    });
    return out;
  }

  /** The partition Kafka's default partitioner gives {@code key} among {@code partitions}. */
  public static int partitionOf(String key, int partitions) {
    return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
  }

  private KafkaConsumer<String, String> consumer() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
    c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(c);
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, String> c, String topic) {
    List<PartitionInfo> infos;
    try {
      infos = c.partitionsFor(topic, timeout);
    } catch (RuntimeException e) {
      throw new Unavailable("Kafka did not answer within " + timeout.toSeconds() + " s");
    }
    if (infos == null || infos.isEmpty()) throw new Unavailable("topic " + topic + " does not exist");
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  /** The first offset at or after {@code millis} per partition; the end where nothing is that new. */
  private Map<TopicPartition, Long> at(KafkaConsumer<String, String> c, List<TopicPartition> parts, long millis) {
    Map<TopicPartition, Long> query = new HashMap<>();
    for (TopicPartition tp : parts) query.put(tp, Math.max(0, millis));
    Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, timeout);
    Map<TopicPartition, Long> ends = c.endOffsets(parts, timeout);
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : parts) {
      OffsetAndTimestamp o = found.get(tp);
      out.put(tp, o == null ? ends.get(tp) : o.offset());
    }
    return out;
  }

  /** Reads every partition from its start up to (not including) its end. */
  private void scan(KafkaConsumer<String, String> c, Map<TopicPartition, Long> start, Map<TopicPartition, Long> end,
      java.util.function.Consumer<Rec> sink) {
    Map<TopicPartition, Long> left = new HashMap<>();
    start.forEach((tp, from) -> {
      Long to = end.get(tp);
      if (to != null && from < to) left.put(tp, to);
    });
    if (left.isEmpty()) return;
    c.assign(left.keySet());
    left.keySet().forEach(tp -> c.seek(tp, start.get(tp)));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!left.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new Unavailable("Kafka did not deliver the records within " + timeout.toSeconds() + " s");
      }
      for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Long to = left.get(tp);
        if (to != null && r.offset() < to) {
          sink.accept(new Rec(r.partition(), r.offset(), r.timestamp(), r.key(), r.value()));
        }
      }
      left.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
      c.pause(c.assignment().stream().filter(tp -> !left.containsKey(tp)).toList());
    }
  }
}
