package dev.clawbus.dispatcher;

import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

/** Waits for vLLM's {@code /health} to answer 200, polling with backoff, up to a deadline. */
final class VllmHealth {
  // Polling is cheap (one GET to a local server) and every poll interval adds to the time the
  // client waits after vLLM is back, so the backoff stays short.
  private static final long FIRST_DELAY_MILLIS = 100;
  private static final long MAX_DELAY_MILLIS = 250;

  private final Vertx vertx;
  private final HttpClient http;
  private final VllmEndpoint endpoint;

  VllmHealth(Vertx vertx, HttpClient http, VllmEndpoint endpoint) {
    this.vertx = vertx;
    this.http = http;
    this.endpoint = endpoint;
  }

  /** Resolves true once healthy, false when {@code deadlineMillis} passed first. */
  Future<Boolean> awaitHealthy(long deadlineMillis) {
    Promise<Boolean> done = Promise.promise();
    poll(deadlineMillis, FIRST_DELAY_MILLIS, done);
    return done.future();
  }

  Future<Boolean> check() {
    return http.request(endpoint.options(HttpMethod.GET, "/health").setTimeout(2_000))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200))
        .otherwise(false);
  }

  private void poll(long deadline, long delay, Promise<Boolean> done) {
    check().onComplete(ar -> {
      if (ar.result()) {
        done.complete(true);
        return;
      }
      long now = System.currentTimeMillis();
      if (now >= deadline) {
        done.complete(false);
        return;
      }
      long wait = Math.min(delay, deadline - now);
      vertx.setTimer(Math.max(1, wait), t -> poll(deadline, Math.min(MAX_DELAY_MILLIS, delay * 3 / 2), done));
    });
  }
}
