package dev.clawbus.dispatcher;

import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.kafka.RecordFetcher;
import dev.clawbus.infra.node.NodeServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery path: the dispatchers' consumer group on Kafka {@link Topics#REQUESTS}. Every request is written
 * there, but runs on the node that accepted it; this node, for the partitions Kafka gives it, watches each
 * request until it is terminal and only then commits its offset (up to the highest contiguous finished one).
 * A request whose holder is no longer a member is taken over (after a crash, a restart of a lone node, or a
 * holder that died before it could record anything). Used from the scheduler's context.
 */
final class KafkaIntake {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaIntake.class);
  static final long CHECK_MILLIS = 1_000;
  /** A request with no record whose holder is alive gets this long to appear before it counts as orphaned. */
  static final long NO_RECORD_GRACE_MILLIS = 30_000;

  /** What the scheduler does with a request this node must now run. */
  interface Takeovers {
    /** {@code record} is held by a dead member (null: no record at all): take it over. */
    void takeOver(RequestRecord record, RequestEnvelope envelope);
  }

  private static final class Watched {
    final TopicPartition tp;
    final long offset;
    final String owner;
    final long receivedAt;
    boolean takingOver;

    Watched(TopicPartition tp, long offset, String owner, long receivedAt) {
      this.tp = tp;
      this.offset = offset;
      this.owner = owner;
      this.receivedAt = receivedAt;
    }
  }

  private final Vertx vertx;
  private final NodeServices node;
  private final Takeovers takeovers;
  private final RecordFetcher fetcher;
  private final OffsetTracker offsets = new OffsetTracker();
  private final Map<TopicPartition, Long> toCommit = new HashMap<>();
  private final Map<String, Watched> watch = new HashMap<>();
  private final long retentionMillis;
  private KafkaConsumer<String, String> consumer;
  private boolean committing;
  private boolean checking;
  private long timer = -1;

  KafkaIntake(Vertx vertx, NodeServices node, Takeovers takeovers) {
    this.vertx = vertx;
    this.node = node;
    this.takeovers = takeovers;
    this.fetcher = new RecordFetcher(vertx, node.config().kafka(), Topics.REQUESTS);
    this.retentionMillis = node.config().journalRetentionSeconds() * 1000L;
  }

  Future<Void> start() {
    consumer = KafkaConsumer.create(vertx, KafkaClients.intakeConsumerConfig(node.config().kafka(),
        Topics.DISPATCHER_GROUP));
    consumer.handler(this::onRecord);
    consumer.partitionsRevokedHandler(this::revoked);
    consumer.exceptionHandler(err -> LOG.warn("Kafka consumer: {}", err.toString()));
    timer = vertx.setPeriodic(CHECK_MILLIS, t -> check());
    return consumer.subscribe(Topics.REQUESTS);
  }

  Future<Void> stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    fetcher.close();
    return consumer == null ? Future.succeededFuture() : consumer.close();
  }

  int watching() {
    return watch.size();
  }

  private void onRecord(KafkaConsumerRecord<String, String> rec) {
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    offsets.received(tp, rec.offset());
    RequestEnvelope env;
    try {
      env = RequestEnvelope.decode(rec.value());
    } catch (IllegalArgumentException e) {
      LOG.warn("unreadable record at {}-{}@{}: sent to {}", rec.topic(), rec.partition(), rec.offset(),
          Topics.REQUESTS_DLQ);
      unreadable(rec.key(), rec.value(), e.getMessage());
      finished(tp, rec.offset());
      return;
    }
    watch.put(env.key(), new Watched(tp, rec.offset(), env.owner(), env.receivedAt()));
  }

  /** A run on this node ended: its offset, if this node consumed it, is finished at once. */
  void runEnded(String key, Status status) {
    if (status == null || !status.terminal()) return;
    Watched w = watch.remove(key);
    if (w != null) finished(w.tp, w.offset);
  }

  /** Looks at every watched request: finished ones are committed, orphaned ones taken over. */
  void check() {
    if (checking || watch.isEmpty()) return;
    checking = true;
    Set<String> keys = new HashSet<>(watch.keySet());
    node.store().getAll(keys).onComplete(ar -> {
      checking = false;
      if (ar.failed()) {
        LOG.warn("request records unreadable: {}", ar.cause().toString());
        return;
      }
      long now = System.currentTimeMillis();
      for (String key : keys) {
        Watched w = watch.get(key);
        if (w != null) evaluate(key, w, ar.result().get(key), now);
      }
    });
  }

  private void evaluate(String key, Watched w, RequestRecord rec, long now) {
    if (rec != null && rec.status().terminal()) {
      watch.remove(key);
      finished(w.tp, w.offset);
      return;
    }
    if (w.takingOver) return;
    if (rec == null) {
      if (now - w.receivedAt > retentionMillis) {
        // Older than anything clawbus keeps: its answer, if any, is gone; never run it again.
        watch.remove(key);
        finished(w.tp, w.offset);
        return;
      }
      if (node.isMember(w.owner) && now - w.receivedAt < NO_RECORD_GRACE_MILLIS) return;
    } else if (node.isMember(rec.owner())) {
      return;
    }
    w.takingOver = true;
    fetcher.fetch(w.tp.getPartition(), w.offset).map(RequestEnvelope::decode).onComplete(ar -> {
      w.takingOver = false;
      if (ar.failed()) {
        LOG.warn("request {}: could not read it back from Kafka: {}", key, ar.cause().toString());
        return;
      }
      takeovers.takeOver(rec, ar.result());
    });
  }

  /** The request of {@code record}, read back from Kafka: from its recorded position, or from what this node watches. */
  Future<RequestEnvelope> envelopeOf(RequestRecord record) {
    if (record.kafkaPartition() != null && record.kafkaOffset() != null) {
      return fetcher.fetch(record.kafkaPartition(), record.kafkaOffset()).map(RequestEnvelope::decode);
    }
    Watched w = watch.get(record.key());
    if (w != null) return fetcher.fetch(w.tp.getPartition(), w.offset).map(RequestEnvelope::decode);
    return Future.failedFuture("no known position in Kafka");
  }

  private void unreadable(String key, String value, String why) {
    if (node.producer() == null) return;
    DeadLetter dl = DeadLetter.unreadable(key, value, why, node.nodeName(), System.currentTimeMillis());
    node.producer().send(dl.producerRecord(), (md, err) -> {
      if (err != null) LOG.error("could not write an unreadable record to the DLQ: {}", err.toString());
    });
  }

  private void finished(TopicPartition tp, long offset) {
    OptionalLong commit = offsets.finished(tp, offset);
    if (commit.isPresent()) {
      toCommit.put(tp, commit.getAsLong());
      commitPending();
    }
  }

  /**
   * Group commit: at most one commit in flight, the next one carries every partition's latest point. The Vert.x
   * consumer runs commitSync on the one thread that also polls, so a commit per request capped the whole node at
   * about one request per broker round trip.
   */
  private void commitPending() {
    if (committing || toCommit.isEmpty()) return;
    Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>();
    toCommit.forEach((tp, o) -> batch.put(tp, new OffsetAndMetadata(o, "")));
    toCommit.clear();
    committing = true;
    consumer.commit(batch).onComplete(ar -> {
      if (ar.failed()) LOG.warn("commit of {} failed: {}", batch.keySet(), ar.cause().toString());
      committing = false;
      commitPending();
    });
  }

  private void revoked(Set<TopicPartition> tps) {
    offsets.revoked(tps);
    tps.forEach(toCommit::remove);
    watch.values().removeIf(w -> tps.contains(w.tp));
  }
}
