package dev.clawbus.ingress;

import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.journal.Journal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a request's events to one client in sequence order, each exactly once. The client that submitted the
 * request gets them live from its ingress instance ({@link LiveRequests}), and the journal is read whenever
 * nothing arrived for {@link #LIVE_CHECK_MILLIS} (an ending written by someone other than the run — a cancel
 * while queued — or a batch the bus lost); a client that attaches to an existing request, or resumes one, reads
 * the journal and then polls it for what is new until the answer ends. Polling costs a resumed client up to
 * {@link #POLL_MILLIS} of latency and spares every request a cluster-wide subscription.
 */
final class EventFollower {
  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
  static final long POLL_MILLIS = 100;
  static final long LIVE_CHECK_MILLIS = 1_000;

  private final Vertx vertx;
  private final Journal journal;
  private final String key;
  private final ResponseSink sink;
  private final Promise<Void> ended = Promise.promise();
  private long last;
  private int nextBatch;
  private long timer = -1;
  private long lastActivity = System.currentTimeMillis();
  private boolean reading;
  private boolean closed;
  private Runnable onClose = () -> {};

  /** @param after deliver only events with a greater sequence number (-1: from the start) */
  EventFollower(Vertx vertx, Journal journal, String key, long after, ResponseSink sink) {
    this.vertx = vertx;
    this.journal = journal;
    this.key = key;
    this.last = after;
    this.sink = sink;
  }

  /** Reads the journal from the start, then polls it until a terminal event; resolves when done. */
  Future<Void> follow() {
    read(POLL_MILLIS);
    return ended.future();
  }

  /** Events arrive live ({@link #deliver}); the journal is read only when they stop coming for a while. */
  EventFollower live() {
    timer = vertx.setTimer(LIVE_CHECK_MILLIS, t -> checkLive());
    return this;
  }

  private void checkLive() {
    timer = -1;
    if (closed) return;
    if (System.currentTimeMillis() - lastActivity >= LIVE_CHECK_MILLIS) {
      read(-1);
    }
    if (!closed && timer < 0) timer = vertx.setTimer(LIVE_CHECK_MILLIS, t -> checkLive());
  }

  /** One read of what is new in the journal; then again in {@code againMillis} (negative: not again). */
  private void read(long againMillis) {
    if (closed || reading) return;
    reading = true;
    journal.readFrom(key, nextBatch).onComplete(ar -> {
      reading = false;
      if (closed) return;
      if (ar.succeeded()) {
        nextBatch = Math.max(nextBatch, ar.result().batches());
        deliverAll(ar.result().recorded().events());
      } else {
        LOG.warn("journal of {} unreadable: {}", key, ar.cause().toString());
      }
      if (!closed && againMillis >= 0) timer = vertx.setTimer(againMillis, t -> {
        timer = -1;
        read(againMillis);
      });
    });
  }

  /** A journal batch that arrived live. */
  void deliver(EventBatch batch) {
    lastActivity = System.currentTimeMillis();
    nextBatch = Math.max(nextBatch, batch.batch() + 1);
    deliverAll(batch.events());
  }

  /**
   * Events of the request, live or from the journal, in order: those at or before the cursor are dropped, the
   * rest go to the client together.
   */
  void deliverAll(List<StreamEvent> events) {
    if (closed) return;
    int from = 0;
    while (from < events.size() && events.get(from).seq() <= last) from++;
    if (from == events.size()) return;
    List<StreamEvent> fresh = events.subList(from, events.size());
    if (fresh.get(0).seq() > last + 1) {
      LOG.warn("request {}: events {}..{} missing from the journal", key, last + 1, fresh.get(0).seq() - 1);
    }
    last = fresh.get(fresh.size() - 1).seq();
    lastActivity = System.currentTimeMillis();
    if (sink.acceptAll(fresh)) {
      close();
    }
  }

  /** Everything up to the end was seen already (a resume after the terminal event). */
  boolean endedBefore(long terminalSeq) {
    return terminalSeq <= last;
  }

  /** Runs once when the follower closes (its answer ended or its client left). */
  EventFollower onClose(Runnable action) {
    this.onClose = action;
    return this;
  }

  long lastSeq() {
    return last;
  }

  void close() {
    if (closed) return;
    closed = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    sink.close();
    onClose.run();
    ended.tryComplete();
  }
}
