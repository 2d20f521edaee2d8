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
 * event, so a lone node rebuilds its memory after a restart and operators see a request's history. All of them are
 * written behind: what a request does within {@link #FLUSH_MILLIS} becomes one record, in the order it happened
 * (an {@link EventLogRecord.Group} when it is more than one thing), and all requests' records go to the producer
 * together at each flush. A record per change (about ten per request) made the broker's produce path the largest
 * single cost of a request; a state is never ahead of its batches in the log, since they travel in one record. A
 * finished answer is a record of its own (its position is its reference), written after what is pending of its
 * request. Thread-safe: shared by all verticles of a node. A null producer (no Kafka: durability off in tests) makes
 * it a no-op.
 */
public final class EventLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);
  static final long FLUSH_MILLIS = 50;

  private final Producer<String, String> producer;
  /** What each request did since the last flush, oldest first; consecutive batches share one entry. */
  private final Map<String, List<EventLogRecord>> pending = new LinkedHashMap<>();
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
    addBatch(pending.computeIfAbsent(key, k -> new ArrayList<>(4)), n, batch);
  }

  private static void addBatch(List<EventLogRecord> records, int n, byte[] batch) {
    EventLogRecord.Numbered numbered = new EventLogRecord.Numbered(n, JournalBatch.toText(batch),
        System.currentTimeMillis());
    if (!records.isEmpty() && records.get(records.size() - 1) instanceof EventLogRecord.Batches b) {
      b.batches().add(numbered);
    } else {
      List<EventLogRecord.Numbered> batches = new ArrayList<>(4);
      batches.add(numbered);
      records.add(new EventLogRecord.Batches(batches));
    }
  }

  /**
   * Writes a batch now, after the request's pending ones, and completes once Kafka has acknowledged it (or fails when
   * Kafka refused it). For batches whose loss would change what a restarted node does: the tool loop's steps.
   * Without a producer it completes at once.
   */
  public synchronized CompletableFuture<Void> batchAcknowledged(String key, int n, byte[] batch) {
    if (producer == null) return CompletableFuture.completedFuture(null);
    List<EventLogRecord> records = pending.remove(key);
    if (records == null) records = new ArrayList<>(1);
    addBatch(records, n, batch);
    CompletableFuture<Void> acked = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(Topics.EVENTS, key, one(records).encode()),
          (md, err) -> {
            if (err == null) acked.complete(null); else acked.completeExceptionally(err);
          });
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
    return acked;
  }

  public synchronized void state(RequestRecord record) {
    behind(record.key(), new EventLogRecord.State(record));
  }

  public synchronized void timeline(String key, TimelineEvent event) {
    behind(key, new EventLogRecord.Timeline(event));
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

  private void behind(String key, EventLogRecord rec) {
    if (producer == null) return;
    pending.computeIfAbsent(key, k -> new ArrayList<>(4)).add(rec);
  }

  private synchronized void flushAll() {
    if (pending.isEmpty()) return;
    pending.forEach(this::flush);
    pending.clear();
  }

  private void flush(String key, List<EventLogRecord> records) {
    if (records != null && !records.isEmpty()) {
      write(key, one(records).encode());
    }
  }

  /** A request's pending records as one record: itself when it is one thing, else a group. */
  private static EventLogRecord one(List<EventLogRecord> records) {
    return records.size() == 1 ? records.get(0) : new EventLogRecord.Group(records);
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
