package dev.clawbus.app.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.function.IntFunction;

/**
 * A closed-loop round against one server: exactly {@code concurrency} requests in flight (fewer at the
 * very end) until {@code count} have completed; a finished request immediately starts the next. The
 * round's wall time is added to the side's stats.
 */
final class LoadRound {
  private final Vertx vertx;
  private final HttpClient client;
  private final RequestOptions options;
  private final IntFunction<Buffer> bodies;
  private final BenchOptions opts;
  private final SideStats stats;
  private final int count;
  private final Promise<Void> done = Promise.promise();
  /** No request starts after this ({@link Long#MAX_VALUE}: none); the round ends when the running ones do. */
  private final long deadlineNanos;
  private int started;
  private int finished;
  private long startedAt;

  private LoadRound(Vertx vertx, HttpClient client, URI url, IntFunction<Buffer> bodies, BenchOptions opts,
      SideStats stats, int count) {
    this.deadlineNanos = opts.durationSeconds() > 0 ? System.nanoTime() + opts.durationSeconds() * 1_000_000_000L
        : Long.MAX_VALUE;
    this.vertx = vertx;
    this.client = client;
    this.bodies = bodies;
    this.opts = opts;
    this.stats = stats;
    this.count = count;
    this.options = requestOptions(url, opts);
  }

  static RequestOptions requestOptions(URI url, BenchOptions opts) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "" : url.getRawPath();
    if (!path.endsWith("/chat/completions")) path = path + "/v1/chat/completions";
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
        .setPort(url.getPort() < 0 ? 80 : url.getPort()).setURI(path)
        .putHeader("content-type", "application/json")
        .putHeader("accept", opts.stream() ? "text/event-stream" : "application/json");
    if (opts.apiKey() != null) o.putHeader("authorization", "Bearer " + opts.apiKey());
    return o;
  }

  /** Runs {@code count} requests on {@code ctx}; {@code bodies} gives the body of the i-th request. */
  static Future<Void> run(Vertx vertx, Context ctx, HttpClient client, URI url, IntFunction<Buffer> bodies,
      BenchOptions opts, SideStats stats, int count) {
    LoadRound r = new LoadRound(vertx, client, url, bodies, opts, stats, count);
    ctx.runOnContext(v -> r.begin());
    return r.done.future();
  }

  private void begin() {
    startedAt = System.nanoTime();
    if (count == 0) {
      done.complete();
      return;
    }
    for (int i = 0; i < Math.min(opts.concurrency(), count); i++) next();
  }

  private void next() {
    int i = started++;
    StreamingCall.run(vertx, client, options, bodies.apply(i), opts.stream(), opts.timeoutSeconds() * 1000L, stats)
        .onComplete(v -> {
          finished++;
          if (started < count && System.nanoTime() < deadlineNanos) {
            next();
          } else if (finished == started) {
            stats.wallNanos += System.nanoTime() - startedAt;
            done.complete();
          }
        });
  }
}
