package dev.clawbus.infra.journal;

import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.contract.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's writer of Kafka {@link Topics#EVENTS}: every request state change, journal batch and timeline
 * event, so a lone node rebuilds its memory after a restart and operators see a request's history. Journal
 * batches are written behind, coalesced into one record per request per {@link #FLUSH_MILLIS} (a record per
 * token would queue behind the producer's sender); any other record of a request first flushes that request's
 * pending batches, so the log never shows a state ahead of its batches. Thread-safe: shared by all verticles of
 * a node. A null producer (no Kafka: durability off in tests) makes it a no-op.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  static final long FLUSH_MILLIS = 50;

  private final Producer<String, String> producer;
  private final Map<String, List<EventLogRecord.Numbered>> pending = new LinkedHashMap<>();
  private final ScheduledExecutorService timer;

  public EventLog(Producer<String, String> producer) {
    this.producer = producer;
    if (producer == null) {
      timer = null;
      return;
    }
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "clawbus-event-log");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::flushAll, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Whether records are written at all (there is a Kafka). */
  public boolean enabled() {
    return producer != null;
  }

  public synchronized void batch(String key, int n, byte[] batch) {
    if (producer == null) return;
    pending.computeIfAbsent(key, k -> new ArrayList<>(4))
        .add(new EventLogRecord.Numbered(n, JournalBatch.toText(batch)));
  }

  /**
   * Writes a batch now, after the request's pending ones, and completes once Kafka has acknowledged it (or fails when
   * Kafka refused it). For batches whose loss would change what a restarted node does: the tool loop's steps.
   * Without a producer it completes at once.
   */
  public synchronized CompletableFuture<Void> batchAcknowledged(String key, int n, byte[] batch) {
    if (producer == null) return CompletableFuture.completedFuture(null);
    List<EventLogRecord.Numbered> batches = pending.remove(key);
    if (batches == null) batches = new ArrayList<>(1);
    batches.add(new EventLogRecord.Numbered(n, JournalBatch.toText(batch)));
    CompletableFuture<Void> acked = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(Topics.EVENTS, key, new EventLogRecord.Batches(batches).encode()),
          (md, err) -> {
            if (err == null) acked.complete(null); else acked.completeExceptionally(err);
          });
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }

  public synchronized void state(RequestRecord record) {
    send(record.key(), new EventLogRecord.State(record));
  }

  public synchronized void timeline(String key, TimelineEvent event) {
    send(key, new EventLogRecord.Timeline(event));
  }

  /** A finished answer, whole; completes with its position ({@code partition:offset}) once Kafka has it. */
  public synchronized CompletableFuture<String> answer(String key, byte[] compact) {
    CompletableFuture<String> ref = new CompletableFuture<>();
    if (producer == null) {
      ref.complete(null);
      return ref;
    }
    flush(key, pending.remove(key));
    try {
      producer.send(new ProducerRecord<>(Topics.EVENTS, key,
          new EventLogRecord.Answer(JournalBatch.toText(compact)).encode()), (md, err) -> {
            if (err != null) ref.completeExceptionally(err); else ref.complete(md.partition() + ":" + md.offset());
          });
    } catch (RuntimeException e) {
      ref.completeExceptionally(e);
    }
    return ref;
  }

  private void send(String key, EventLogRecord rec) {
    if (producer == null) return;
    flush(key, pending.remove(key));
    write(key, rec.encode());
  }

  private synchronized void flushAll() {
    if (pending.isEmpty()) return;
    pending.forEach(this::flush);
    pending.clear();
  }

  private void flush(String key, List<EventLogRecord.Numbered> batches) {
    if (batches != null && !batches.isEmpty()) {
      write(key, new EventLogRecord.Batches(batches).encode());
    }
  }

  private void write(String key, String value) {
    try {
      producer.send(new ProducerRecord<>(Topics.EVENTS, key, value), (md, err) -> {
        if (err != null) LOG.warn("could not write {} record of {}: {}", Topics.EVENTS, key, err.toString());
      });
    } catch (RuntimeException e) {
      LOG.warn("could not write {} record of {}: {}", Topics.EVENTS, key, e.toString());
    }
  }

  /** Sends what is pending; the producer belongs to the caller. */
  @Override
  public void close() {
    if (timer != null) timer.shutdownNow();
    flushAll();
  }
}
