package dev.clawbus.ingress;

import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.journal.Journal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a request's events to one client in sequence order, each exactly once. The client that
 * submitted the request gets them live from its ingress instance ({@link LiveRequests}); a client that
 * attaches to an existing request, or resumes one, reads the journal and then polls it for what is
 * new until the answer ends. Polling costs a resumed client up to {@link #POLL_MILLIS} of latency and
 * spares every request a cluster-wide subscription.
 */
final class EventFollower {
  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
  static final long POLL_MILLIS = 100;

  private final Vertx vertx;
  private final Journal journal;
  private final String key;
  private final ResponseSink sink;
  private final Promise<Void> ended = Promise.promise();
  private long last;
  private int nextBatch;
  private long timer = -1;
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
    poll();
    return ended.future();
  }

  private void poll() {
    timer = -1;
    if (closed) return;
    journal.readFrom(key, nextBatch).onComplete(ar -> {
      if (closed) return;
      if (ar.succeeded()) {
        nextBatch = ar.result().batches();
        deliverAll(ar.result().recorded().events());
      } else {
        LOG.warn("journal of {} unreadable: {}", key, ar.cause().toString());
      }
      if (!closed) timer = vertx.setTimer(POLL_MILLIS, t -> poll());
    });
  }

  /**
   * Events of the request, live or from the journal, in order: those at or before the cursor are
   * dropped, the rest go to the client together.
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
