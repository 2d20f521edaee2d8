package dev.clawbus.infra.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real HTTP server plays vLLM's /metrics; the cap on a real Hazelcast member follows it. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class VllmMetricsPollerTest {
  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void until(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!cond.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(10);
    }
  }

  @Test
  void saturationHoldsWorkBackAndAutoFollowsVllm() throws Exception {
    Vertx vertx = Vertx.vertx();
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig("127.0.0.1", 0, List.of(),
        "poller"));
    AtomicReference<String> metrics = new AtomicReference<>(VllmSaturationTest.V1);
    try {
      HttpServer vllm = await(vertx.createHttpServer()
          .requestHandler(req -> req.response().end(req.path().equals("/metrics") ? metrics.get() : "")).listen(0,
              "127.0.0.1"));
      ClusterCap cap = new ClusterCap(vertx, hz, MaxInflight.AUTO_START, () -> 10, () -> { }, 50);
      VllmMetricsPoller poller = new VllmMetricsPoller(vertx, vertx.createHttpClient(),
          VllmEndpoint.parse("http://127.0.0.1:" + vllm.actualPort()), 20,
          VllmMetricsPoller.applyTo(cap, MaxInflight.parse("auto"), VllmSaturation.DEFAULT_KV_THRESHOLD));
      until("granted", () -> cap.grant() == MaxInflight.AUTO_START);
      assertTrue(cap.tryAcquire());
      assertTrue(cap.tryAcquire(), "vLLM has room: no hold");

      metrics.set(VllmSaturationTest.V1.replace("} 0.0", "} 5.0")); // 12 running, 5 waiting
      until("the cap follows what vLLM runs", () -> cap.cap() == 12);
      assertTrue(!cap.tryAcquire(), "vLLM has work waiting: hold back");
      cap.release();
      cap.release();
      assertTrue(cap.tryAcquire(), "but one request may always run");

      metrics.set(VllmSaturationTest.V1.replace("0.4215", "0.99"));
      until("grant follows the new cap", () -> cap.grant() == 12);
      assertTrue(!cap.tryAcquire(), "a full KV cache holds back too");
      metrics.set(VllmSaturationTest.V1);
      until("saturation over", () -> cap.tryAcquire());
      assertEquals(12, cap.cap(), "a reading without a hint keeps the cap");
      poller.close();
      await(cap.close());
    } finally {
      hz.shutdown();
      await(vertx.close());
    }
  }
}
