package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessRunnerTest {
  @TempDir
  Path dir;
  private ProcessRunner runner;
  private final List<Long> spawned = new ArrayList<>();

  @BeforeEach
  void setUp() {
    runner = new ProcessRunner(PathLookup.system());
    assertTrue(runner.killsProcessGroups(), "this machine has setsid and kill");
  }

  @AfterEach
  void tearDown() {
    runner.close();
    spawned.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private ProcessRunner.Outcome run(List<String> argv, Map<String, String> env, String stdin, int timeoutMs, int cap,
      ProcessRunner.Output out) throws Exception {
    return runner.start(new ProcessRunner.Spec(argv, dir, env, stdin, Duration.ofMillis(timeoutMs), cap), out)
        .get(30, TimeUnit.SECONDS);
  }

  private ProcessRunner.Outcome sh(String script) throws Exception {
    return run(List.of("/bin/sh", "-c", script), Map.of(), null, 20_000, 1 << 20, null);
  }

  @Test
  void exitCodeOutputEnvAndWorkdir() throws Exception {
    Files.writeString(dir.resolve("marker.txt"), "x");
    ProcessRunner.Outcome o = run(List.of("/bin/sh", "-c", "echo \"$GREETING\"; ls; echo oops >&2; exit 3"),
        Map.of("GREETING", "hello from env"), null, 20_000, 1 << 20, null);
    assertEquals(3, o.exitCode());
    assertEquals("hello from env\nmarker.txt\n", o.stdout());
    assertEquals("oops\n", o.stderr());
    assertEquals(o.stdout().length(), o.stdoutBytes());
    assertFalse(o.timedOut());
    assertFalse(o.truncated());
    assertTrue(o.durationMs() >= 0 && o.durationMs() < 10_000);
  }

  @Test
  void stdinIsClosedUnlessGivenSoNothingWaitsForInput() throws Exception {
    long t0 = System.nanoTime();
    ProcessRunner.Outcome none = run(List.of("cat"), Map.of(), null, 20_000, 1 << 20, null);
    assertEquals(0, none.exitCode());
    assertEquals("", none.stdout());
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5000, "cat did not wait for input");
    ProcessRunner.Outcome given = run(List.of("cat"), Map.of(), "line 1\nünïcode\n", 20_000, 1 << 20, null);
    assertEquals("line 1\nünïcode\n", given.stdout());
  }

  @Test
  void outputIsCutAtTheCapWithAMarkerWhileEveryByteIsCounted() throws Exception {
    ProcessRunner.Outcome o = run(List.of("seq", "1", "100000"), Map.of(), null, 20_000, 4096, null);
    assertEquals(0, o.exitCode(), "the command is not blocked by the cap: its output is drained");
    assertTrue(o.truncated());
    assertTrue(o.stdout().endsWith("\n[clawbus: output truncated after 4096 bytes]\n"), o.stdout());
    assertEquals(4096 + OutputBuffer.marker(4096).length(), o.stdout().length());
    assertTrue(o.stdout().startsWith("1\n2\n3\n"));
    assertEquals(588_895, o.stdoutBytes(), "the bytes of seq 1 100000");
  }

  @Test
  void outputIsStreamedWhileTheCommandRunsAndAddsUpToTheResult() throws Exception {
    List<String> pieces = new ArrayList<>();
    List<Long> at = new ArrayList<>();
    long t0 = System.nanoTime();
    ProcessRunner.Outcome o = run(List.of("/bin/sh", "-c", "echo first; sleep 1; echo second; echo err >&2"),
        Map.of(), null, 20_000, 1 << 20, (stream, text) -> {
          synchronized (pieces) {
            pieces.add(stream + text);
            at.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          }
        });
    assertEquals("ofirst\n", pieces.get(0));
    assertTrue(at.get(0) < 900, "the first line arrived before the command ended: " + at);
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    pieces.forEach(p -> (p.charAt(0) == 'o' ? out : err).append(p.substring(1)));
    assertEquals(o.stdout(), out.toString());
    assertEquals(o.stderr(), err.toString());
  }

  /**
   * The command forks a child and a grandchild that its parent abandons (re-parented away from the tree, so only the
   * process group still holds it). On timeout, all of them die.
   */
  @Test
  void theTimeoutKillsTheWholeProcessTreeIncludingOrphans() throws Exception {
    long t0 = System.nanoTime();
    ProcessRunner.Outcome o = run(List.of("/bin/sh", "-c",
        "sleep 300 & echo $! > pids; (sleep 301 & echo $! >> pids); echo started; sleep 302"), Map.of(), null, 1500,
        1 << 20, null);
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    List<Long> pids = Files.readAllLines(dir.resolve("pids")).stream().map(String::trim).map(Long::parseLong).toList();
    spawned.addAll(pids);
    assertTrue(o.timedOut());
    assertEquals(137, o.exitCode());
    assertEquals("started\n", o.stdout());
    assertTrue(took < 6000, "took " + took + " ms");
    assertEquals(2, pids.size());
    for (long pid : pids) {
      assertTrue(deadWithin(pid, 5000), "process " + pid + " survived the timeout");
    }
  }

  /** Where there is no setsid (macOS), the descendants still attached to the tree are killed one by one. */
  @Test
  void withoutProcessGroupsTheTimeoutStillKillsTheDescendants() throws Exception {
    try (ProcessRunner plain = new ProcessRunner(null, null)) {
      ProcessRunner.Outcome o = plain.start(new ProcessRunner.Spec(List.of("/bin/sh", "-c",
          "sleep 300 & echo $! > pids; sleep 301 & echo $! >> pids; wait"), dir, Map.of(), null,
          Duration.ofMillis(2000), 1024), null).get(30, TimeUnit.SECONDS);
      List<Long> pids = Files.readAllLines(dir.resolve("pids")).stream().map(String::trim).map(Long::parseLong)
          .toList();
      spawned.addAll(pids);
      assertTrue(o.timedOut());
      for (long pid : pids) {
        assertTrue(deadWithin(pid, 5000), "process " + pid + " survived the timeout");
      }
    }
  }

  /** Gone, or a zombie waiting for a parent that is not ours to reap it. */
  static boolean deadWithin(long pid, long ms) throws Exception {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (System.nanoTime() < until) {
      Path stat = Path.of("/proc/" + pid + "/stat");
      if (!Files.exists(stat)) {
        return true;
      }
      try {
        String s = Files.readString(stat);
        if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
          return true;
        }
      } catch (java.io.IOException gone) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  @Test
  void aProgramThatCannotStartAnswers127() throws Exception {
    ProcessRunner.Outcome o = run(List.of(dir.resolve("nope").toString()), Map.of(), null, 20_000, 1 << 20, null);
    assertEquals(127, o.exitCode());
  }

  @Test
  void aBackgroundChildHoldingThePipeDoesNotHoldTheResult() throws Exception {
    long t0 = System.nanoTime();
    ProcessRunner.Outcome o = sh("sleep 30 & echo $! > bg; echo done");
    spawned.add(Long.parseLong(Files.readString(dir.resolve("bg")).trim()));
    long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(0, o.exitCode());
    assertEquals("done\n", o.stdout());
    assertTrue(took < 6000, "took " + took + " ms");
  }
}
