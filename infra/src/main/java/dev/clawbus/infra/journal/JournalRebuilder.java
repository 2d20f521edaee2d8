package dev.clawbus.infra.journal;

import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.lifecycle.ReplayLedger;
import dev.clawbus.infra.lifecycle.RequestStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refills an empty cluster's memory from Kafka {@link Topics#EVENTS}: when the only node of a cluster restarts,
 * Hazelcast has lost everything, but the events topic still has every request's record changes, journal batches
 * and finished answers. Two passes: the first keeps each request's last record and where its finished answer is;
 * the second puts back the batches of the answers that were not finished (in-flight requests resume from where
 * they were). Finished answers stay in Kafka and are read from there, so a restart does not fill the heap with
 * an hour of answers.
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
    Map<String, RequestRecord> states = new HashMap<>();
    Map<String, String> answers = new HashMap<>();
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    scan(bootstrap, timeout, deadline, (r, rec) -> {
      if (rec instanceof EventLogRecord.State s) states.put(r.key(), s.record());
      if (rec instanceof EventLogRecord.Answer) answers.put(r.key(), r.partition() + ":" + r.offset());
      if (rec instanceof EventLogRecord.Timeline t && replays != null
          && TimelineEvent.REPLAYED.equals(t.event().kind()) && t.event().detail() != null) {
        replays.restore(r.key(), t.event().detail());
      }
    });
    for (RequestRecord s : states.values()) {
      String ref = answers.get(s.key());
      store.restore(ref != null && s.answerRef() == null ? s.withAnswerRef(ref, s.updatedAt()) : s);
    }
    int[] batches = {0};
    scan(bootstrap, timeout, deadline, (r, rec) -> {
      if (rec instanceof EventLogRecord.Batches b && !answers.containsKey(r.key())) {
        for (EventLogRecord.Numbered n : b.batches()) {
          journal.restore(r.key(), n.n(), JournalBatch.fromText(n.base64()));
          batches[0]++;
        }
      }
    });
    int restored = states.size() + batches[0];
    if (restored > 0) {
      LOG.info("rebuilt from {}: {} request records ({} answers left in Kafka), {} journal batches", Topics.EVENTS,
          states.size(), answers.size(), batches[0]);
    }
    return restored;
  }

  private static void scan(String bootstrap, Duration timeout, long deadline,
      BiConsumer<ConsumerRecord<String, String>, EventLogRecord> each) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
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
            for (EventLogRecord rec : EventLogRecord.decodeAll(r.value())) each.accept(r, rec);
          } catch (RuntimeException bad) {
            LOG.warn("skipping unreadable {} record at {}-{}@{}", Topics.EVENTS, r.topic(), r.partition(), r.offset());
          }
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
  }
}
