package dev.clawbus.infra.journal;

import dev.clawbus.infra.contract.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The journal's copy in Kafka {@link Topics#EVENTS}, written behind: each request's journal batches are
 * coalesced into one record per {@link #FLUSH_MILLIS}. It exists only to rebuild a lone node after a
 * restart, and a record per token would queue behind the producer's single ordered sender (measured:
 * tokens of 64 streams arrived about a second late, in one burst). A state record is preceded by the
 * request's pending batches, so a rebuilt journal is never behind its state. Used from one context.
 */
final class KafkaEventLog {
  static final long FLUSH_MILLIS = 50;

  private final KafkaProducer<String, String> producer;
  /** Per request, the pending batches as JSON text, joined with commas: encoded once, for Hazelcast. */
  private final Map<String, StringBuilder> pending = new LinkedHashMap<>();
  private final Vertx vertx;
  private final long timer;

  KafkaEventLog(Vertx vertx, KafkaProducer<String, String> producer) {
    this.vertx = vertx;
    this.producer = producer;
    this.timer = vertx.setPeriodic(FLUSH_MILLIS, t -> flushAll());
  }

  void batch(String id, int n, String dataJson) {
    StringBuilder sb = pending.computeIfAbsent(id, k -> new StringBuilder());
    if (sb.length() > 0) sb.append(',');
    sb.append("{\"n\":").append(n).append(",\"data\":").append(dataJson).append('}');
  }

  void state(String id, JsonObject state) {
    flush(id, pending.remove(id));
    producer.send(KafkaProducerRecord.create(Topics.EVENTS, id, new JsonObject().put("state", state).encode()));
  }

  private void flushAll() {
    if (pending.isEmpty()) return;
    pending.forEach(this::flush);
    pending.clear();
  }

  private void flush(String id, StringBuilder batches) {
    if (batches != null && batches.length() > 0) {
      producer.send(KafkaProducerRecord.create(Topics.EVENTS, id, "{\"batches\":[" + batches + "]}"));
    }
  }

  void close() {
    vertx.cancelTimer(timer);
    flushAll();
  }
}
