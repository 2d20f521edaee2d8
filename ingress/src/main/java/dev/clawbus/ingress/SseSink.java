package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * What every Server-Sent Events answer does, whatever the API's frames: headers go out with the first frame, so an
 * error before any output (a vLLM 400, say) is still a proper HTTP error; whenever nothing was written for a keepalive
 * period a keepalive frame is sent (a {@code data:} event, because OpenClaw's idle timer ignores SSE comments): the
 * gap between two data events never exceeds the period (plus timer jitter). A journal batch goes out in one write,
 * and a client whose socket is full is told apart ({@link #full}) so its follower stops pushing.
 */
abstract class SseSink implements ResponseSink {
  /** How often a keepalive timer fired (all sinks of the process; for tests). */
  static final java.util.concurrent.atomic.AtomicLong KEEPALIVE_LOOKS = new java.util.concurrent.atomic.AtomicLong();
  private final Vertx vertx;
  protected final HttpServerResponse resp;
  private final long keepaliveMillis;
  private long timer = -1;
  private long lastWrite = System.currentTimeMillis();
  private boolean finished;

  SseSink(Vertx vertx, HttpServerResponse resp, long keepaliveMillis) {
    this.vertx = vertx;
    this.resp = resp;
    this.keepaliveMillis = keepaliveMillis;
  }

  /** The frames of one event (none is fine: the keepalive timer then still runs from the last write). */
  protected abstract void append(Buffer b, StreamEvent e);

  /** The frame(s) written after a keepalive period without data. */
  protected abstract void keepalive(Buffer b);

  /** Starts the keepalive timer, once the answer is known to be coming. */
  protected final void startKeepalive() {
    if (keepaliveMillis > 0 && !finished && timer < 0) {
      armKeepalive(keepaliveMillis - (System.currentTimeMillis() - lastWrite));
    }
  }

  /**
   * One timer, re-armed for exactly what is left of the period since the last write: no timer work per token,
   * and a keepalive goes out the moment a full period passed without data.
   */
  private void armKeepalive(long delay) {
    timer = vertx.setTimer(Math.max(1, delay), t -> {
      timer = -1;
      if (finished) return;
      KEEPALIVE_LOOKS.incrementAndGet();
      long idle = System.currentTimeMillis() - lastWrite;
      if (idle >= keepaliveMillis) {
        // A full socket needs no keepalive (it holds data the client has not read yet): look again a period later,
        // not every millisecond while the client does not read.
        if (!resp.writeQueueFull()) {
          Buffer b = Buffer.buffer(96);
          keepalive(b);
          write(b);
        }
        idle = 0;
      }
      armKeepalive(keepaliveMillis - idle);
    });
  }

  /** A batch goes out in one write: one syscall per batch instead of one per token. */
  @Override
  public boolean acceptAll(List<StreamEvent> events) {
    if (events.size() == 1 || (!resp.headWritten() && asHttpError(events.get(0)))) {
      return ResponseSink.super.acceptAll(events);
    }
    if (finished) return true;
    int bytes = 0;
    for (StreamEvent e : events) bytes += e.data().length() + 32; // enough for ASCII data: the frame around it is 13 bytes and the seq
    Buffer b = SseBytes.buffer(bytes);
    StreamEvent last = null;
    for (StreamEvent e : events) {
      append(b, e);
      last = e;
      if (e.terminal()) break;
    }
    write(b);
    if (last.terminal()) {
      end();
      return true;
    }
    return false;
  }

  @Override
  public boolean accept(StreamEvent e) {
    if (finished) return true;
    if (!resp.headWritten() && asHttpError(e)) {
      finished = true;
      close();
      HttpErrors.send(resp, e.status(), e.data());
      return true;
    }
    Buffer b = SseBytes.buffer(e.data().length() + 32);
    append(b, e);
    write(b);
    if (e.terminal()) {
      end();
      return true;
    }
    return false;
  }

  /**
   * An error before any output is a proper HTTP error (a vLLM 400, say); a cancellation is not the request's
   * fault, so its stream opens and ends with the error event.
   */
  private static boolean asHttpError(StreamEvent e) {
    return e.type() == StreamEvent.ERROR && e.status() != OpenAiError.CANCELLED_STATUS;
  }

  private void end() {
    finished = true;
    close();
    if (!resp.ended() && !resp.closed()) resp.end();
  }

  /** Ends an SSE response that has nothing more to send. */
  void finish() {
    finished = true;
    close();
    if (resp.ended() || resp.closed()) return;
    if (!resp.headWritten()) {
      open();
    }
    resp.end();
  }

  /** Writes frames; nothing at all for an empty buffer (it is not data: the keepalive period keeps running). */
  protected final void write(Buffer b) {
    if (resp.ended() || resp.closed() || b.length() == 0) return;
    open();
    lastWrite = System.currentTimeMillis();
    resp.write(b);
  }

  private void open() {
    if (!resp.headWritten()) {
      resp.setStatusCode(200)
          .putHeader("content-type", "text/event-stream; charset=utf-8")
          .putHeader("cache-control", "no-cache")
          .putHeader("x-accel-buffering", "no")
          .setChunked(true);
    }
  }

  @Override
  public boolean full() {
    return !resp.closed() && !resp.ended() && resp.writeQueueFull();
  }

  @Override
  public void onDrain(Runnable action) {
    resp.drainHandler(v -> {
      resp.drainHandler(null);
      action.run();
    });
  }

  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
