package dev.clawbus.infra.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** Waiting in tests: by condition, with a deadline, never a bare sleep standing in for synchronisation. */
public final class Eventually {
  private Eventually() {}

  /** Reads until {@code done} holds, or fails with an AssertionError once {@code within} passed. */
  public static <T> T until(Callable<T> read, Predicate<T> done, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    T value = read.call();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + within.toMillis() + " ms; last value: " + value);
      }
      Thread.sleep(10);
      value = read.call();
    }
    return value;
  }

  /** Waits until {@code condition} is true, or fails once {@code within} passed. */
  public static void until(Callable<Boolean> condition, Duration within) throws Exception {
    until(condition, Boolean.TRUE::equals, within);
  }
}
