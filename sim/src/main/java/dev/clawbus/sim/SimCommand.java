package dev.clawbus.sim;

import dev.clawbus.infra.Failures;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code clawbus sim-vllm}: runs a {@link VllmSimulator} until the process is killed. Prints exactly one line
 * when ready; a bad flag or a port in use gives one error line and a non-zero exit code (2 for usage, 1 for
 * start-up failures).
 */
public final class SimCommand {
  static final String USAGE = """
      usage: clawbus sim-vllm [options]
        --host H                 address to listen on (default 127.0.0.1)
        --port N                 port (default 8000; 0 = any free port)
        --model ID               served model name (default clawbus-sim)
        --max-model-len N        context window in tokens (default 32768)
        --strict                 reject what older vLLM rejects (store, max_completion_tokens, developer role,
                                 content-part arrays, strict in tool functions, unknown fields)
        --ttft-ms N              time to first token (default 20)
        --tokens-per-second N    generation speed per stream (default 200)
        --words N                length of the default answer (default 40)
        --admin-port N           extra listener for /sim/... that stays up during crashes (0 = any free port)
        --help                   this text
      Per-request directives in the last user message, e.g. [[sim words=200 tps=3000 ttft_ms=50]],
      [[sim tool=exec args={"command":"ls"} mode=xml]], [[sim text="..."]], [[sim error=500]].
      Chaos over HTTP: POST /sim/crash?after_tokens=N&down_ms=D, /sim/up, /sim/hang?after_tokens=N, /sim/resume,
      /sim/fail?count=K&status=S, /sim/unavailable?ms=D, /sim/reset; GET /sim/requests, /sim/stats.""";

  private SimCommand() {}

  /** Runs until killed; returns only on a usage or start-up error (or 0 after {@code --help}). */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    Launched l = launch(args, out, err);
    if (l.sim == null) return l.exitCode;
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        l.vertx.close().await(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the process is going away anyway
      }
      forever.countDown();
    }, "sim-vllm-shutdown"));
    try {
      forever.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** The simulator started (with its Vert.x instance), or the exit code when it did not. */
  record Launched(Vertx vertx, VllmSimulator sim, int exitCode) {}

  static Launched launch(List<String> args, PrintStream out, PrintStream err) {
    SimOptions o = SimOptions.defaults();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--help", "-h" -> {
            out.println(USAGE);
            return new Launched(null, null, 0);
          }
          case "--strict" -> o = o.withStrict(true);
          case "--host" -> o = o.withHost(value(args, ++i, a));
          case "--port" -> o = o.withPort(number(args, ++i, a));
          case "--model" -> o = o.withModel(value(args, ++i, a));
          case "--max-model-len" -> o = o.withMaxModelLen(number(args, ++i, a));
          case "--ttft-ms" -> o = o.withTtftMs(number(args, ++i, a));
          case "--tokens-per-second" -> o = o.withTokensPerSecond(number(args, ++i, a));
          case "--words" -> o = o.withDefaultWords(number(args, ++i, a));
          case "--admin-port" -> o = o.withAdminPort(number(args, ++i, a));
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("sim-vllm: " + e.getMessage() + " (see --help)");
      return new Launched(null, null, 2);
    }
    Vertx vertx = Vertx.vertx();
    VllmSimulator sim = new VllmSimulator(vertx, o);
    try {
      sim.start().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("sim-vllm: cannot listen on " + o.host() + ":" + o.port() + ": " + Failures.oneLine(e));
      try {
        vertx.close().await(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting with an error anyway
      }
      return new Launched(null, null, 1);
    }
    String admin = sim.adminPort() > 0 ? " (admin http://" + o.host() + ":" + sim.adminPort() + "/sim/)" : "";
    out.println("vLLM simulator listening on " + sim.baseUrl() + admin + " model " + o.model());
    out.flush();
    return new Launched(vertx, sim, 0);
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size() || args.get(i).startsWith("--")) throw new IllegalArgumentException(flag + " needs a value");
    return args.get(i);
  }

  private static int number(List<String> args, int i, String flag) {
    String v = value(args, i, flag);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number, got '" + v + "'");
    }
  }
}
