package dev.clawbus.ingress;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.Recorded;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a request's events to one client in sequence order, each exactly once: from the journal
 * (when attaching or resuming) and then live. It listens before it reads the journal, and events are
 * published only after they are journaled, so the two together have no gap; overlaps are dropped by
 * sequence number.
 */
final class EventFollower {
  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);

  private final Vertx vertx;
  private final Journal journal;
  private final String id;
  private final ResponseSink sink;
  private final ArrayDeque<StreamEvent> early = new ArrayDeque<>();
  private MessageConsumer<String> consumer;
  private long last;
  private boolean replaying;
  private boolean closed;

  /** @param after deliver only events with a greater sequence number (-1: from the start) */
  EventFollower(Vertx vertx, Journal journal, String id, long after, ResponseSink sink) {
    this.vertx = vertx;
    this.journal = journal;
    this.id = id;
    this.last = after;
    this.sink = sink;
  }

  /** Starts listening; resolves once the listener is registered cluster-wide. */
  Future<Void> listen() {
    consumer = vertx.eventBus().consumer(Addresses.out(id));
    consumer.handler(msg -> onLive(StreamEvent.decode(msg.body())));
    return consumer.completion();
  }

  /** Replays what the journal has after the cursor, then delivers what arrived live meanwhile. */
  Future<Recorded> replay() {
    replaying = true;
    return journal.read(id).onComplete(ar -> {
      if (ar.succeeded()) {
        for (StreamEvent e : ar.result().events()) deliver(e);
      } else {
        LOG.warn("journal of {} unreadable: {}", id, ar.cause().toString());
      }
      replaying = false;
      while (!early.isEmpty() && !closed) deliver(early.pollFirst());
    });
  }

  private void onLive(StreamEvent e) {
    if (replaying) {
      early.addLast(e);
    } else {
      deliver(e);
    }
  }

  private void deliver(StreamEvent e) {
    if (closed || e.seq() <= last) {
      return;
    }
    if (e.seq() > last + 1) {
      // Only if a journal write failed while the event still went out live: say so and go on.
      LOG.warn("request {}: events {}..{} missing from the journal", id, last + 1, e.seq() - 1);
    }
    last = e.seq();
    if (sink.accept(e)) {
      close();
    }
  }

  long lastSeq() {
    return last;
  }

  void close() {
    if (closed) return;
    closed = true;
    sink.close();
    if (consumer != null) consumer.unregister();
  }
}
