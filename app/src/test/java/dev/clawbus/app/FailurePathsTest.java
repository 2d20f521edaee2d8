package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.testing.KafkaRecords;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node does when things go wrong for good: auth, vLLM gone too long, the loop guard. */
class FailurePathsTest {
  static final String KEY = "sk-team-a";
  @TempDir static Path dir;
  static ClawbusNode node;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    node = ClawbusNode.start(TestNodes.simNode(dir)
        .with(ClawbusConfig.API_KEYS, KEY + "=team-a")
        .with(ClawbusConfig.VLLM_WAIT_SECONDS, 3)
        .with(ClawbusConfig.LOOP_MAX_REPEATS, 3));
    base = node.url();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  private static HttpResponse<String> chat(JsonObject body, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "authorization";
    all[1] = "Bearer " + KEY;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return TestNodes.post(base + "/v1/chat/completions", body.encode(), all);
  }

  @Test
  void apiKeysAreRequiredAndWrongOnesRefused() throws Exception {
    String body = TestNodes.userChat("hi [[sim words=3]]", false).encode();
    HttpResponse<String> none = TestNodes.post(base + "/v1/chat/completions", body);
    assertEquals(401, none.statusCode());
    assertEquals("invalid_api_key", new JsonObject(none.body()).getJsonObject("error").getString("code"));
    assertEquals(401, TestNodes.post(base + "/v1/chat/completions", body, "authorization", "Bearer nope").statusCode());
    assertEquals(401, TestNodes.get(base + "/v1/models").statusCode());
    assertEquals(200, chat(TestNodes.userChat("hi [[sim words=3]]", false)).statusCode());
    assertEquals(200, TestNodes.get(base + "/health").statusCode(), "health needs no key");
  }

  @Test
  void vllmGoneLongerThanTheWaitEndsWithAClearErrorAndADeadLetter() throws Exception {
    node.simulator().chaos().unavailableFor(15_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    HttpResponse<String> r = chat(TestNodes.userChat("anyone? [[sim words=5]]", true), "X-Request-Id", "gone-for-good-1");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    node.simulator().chaos().reset().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<Sse> events = TestNodes.sse(r.body());
    assertTrue(events.stream().anyMatch(e -> e.data().startsWith("{") && new JsonObject(e.data())
        .getJsonArray("choices") != null), "keepalive chunks while waiting: " + r.body());
    JsonObject last = new JsonObject(events.get(events.size() - 1).data());
    JsonObject error = last.getJsonObject("error");
    assertNotNull(error, "the stream ends with an explicit error, not a silent stop: " + r.body());
    assertEquals("vllm_unavailable", error.getString("code"));
    assertTrue(error.getString("message").contains("unreachable"), error.getString("message"));
    assertTrue(ms >= 3_000 && ms < 15_000, "gave up after --vllm-wait-seconds: " + ms + " ms");

    JsonObject state = new JsonObject(TestNodes.get(base + "/v1/requests/gone-for-good-1",
        "authorization", "Bearer " + KEY).body());
    assertEquals("failed", state.getString("status"));

    ConsumerRecord<String, String> dead = deadLetter("team-a/gone-for-good-1");
    assertNotNull(dead, "the request is in " + Topics.REQUESTS_DLQ);
    assertTrue(new String(dead.headers().lastHeader(DeadLetter.REASON_HEADER).value(), StandardCharsets.UTF_8)
        .contains("unreachable"));
    DeadLetter record = DeadLetter.decode(dead.value());
    assertEquals("team-a", record.tenant(), "the tenant comes from the API key");
    assertEquals("gone-for-good-1", record.id());
    assertEquals(503, record.error().status());
    assertTrue(record.attempts() >= 1);
    assertNotNull(record.envelope().body().getJsonArray("messages"), "enough to replay it");
  }

  private static ConsumerRecord<String, String> deadLetter(String key) {
    return KafkaRecords.first(node.config().kafka(), Topics.REQUESTS_DLQ, key, Duration.ofSeconds(15));
  }


  @Test
  void loopGuardAnswersInTheShapeAskedForWithoutCallingVllm() throws Exception {
    JsonObject call = new JsonObject().put("id", "c1").put("type", "function")
        .put("function", new JsonObject().put("name", "exec").put("arguments", "{\"command\":\"ls\"}"));
    JsonArray messages = new JsonArray().add(new JsonObject().put("role", "user").put("content", "list it"));
    for (int i = 0; i < 3; i++) {
      messages.add(new JsonObject().put("role", "assistant").put("content", "")
          .put("tool_calls", new JsonArray().add(call.copy().put("id", "c" + i))));
      messages.add(new JsonObject().put("role", "tool").put("tool_call_id", "c" + i).put("content", "a.txt"));
    }
    int before = node.simulator().requests().size();
    JsonObject body = new JsonObject().put("model", TestNodes.MODEL).put("stream", true).put("messages", messages);
    HttpResponse<String> r = chat(body);
    assertEquals(200, r.statusCode(), r.body());
    List<Sse> events = TestNodes.sse(r.body());
    assertEquals("[DONE]", events.get(events.size() - 1).data());
    assertTrue(TestNodes.content(events).length() > 10, "a readable reason: " + r.body());
    assertTrue(r.body().contains("\"finish_reason\":\"stop\""));
    assertEquals(before, node.simulator().requests().size(), "vLLM was not asked");

    HttpResponse<String> json = chat(body.copy().put("stream", false));
    assertEquals("stop", new JsonObject(json.body()).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
    messages.add(new JsonObject().put("role", "user").put("content", "try something else [[sim words=2]]"));
    assertEquals(before + 1, waitForAnswer(body.copy().put("stream", false).put("messages", messages)),
        "a new user turn resets the guard: only the current turn counts");
  }

  private static int waitForAnswer(JsonObject body) throws Exception {
    assertEquals(200, chat(body).statusCode());
    return node.simulator().requests().size();
  }
}
