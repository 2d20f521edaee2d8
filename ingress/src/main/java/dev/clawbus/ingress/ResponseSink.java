package dev.clawbus.ingress;

import dev.clawbus.infra.contract.StreamEvent;

/** Where a request's events go on their way to the client: an SSE stream or one JSON answer. */
interface ResponseSink {
  /** The next event; returns true when it was terminal and the response is finished. */
  boolean accept(StreamEvent event);

  /** The next events, in order (a journal batch); returns true when the response is finished. */
  default boolean acceptAll(java.util.List<StreamEvent> events) {
    for (StreamEvent e : events) {
      if (accept(e)) return true;
    }
    return false;
  }

  /** Called once the client is gone or the response ended, to release timers. */
  void close();

  /** The client's socket takes no more for now: stop pushing until {@link #onDrain} runs. */
  default boolean full() {
    return false;
  }

  /** Runs {@code action} once when a {@link #full()} socket can take more again. */
  default void onDrain(Runnable action) {}
}
