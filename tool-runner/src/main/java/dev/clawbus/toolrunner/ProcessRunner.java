package dev.clawbus.toolrunner;

import dev.clawbus.infra.Failures;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands as real processes: each in a session and process group of its own ({@code setsid}, when the machine
 * has it), output read as it comes, capped, and streamed; on timeout the whole tree is killed — the process group
 * (which also holds children that were re-parented after their parent exited) and every descendant still known.
 * Blocking work happens on the runner's own threads, never on an event loop.
 */
public final class ProcessRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
  /** After the command exits, how long its output may still take to arrive (a background child may hold the pipe). */
  private static final long DRAIN_MS = 2000;
  private static final long KILL_WAIT_MS = 10_000;

  /**
   * @param argv           program and arguments (argv[0] a path or a name on PATH)
   * @param workdir        working directory
   * @param env            overrides of the node's environment
   * @param stdin          written to standard input, then closed; null = closed at once
   * @param timeout        the tree is killed after this
   * @param maxOutputBytes cap per stream
   */
  public record Spec(List<String> argv, Path workdir, Map<String, String> env, String stdin, Duration timeout,
      int maxOutputBytes) {}

  /** Receives output as whole UTF-8 text while the command runs; called from reader threads, one call at a time. */
  @FunctionalInterface
  public interface Output {
    void write(char stream, String text);
  }

  public record Outcome(int exitCode, String stdout, String stderr, long stdoutBytes, long stderrBytes,
      boolean timedOut, boolean truncated, long durationMs) {}

  private final ExecutorService threads;
  private final String setsid;
  private final String kill;
  private final Set<Process> live = ConcurrentHashMap.newKeySet();

  /** Uses {@code setsid} and {@code kill} found on {@code lookup}; without them it kills descendants only. */
  public ProcessRunner(PathLookup lookup) {
    this(lookup.find("setsid").map(Path::toString).orElse(null), lookup.find("kill").map(Path::toString).orElse(null));
  }

  ProcessRunner(String setsid, String kill) {
    this.setsid = setsid;
    this.kill = kill;
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "clawbus-exec-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Whether a timeout kills the command's whole process group, not only the descendants still attached to it. */
  public boolean killsProcessGroups() {
    return setsid != null && kill != null;
  }

  /** Starts the command; the future completes when it has ended (or failed to start: exit 127). */
  public CompletableFuture<Outcome> start(Spec spec, Output output) {
    return CompletableFuture.supplyAsync(() -> run(spec, output), threads);
  }

  private Outcome run(Spec spec, Output output) {
    List<String> command = new ArrayList<>();
    if (killsProcessGroups()) {
      command.add(setsid); // the child is no group leader, so setsid execs in place: pid = process group id
    }
    command.addAll(spec.argv());
    ProcessBuilder pb = new ProcessBuilder(command).directory(spec.workdir().toFile());
    pb.environment().putAll(spec.env());
    if (spec.stdin() == null) {
      pb.redirectInput(new File("/dev/null"));
    }
    OutputBuffer out = new OutputBuffer(spec.maxOutputBytes());
    OutputBuffer err = new OutputBuffer(spec.maxOutputBytes());
    long t0 = System.nanoTime();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      String msg = "clawbus: cannot start " + spec.argv().get(0) + ": " + Failures.oneLine(e) + "\n";
      return new Outcome(127, "", msg, 0, msg.length(), false, false, ms(t0));
    }
    live.add(p);
    Gate gate = new Gate(output);
    try {
      Future<?> readOut = threads.submit(() -> pump(p.getInputStream(), out, 'o', gate));
      Future<?> readErr = threads.submit(() -> pump(p.getErrorStream(), err, 'e', gate));
      if (spec.stdin() != null) {
        threads.submit(() -> feed(p.getOutputStream(), spec.stdin()));
      }
      boolean timedOut = !p.waitFor(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (timedOut) {
        killTree(p);
        p.waitFor(KILL_WAIT_MS, TimeUnit.MILLISECONDS);
      }
      long duration = ms(t0);
      int exit = p.isAlive() ? 137 : p.exitValue();
      drain(readOut, readErr);
      gate.close();
      return new Outcome(exit, out.text(), err.text(), out.totalBytes(), err.totalBytes(), timedOut,
          out.truncated() || err.truncated(), duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(p);
      gate.close();
      return new Outcome(137, out.text(), err.text(), out.totalBytes(), err.totalBytes(), false,
          out.truncated() || err.truncated(), ms(t0));
    } finally {
      live.remove(p);
    }
  }

  /** Kills every command still running (the node is stopping). */
  public void killAll() {
    for (Process p : List.copyOf(live)) {
      killTree(p);
    }
  }

  /**
   * SIGKILL to the process group (atomic: it also catches children re-parented away from the tree and forks in
   * progress), then to every descendant still attached (catches those that made a group of their own, and is all
   * there is without setsid), then to the process.
   */
  void killTree(Process p) {
    if (killsProcessGroups()) {
      try {
        Process k = new ProcessBuilder(kill, "-9", "--", "-" + p.pid()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!k.waitFor(5, TimeUnit.SECONDS)) {
          k.destroyForcibly();
        }
      } catch (IOException e) {
        LOG.warn("cannot kill process group {}: {}", p.pid(), Failures.oneLine(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A process may fork between a look at the tree and the kill: look again until nothing is left (bounded).
    for (int round = 0; round < 5; round++) {
      List<ProcessHandle> descendants = p.descendants().toList();
      if (descendants.isEmpty()) {
        break;
      }
      descendants.forEach(ProcessHandle::destroyForcibly);
    }
    p.destroyForcibly();
  }

  private static void pump(InputStream in, OutputBuffer buffer, char stream, Gate gate) {
    byte[] b = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(b)) >= 0) {
        gate.write(stream, buffer.append(b, 0, n));
      }
    } catch (IOException ignored) {
      // the stream was closed under us: the command is over
    }
    gate.write(stream, buffer.finish());
  }

  private static void feed(OutputStream in, String text) {
    try (in) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // the command exited or closed its stdin without reading everything, as `head` does
    }
  }

  /** Waits for the readers to reach end of output, but not for a background child that keeps the pipe open. */
  private static void drain(Future<?> a, Future<?> b) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
    for (Future<?> f : List.of(a, b)) {
      try {
        f.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // output after this point is not part of the result
      }
    }
  }

  /** Lets output through until the result is made; nothing is streamed after it. */
  private static final class Gate {
    private final Output output;
    private boolean open = true;

    Gate(Output output) {
      this.output = output;
    }

    synchronized void write(char stream, String text) {
      if (open && output != null && !text.isEmpty()) {
        output.write(stream, text);
      }
    }

    synchronized void close() {
      open = false;
    }
  }

  private static long ms(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  @Override
  public void close() {
    killAll();
    threads.shutdownNow();
  }
}
