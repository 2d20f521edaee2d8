package dev.clawbus.infra.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.kafka.LocalPorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClawbusMetricsTest {
  private static final String HOST = "127.0.0.1";

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void aClusteredNodeServesJvmVertxKafkaAndClawbusMetricsToAdminsOnly() throws Exception {
    ClawbusConfig cfg = ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_HOST, HOST)
        .with(ClawbusConfig.CLUSTER_PORT, 0);
    Vertx vertx = await(ClusterSetup.clusteredVertx(cfg));
    KafkaProducer<String, String> producer = null;
    try {
      ClawbusMetrics m = ClawbusMetrics.of(vertx);
      assertSame(m, ClawbusMetrics.of(vertx), "one registry per node");
      producer = KafkaProducer.create(vertx, Map.of("bootstrap.servers", HOST + ":" + LocalPorts.free(HOST),
          "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
          "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
      AutoCloseable kafka = m.bindKafkaProducer(producer.unwrap());

      TenantMeters a = m.tenant("team-a");
      assertSame(a, m.tenant("team-a"));
      a.queueWait(300);
      a.timeToFirstToken(1200);
      a.generation(500, 10_000);
      a.finished(ClawbusMetrics.Outcome.DONE, 1000, 500);
      a.error("vllm_unreachable");
      a.rejected("rpm");
      m.retry();
      m.takeover();
      m.journalEntries(7);
      m.inflight(() -> 3);
      m.queued(() -> 11);
      m.tenantCounts(() -> Map.of("team-a", new int[] {4, 2}));

      await(vertx.eventBus().consumer("test.metrics", msg -> msg.reply("ok")).completion());
      await(vertx.eventBus().request("test.metrics", "?"));
      await(vertx.eventBus().consumer("test.metrics", msg -> msg.reply("ok")).completion());
      await(vertx.eventBus().consumer("test.other", msg -> msg.reply("ok")).completion());
      Router router = Router.router(vertx);
      router.get("/metrics").handler(m.handler(ctx -> "Bearer sk-admin".equals(ctx.request().getHeader("authorization"))));
      router.get("/hello").handler(ctx -> ctx.end("hi"));
      HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, HOST));
      String base = "http://" + HOST + ":" + server.actualPort();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/hello")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode());

      HttpResponse<String> denied = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, denied.statusCode());
      assertEquals("invalid_api_key", new JsonObject(denied.body()).getJsonObject("error").getString("code"));

      HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
          .header("authorization", "Bearer sk-admin").timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", ok.headers().firstValue("content-type").orElse(""));
      String text = ok.body();
      for (String expected : new String[] {
          "clawbus_requests_total{outcome=\"done\",tenant=\"team-a\"} 1.0",
          "clawbus_requests_total{outcome=\"failed\",tenant=\"team-a\"} 0.0",
          "clawbus_prompt_tokens_total{tenant=\"team-a\"} 1000.0",
          "clawbus_completion_tokens_total{tenant=\"team-a\"} 500.0",
          "clawbus_queue_wait_seconds_bucket{tenant=\"team-a\",le=\"0.5\"} 1",
          "clawbus_queue_wait_seconds_bucket{tenant=\"team-a\",le=\"0.25\"} 0",
          "clawbus_time_to_first_token_seconds_count{tenant=\"team-a\"} 1",
          "clawbus_tokens_per_second_sum{tenant=\"team-a\"} 50.0",
          "clawbus_errors_total{kind=\"vllm_unreachable\",tenant=\"team-a\"} 1.0",
          "clawbus_rejected_total{reason=\"rpm\",tenant=\"team-a\"} 1.0",
          "clawbus_tenant_queued{tenant=\"team-a\"} 4.0",
          "clawbus_tenant_running{tenant=\"team-a\"} 2.0",
          "clawbus_inflight 3.0", "clawbus_queued 11.0", "clawbus_retries_total 1.0", "clawbus_takeovers_total 1.0",
          "clawbus_continuations_total 0.0", "clawbus_journal_entries_total 7.0",
          "jvm_memory_used_bytes", "jvm_gc_", "process_uptime_seconds",
          "vertx_http_server_", "vertx_eventbus_handlers 3.0", "kafka_producer_"}) {
        assertTrue(text.contains(expected), "missing " + expected);
      }
      kafka.close();
      assertFalse(m.scrape().contains("kafka_producer_"), "unbound");
    } finally {
      if (producer != null) await(producer.close());
      await(vertx.close());
    }
  }

  @Test
  void tenantTagsAreBounded() {
    ClawbusMetrics m = ClawbusMetrics.create();
    try {
      for (int i = 0; i < ClawbusMetrics.MAX_TENANT_TAGS + 50; i++) {
        m.tenant("t" + i).finished(ClawbusMetrics.Outcome.DONE, 1, 1);
      }
      assertEquals("other", m.tenant("one-too-many").tenant());
      assertEquals("t3", m.tenant("t3").tenant(), "known tenants keep their meters");
      String text = m.scrape();
      assertTrue(text.contains("clawbus_requests_total{outcome=\"done\",tenant=\"other\"} 50.0"), "overflow counted");
      TenantMeters t = m.tenant("t1");
      for (int i = 0; i < 80; i++) t.error("Kind " + i);
      assertTrue(m.scrape().contains("clawbus_errors_total{kind=\"kind_3\",tenant=\"t1\"} 1.0"));
      assertTrue(m.scrape().contains("clawbus_errors_total{kind=\"other\",tenant=\"t1\"} 30.0"));
    } finally {
      m.close();
    }
  }
}
