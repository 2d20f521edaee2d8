package dev.clawbus.infra.limits;

import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.function.Consumer;

/**
 * Polls vLLM's {@code /metrics} every {@code periodMillis} and hands each reading to a listener (on the caller's
 * context). An unreachable vLLM or an answer without vLLM's gauges gives no reading: the listener keeps the last
 * state, and vLLM's health is someone else's concern. {@link #applyTo} is the usual listener.
 */
public final class VllmMetricsPoller {
  private final Vertx vertx;
  private final HttpClient http;
  private final VllmEndpoint endpoint;
  private final Consumer<VllmSaturation.Snapshot> listener;
  private final long timer;
  private boolean polling;

  public VllmMetricsPoller(Vertx vertx, HttpClient http, VllmEndpoint endpoint, long periodMillis,
      Consumer<VllmSaturation.Snapshot> listener) {
    this.vertx = vertx;
    this.http = http;
    this.endpoint = endpoint;
    this.listener = listener;
    this.timer = vertx.setPeriodic(1, periodMillis, id -> poll());
  }

  private void poll() {
    if (polling) return; // a slow vLLM gets one poll at a time
    polling = true;
    http.request(endpoint.options(HttpMethod.GET, "/metrics").setTimeout(2_000))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200 ? b.toString() : null))
        .onComplete(ar -> {
          polling = false;
          if (ar.succeeded() && ar.result() != null) {
            VllmSaturation.Snapshot s = VllmSaturation.parse(ar.result());
            if (s.seen()) listener.accept(s);
          }
        });
  }

  public void close() {
    vertx.cancelTimer(timer);
  }

  /**
   * The listener that holds work back on {@code cap} while vLLM is saturated (waiting requests, or KV-cache usage at or
   * above {@code kvThreshold}) and, with {@code --max-inflight auto}, moves the cap to vLLM's capacity hint.
   */
  public static Consumer<VllmSaturation.Snapshot> applyTo(ClusterCap cap, MaxInflight setting, double kvThreshold) {
    return s -> {
      cap.holdBack(s.saturated(kvThreshold));
      cap.cap(setting.resolve(cap.cap(), s));
    };
  }
}
