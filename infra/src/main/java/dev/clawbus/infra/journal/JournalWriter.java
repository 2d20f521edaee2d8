package dev.clawbus.infra.journal;

import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Write-ahead journal of one response with group commit: at most one batch write is in flight; events that
 * arrive meanwhile form the next batch. An event reaches clients only after its batch is stored, so a node that
 * takes over never re-sends a sequence number with different content. Nothing is written before the run's gate
 * opens (the request is durable in Kafka and this node holds it): events wait in memory until then, and a gate
 * that fails drops them. Latency is one map write; under load batches grow by themselves instead of writes
 * queueing up. Not thread-safe: used from the owning verticle's context.
 */
public final class JournalWriter {
  /**
   * Characters of events held back (waiting for the write in flight, or for the gate) past which the writer is
   * {@link #full}: its producer pauses vLLM's stream until the writer drains, so that a backend faster than the
   * journal costs at most about twice this per answer instead of whole answers (an instant backend, paused readers).
   */
  public static final int HIGH_WATER_CHARS = 64 * 1024;
  /**
   * Bytes of stored batches the writer keeps a copy of, so that the answer's end writes them to Kafka without reading
   * them back from Hazelcast ({@link #stored}); past this the copies are dropped and the end reads the map.
   */
  public static final int COPY_LIMIT_BYTES = 256 * 1024;

  private final Journal journal;
  private final String key;
  /** The ingress instance that holds the client, or null when none does. */
  private final String replyTo;
  private long nextSeq;
  private int nextBatch;
  private List<StreamEvent> pending = new ArrayList<>();
  private StringBuilder pendingRaw = new StringBuilder();
  /** A batch write is in flight, or the gate is still closed. */
  private boolean writing;
  private boolean dropped;
  private int truncateTo = -1;
  /** Length of the whole raw text as recorded: batches written plus what is pending. */
  private int rawLength;
  private Promise<Void> drained;
  /** Tool-loop steps for the next batch, and who waits for them to be durable. */
  private List<JsonObject> pendingSteps = new ArrayList<>();
  private List<Promise<Void>> stepWaiters = new ArrayList<>();
  /** Characters of the events in {@link #pending}. */
  private long pendingChars;
  private Runnable drainHandler;
  /** Every batch this writer stored, in order, when it started the answer (batch 0); null otherwise or past the limit. */
  private List<byte[]> copies;
  private long copiedBytes;

  JournalWriter(Journal journal, String key, long nextSeq, int nextBatch, int rawLength, String replyTo,
      Future<Void> gate) {
    this.journal = journal;
    this.key = key;
    this.nextSeq = nextSeq;
    this.nextBatch = nextBatch;
    this.rawLength = rawLength;
    this.replyTo = replyTo;
    this.copies = nextBatch == 0 ? new ArrayList<>() : null;
    if (gate != null && !gate.succeeded()) {
      writing = true;
      gate.onComplete(ar -> {
        writing = false;
        if (ar.succeeded()) {
          flush();
        } else {
          dropped = true;
          pending.clear();
          heldBackReleased();
          failSteps(stepWaiters, "the request did not become durable");
          stepWaiters = new ArrayList<>();
          pendingSteps.clear();
          checkDrained();
        }
      });
    }
  }

  /** Completes once everything appended so far is stored (or dropped by a failed gate). */
  public Future<Void> drained() {
    if (dropped || (!writing && pending.isEmpty() && pendingSteps.isEmpty())) return Future.succeededFuture();
    if (drained == null) drained = Promise.promise();
    return drained.future();
  }

  private void checkDrained() {
    if (drained != null && (dropped || (!writing && pending.isEmpty() && pendingSteps.isEmpty()))) {
      Promise<Void> d = drained;
      drained = null;
      d.complete();
    }
  }

  /**
   * The stored form of the whole answer, batch by batch, when this writer wrote all of it (it started the answer) and
   * kept the copies (at most {@link #COPY_LIMIT_BYTES}); null otherwise: read the batches from the map. Complete once
   * {@link #drained} is.
   */
  public List<byte[]> stored() {
    return copies;
  }

  /** The sequence number the next event must carry. */
  public long nextSeq() {
    return nextSeq;
  }

  /** Raw model text generated since the last call; stored with the next batch. */
  public void appendRaw(CharSequence text) {
    pendingRaw.append(text);
    rawLength += text.length();
  }

  /**
   * The response's raw text is cut back to {@code length} (a continuation restarts before an unfinished tool
   * call); recorded with the next batch so a node that takes over continues from the same point.
   */
  public void truncateRaw(int length) {
    int flushed = rawLength - pendingRaw.length();
    if (length >= flushed) {
      pendingRaw.setLength(length - flushed);
    } else {
      pendingRaw.setLength(0);
      truncateTo = length;
    }
    rawLength = length;
  }

  public void append(StreamEvent e) {
    if (e.seq() != nextSeq) {
      throw new IllegalStateException("journal " + key + " expected seq " + nextSeq + " but got " + e.seq());
    }
    nextSeq++;
    if (dropped) return;
    pending.add(e);
    pendingChars += e.data().length();
    if (!writing) flush();
  }

  /** Holds back {@link #HIGH_WATER_CHARS} or more: pause the source of events until {@link #drainHandler}. */
  public boolean full() {
    return pendingChars >= HIGH_WATER_CHARS;
  }

  /** Runs {@code handler} once, when what is held back has gone into a write (or was dropped). */
  public void drainHandler(Runnable handler) {
    this.drainHandler = handler;
  }

  private void heldBackReleased() {
    pendingChars = 0;
    Runnable h = drainHandler;
    drainHandler = null;
    if (h != null) h.run();
  }

  /**
   * Records steps of the server-side tool loop ({@link JournalBatch#steps()}): they go with the next batch, together
   * with the events appended before them, at once unless a write is in flight. Completes when that batch is in
   * Hazelcast and Kafka has acknowledged it; fails if it could not be stored (or the request never became durable),
   * and then the caller must not act on the steps.
   */
  public Future<Void> steps(List<JsonObject> steps) {
    if (dropped) return Future.failedFuture("the request did not become durable");
    Promise<Void> durable = Promise.promise();
    pendingSteps.addAll(steps);
    stepWaiters.add(durable);
    if (!writing) flush();
    return durable.future();
  }

  private void flush() {
    if (pending.isEmpty() && pendingSteps.isEmpty()) {
      return;
    }
    List<StreamEvent> batch = pending;
    JournalBatch b = new JournalBatch(batch, pendingRaw.toString(), truncateTo, pendingSteps);
    List<Promise<Void>> waiters = stepWaiters;
    truncateTo = -1;
    pending = new ArrayList<>();
    pendingRaw = new StringBuilder();
    pendingSteps = new ArrayList<>();
    stepWaiters = new ArrayList<>();
    writing = true;
    heldBackReleased();
    int n = nextBatch++;
    byte[] bytes = b.encode();
    keepCopy(bytes);
    journal.storeBatch(key, n, b, bytes).onComplete(ar -> {
      // Delivered even if the store failed: the live client must not stall because Hazelcast did; only a later
      // takeover could then diverge, which is the lesser harm. Steps are different: their caller waits.
      if (replyTo != null && !batch.isEmpty()) journal.deliver(replyTo, key, n, batch);
      if (ar.succeeded()) {
        waiters.forEach(Promise::tryComplete);
      } else {
        failSteps(waiters, "the journal could not store them: " + ar.cause().getMessage());
      }
      writing = false;
      flush();
      checkDrained();
    });
  }

  private void keepCopy(byte[] bytes) {
    if (copies == null) return;
    copiedBytes += bytes.length;
    if (copiedBytes > COPY_LIMIT_BYTES) {
      copies = null; // a long answer: its end reads the map instead of this writer holding it twice
    } else {
      copies.add(bytes);
    }
  }

  private static void failSteps(List<Promise<Void>> waiters, String why) {
    for (Promise<Void> p : waiters) p.tryFail("tool-loop steps not recorded: " + why);
  }
}
