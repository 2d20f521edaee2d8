package dev.clawbus.infra.journal;

import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.lifecycle.ReplayLedger;
import dev.clawbus.infra.lifecycle.RequestStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refills an empty journal from Kafka {@link Topics#EVENTS}: when the only node of a cluster restarts,
 * Hazelcast has lost everything, but the events topic still has the states and batches it wrote, so
 * in-flight requests resume from where they were and finished ones stay replayable.
 */
public final class JournalRebuilder {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRebuilder.class);

  private JournalRebuilder() {}

  /** Blocking; returns how many records were restored. Call before the dispatcher starts. */
  public static int rebuild(RequestStore store, Journal journal, String bootstrap, Duration timeout) {
    return rebuild(store, journal, null, bootstrap, timeout);
  }

  /** {@link #rebuild}, and the replays of failed requests into {@code replays} (null: not those). */
  public static int rebuild(RequestStore store, Journal journal, ReplayLedger replays, String bootstrap,
      Duration timeout) {
    if (!store.isEmpty()) {
      return 0;
    }
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    int restored = 0;
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = consumer.partitionsFor(Topics.EVENTS, timeout).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, timeout));
      end.entrySet().removeIf(e -> e.getValue() == 0);
      while (!end.isEmpty() && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            restore(store, journal, replays, r.key(), EventLogRecord.decode(r.value()));
            restored++;
          } catch (RuntimeException bad) {
            LOG.warn("skipping unreadable {} record at {}-{}@{}", Topics.EVENTS, r.topic(), r.partition(), r.offset());
          }
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    if (restored > 0) {
      LOG.info("journal rebuilt from {}: {} records", Topics.EVENTS, restored);
    }
    return restored;
  }

  /** Later records of the same key win, as they did when written. */
  private static void restore(RequestStore store, Journal journal, ReplayLedger replays, String key,
      EventLogRecord rec) {
    if (rec instanceof EventLogRecord.State s) {
      store.restore(s.record());
    } else if (rec instanceof EventLogRecord.Timeline t && replays != null
        && TimelineEvent.REPLAYED.equals(t.event().kind()) && t.event().detail() != null) {
      replays.restore(key, t.event().detail());
    } else if (rec instanceof EventLogRecord.Batches b) {
      for (EventLogRecord.Numbered n : b.batches()) journal.restore(key, n.n(), n.batchJson());
    }
  }
}
