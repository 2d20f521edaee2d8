package dev.clawbus.sim;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for one {@link VllmSimulator}. Arming calls take effect at once (from any thread), so a
 * request sent right after {@code failNext(1, 500)} fails. The returned futures complete when the effect is
 * in place: for {@link #crashNow} when the port refuses connections.
 *
 * <p>A "crash" is what a dying vLLM process looks like from outside: every connection (in flight or idle)
 * is closed mid-response and the listener is closed, so new connections are refused until the simulator
 * comes back after the down time (a negative down time means until {@link #restart()} or {@link #reset()}).
 * "Unavailable" is vLLM loading after a restart: also not listening.
 */
public final class SimChaos {
  private final VllmSimulator sim;
  private final AtomicInteger failRemaining = new AtomicInteger();
  private volatile int failStatus = 500;
  volatile int crashAfter = -1;
  volatile long crashDownMillis = -1;
  volatile int hangAfter = -1;

  SimChaos(VllmSimulator sim) {
    this.sim = sim;
  }

  /**
   * The next generation that has streamed {@code n} tokens (after the role chunk; 0 = right after it) crashes
   * the simulator; it is back after {@code downMillis} ({@code < 0}: until {@link #restart()}). One-shot.
   * Answers shorter than {@code n} tokens complete normally and leave the crash armed.
   */
  public Future<Void> crashAfterTokens(int n, long downMillis) {
    crashDownMillis = downMillis;
    crashAfter = Math.max(0, n);
    return Future.succeededFuture();
  }

  /** Crashes now: connections reset, port closed; back after {@code downMillis} ({@code < 0}: until told). */
  public Future<Void> crashNow(long downMillis) {
    return sim.goDown(downMillis, true);
  }

  /** vLLM loading: not listening for {@code millis}; connections in flight are cut as in a crash. */
  public Future<Void> unavailableFor(long millis) {
    return sim.goDown(Math.max(0, millis), false);
  }

  /** Brings a crashed or loading simulator back now (no-op when up). */
  public Future<Void> restart() {
    return sim.comeUp();
  }

  /**
   * Every generation, running or new, stops after {@code n} tokens and keeps its connection open without
   * sending anything (a wedged engine), until {@link #resume()} or {@link #reset()}.
   */
  public Future<Void> hangAfterTokens(int n) {
    hangAfter = Math.max(0, n);
    return Future.succeededFuture();
  }

  /** Lets hung generations continue. */
  public Future<Void> resume() {
    hangAfter = -1;
    return Future.succeededFuture();
  }

  /** The next {@code k} chat requests fail with {@code status} and a vLLM error body. */
  public Future<Void> failNext(int k, int status) {
    if (status < 400 || status > 599) throw new IllegalArgumentException("status must be 4xx or 5xx: " + status);
    failStatus = status;
    failRemaining.set(Math.max(0, k));
    return Future.succeededFuture();
  }

  /**
   * Disarms everything, lets hung generations continue, clears the request log and counters and, if the
   * simulator is down, brings it back.
   */
  public Future<Void> reset() {
    crashAfter = -1;
    hangAfter = -1;
    failRemaining.set(0);
    sim.clearLogAndCounters();
    return sim.comeUp();
  }

  /** The status to fail the current request with, or 0. */
  int takeFailure() {
    while (true) {
      int left = failRemaining.get();
      if (left <= 0) return 0;
      if (failRemaining.compareAndSet(left, left - 1)) return failStatus;
    }
  }

  /** Disarms the crash if still armed; true when this caller won the right to crash. */
  boolean fireCrash() {
    if (crashAfter < 0) return false;
    crashAfter = -1;
    return true;
  }
}
