package dev.clawbus.app.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code clawbus bench}: a closed-loop load generator for OpenAI-compatible chat completions. Everything
 * runs on one event loop of its own, so the client's cost stays small and the same for both sides.
 */
public final class BenchCommand {
  private BenchCommand() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(BenchOptions.USAGE);
      return 0;
    }
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("bench: " + e.getMessage() + " (see clawbus bench --help)");
      return 2;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      Result r = measure(vertx, o, err);
      if (o.json()) {
        out.println(BenchReport.json(o, r.target(), r.direct()).encode());
      } else {
        BenchReport.table(out, o, r.target(), r.direct());
      }
      out.flush();
      return r.target().errors() > 0 || (r.direct() != null && r.direct().errors() > 0) ? 1 : 0;
    } catch (Exception e) {
      err.println("bench: " + e.getMessage());
      return 1;
    } finally {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }
  }

  /** Both sides' figures; {@code direct} is null without {@code --direct}. */
  record Result(SideStats target, SideStats direct) {}

  /** Warm-up, then alternating rounds (target first in even rounds, direct first in odd ones). Blocking. */
  public static Result measure(Vertx vertx, BenchOptions o) throws Exception {
    return measure(vertx, o, System.err);
  }

  /** As {@link #measure(Vertx, BenchOptions)}, with {@code --progress-seconds} lines going to {@code progressOut}. */
  public static Result measure(Vertx vertx, BenchOptions o, PrintStream progressOut) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
        .setConnectTimeout(5_000).setMaxInitialLineLength(8192),
        new PoolOptions().setHttp1MaxSize(o.concurrency()).setMaxWaitQueueSize(-1));
    Context ctx = vertx.getOrCreateContext();
    int[] serial = {0};
    java.util.function.IntFunction<Buffer> bodies = i -> body(o, serial[0]++);
    long limitSeconds = o.durationSeconds() > 0 ? o.durationSeconds() + 2L * o.timeoutSeconds()
        : (long) o.timeoutSeconds() * (o.requests() + o.warmup() + 1);
    try {
      SideStats target = new SideStats();
      SideStats direct = o.direct() == null ? null : new SideStats();
      java.util.concurrent.atomic.AtomicLong progress = new java.util.concurrent.atomic.AtomicLong(-1);
      if (o.progressSeconds() > 0) progress(vertx, ctx, target, o.progressSeconds(), progress, progressOut);
      if (o.warmup() > 0) {
        await(LoadRound.run(vertx, ctx, client, o.target(), bodies, o, new SideStats(), o.warmup()), limitSeconds);
        if (direct != null) {
          await(LoadRound.run(vertx, ctx, client, o.direct(), bodies, o, new SideStats(), o.warmup()), limitSeconds);
        }
      }
      for (int round = 0; round < o.rounds(); round++) {
        int n = o.requests() / o.rounds() + (round < o.requests() % o.rounds() ? 1 : 0);
        boolean targetFirst = round % 2 == 0 || direct == null;
        for (int side = 0; side < (direct == null ? 1 : 2); side++) {
          boolean isTarget = (side == 0) == targetFirst;
          URI url = isTarget ? o.target() : o.direct();
          await(LoadRound.run(vertx, ctx, client, url, bodies, o, isTarget ? target : direct, n), limitSeconds);
        }
      }
      if (progress.get() >= 0) vertx.cancelTimer(progress.get());
      return new Result(target, direct);
    } finally {
      client.close();
    }
  }

  /** Every {@code seconds}, one line on stderr: elapsed time, requests, tokens and tokens/s since the last. */
  private static void progress(Vertx vertx, Context ctx, SideStats s, int seconds,
      java.util.concurrent.atomic.AtomicLong timerId, PrintStream out) {
    long start = System.nanoTime();
    long[] last = {0, start};
    // on the client's loop, which is the only writer of the stats
    ctx.runOnContext(v -> timerId.set(vertx.setPeriodic(seconds * 1000L, t -> {
      long now = System.nanoTime();
      double rate = (s.tokens - last[0]) * 1e9 / (now - last[1]);
      out.printf("progress %.0f s: %d requests, %d errors, %d tokens, %.0f tokens/s%n", (now - start) / 1e9,
          s.requests, s.errors, s.tokens, rate);
      last[0] = s.tokens;
      last[1] = now;
    })));
  }

  private static void await(Future<Void> f, long seconds) throws Exception {
    f.await(seconds, TimeUnit.SECONDS);
  }

  /**
   * A chat body: a prompt of {@code promptWords} words that differs per request (so no server-side dedupe
   * or cache merges them), the simulator directive, and {@code max_tokens}.
   */
  static Buffer body(BenchOptions o, int serial) {
    StringBuilder prompt = new StringBuilder(o.promptWords() * 6 + 64).append("Benchmark request ").append(serial)
        .append(':');
    for (int i = 0; i < o.promptWords(); i++) prompt.append(' ').append(WORDS[(serial + i) % WORDS.length]);
    if (o.simDirective()) prompt.append(' ').append(o.directive());
    JsonObject body = new JsonObject().put("model", o.model())
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt.toString())))
        .put("stream", o.stream()).put("max_tokens", o.words());
    if (o.stream()) body.put("stream_options", new JsonObject().put("include_usage", true));
    return body.toBuffer();
  }

  private static final String[] WORDS = {"gateway", "stream", "token", "latency", "kafka", "journal", "vertx",
      "event", "loop", "relay", "chunk", "model", "durable", "cluster", "client", "server"};
}
