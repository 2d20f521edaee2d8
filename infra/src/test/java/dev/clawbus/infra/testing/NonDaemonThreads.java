package dev.clawbus.infra.testing;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Finds threads that would keep a JVM alive after a component was closed. */
public final class NonDaemonThreads {
  private final Set<Thread> before = live();

  /** Remembers the non-daemon threads alive now. */
  public static NonDaemonThreads snapshot() {
    return new NonDaemonThreads();
  }

  /**
   * Names of non-daemon threads started since the snapshot and still alive after waiting up to {@code seconds} for
   * them to end.
   */
  public Set<String> leakedAfter(int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      Set<Thread> now = live();
      now.removeAll(before);
      if (now.isEmpty() || System.nanoTime() > until) {
        return now.stream().map(Thread::getName).collect(Collectors.toSet());
      }
      Thread.sleep(50);
    }
  }

  private static Set<Thread> live() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }
}
