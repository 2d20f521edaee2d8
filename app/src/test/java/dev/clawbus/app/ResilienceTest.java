package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.time.Duration;
import dev.clawbus.infra.testing.Eventually;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** vLLM failing under a running node, and the resume API, with the in-process simulator. */
class ResilienceTest extends SimNodeTest {
  private static String lastAnswer(int words) {
    List<JsonObject> seen = node.simulator().requests();
    JsonObject first = seen.stream().filter(r -> !r.getBoolean("continue_final_message", false))
        .reduce((a, b) -> b).orElseThrow();
    return VllmSimulator.answerText(first.getJsonArray("messages"), words);
  }

  @Test
  void vllmCrashMidAnswerIsContinuedSeamlessly() throws Exception {
    node.simulator().chaos().reset().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    node.simulator().chaos().crashAfterTokens(25, 2_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    StreamReader client = StreamReader.post(base + "/v1/chat/completions",
        TestNodes.userChat("a long one [[sim words=80 tps=400]]", true).encode());
    Eventually.until(() -> !node.simulator().isUp(), Duration.ofSeconds(30));
    Eventually.until(() -> node.simulator().isUp(), Duration.ofSeconds(30));
    long backAt = System.nanoTime();
    client.awaitEnd(60_000);
    List<Sse> events = client.events;
    String expected = lastAnswer(80);
    assertEquals(expected, TestNodes.content(events), "every token exactly once across the crash");
    assertEquals("[DONE]", events.get(events.size() - 1).data());
    JsonObject continuation = node.simulator().requests().stream()
        .filter(q -> q.getBoolean("continue_final_message", false)).reduce((a, b) -> b).orElseThrow();
    assertEquals(false, continuation.getBoolean("add_generation_prompt"));
    JsonObject prefix = continuation.getJsonArray("messages").getJsonObject(continuation.getJsonArray("messages").size() - 1);
    assertEquals("assistant", prefix.getString("role"));
    assertTrue(expected.startsWith(prefix.getString("content")) && !prefix.getString("content").isEmpty());
    // Measured where it happens: vLLM is asked again (the simulator's arrival time), and the first new token reaches
    // the client (its arrival time), each from the moment the simulator was back (polled every 10 ms).
    List<JsonObject> reqs = node.simulator().requests();
    List<Long> arrivals = node.simulator().arrivals();
    long askedAt = -1;
    for (int i = 0; i < reqs.size(); i++) {
      // The last continuation is the one vLLM answered (earlier ones, while it was down, were refused); the
      // simulator may accept it a few ms before this test's 10 ms polling notices it is back.
      if (reqs.get(i).getBoolean("continue_final_message", false) && reqs.get(i).encode().contains("a long one")) {
        askedAt = arrivals.get(i);
      }
    }
    long askedMillis = Math.max(0, askedAt - backAt) / 1_000_000;
    long firstNewMillis = (client.firstEventAfter(backAt) - backAt) / 1_000_000;
    System.out.printf("recovery: vLLM crash + 2 s down: vLLM back -> asked again %d ms, first new token at the client "
        + "%d ms; whole answer in %d ms%n", askedMillis, firstNewMillis, (System.nanoTime() - t0) / 1_000_000);
    assertTrue(firstNewMillis < 2_000, "continued soon after vLLM is back: " + firstNewMillis + " ms");
  }

  private static JsonObject checkFilesRequest(String marker) {
    JsonObject body = TestNodes.userChat(marker + " [[sim text=\"Checking the files now.\" tool=exec "
        + "args={\"command\":\"ls -la /tmp\"} mode=xml]]", true);
    return body.put("tools", new io.vertx.core.json.JsonArray().add(new JsonObject().put("type", "function")
        .put("function", new JsonObject().put("name", "exec").put("parameters", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("command", new JsonObject().put("type", "string")))))));
  }

  private static List<JsonObject> toolCalls(List<Sse> events) {
    return events.stream().filter(e -> e.data().contains("\"tool_calls\":["))
        .map(e -> new JsonObject(e.data()).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
            .getJsonArray("tool_calls").getJsonObject(0)).toList();
  }

  @Test
  void crashInsideAToolCallRegeneratesTheCallWhole() throws Exception {
    node.simulator().chaos().reset().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<Sse> calm = TestNodes.sse(TestNodes.post(base + "/v1/chat/completions",
        checkFilesRequest("check files calmly").encode()).body());
    node.simulator().chaos().crashAfterTokens(9, 1_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions", checkFilesRequest("check files").encode());
    assertEquals(200, r.statusCode(), r.body());
    List<Sse> events = TestNodes.sse(r.body());
    assertEquals("Checking the files now.", TestNodes.content(events).strip());
    assertEquals(TestNodes.content(calm), TestNodes.content(events), "the same answer as without the crash");
    List<JsonObject> calls = toolCalls(events);
    assertEquals(1, calls.size(), "one call, once: " + r.body());
    assertEquals(toolCalls(calm).get(0).getJsonObject("function"), calls.get(0).getJsonObject("function"));
    assertEquals("ls -la /tmp", new JsonObject(calls.get(0).getJsonObject("function").getString("arguments"))
        .getString("command"));
    JsonObject continuation = node.simulator().requests().stream()
        .filter(q -> q.getBoolean("continue_final_message", false)).reduce((a, b) -> b).orElseThrow();
    JsonObject prefix = continuation.getJsonArray("messages").getJsonObject(continuation.getJsonArray("messages").size() - 1);
    assertTrue(prefix.getString("content").startsWith("Checking the files now."), prefix.encode());
    assertTrue(!prefix.getString("content").contains("<tool_call"), "restarted before the unfinished call: "
        + prefix.getString("content"));
  }

  @Test
  void requestWaitsForVllmThatIsDownWhenItArrives() throws Exception {
    node.simulator().chaos().unavailableFor(30_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    long t0 = System.nanoTime();
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("are you there? [[sim words=12]]", true).encode());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(200, r.statusCode(), r.body());
    List<Sse> events = TestNodes.sse(r.body());
    assertEquals(lastAnswer(12), TestNodes.content(events));
    assertTrue(ms >= 29_000, "it waited for vLLM: " + ms + " ms");
    assertTrue(events.stream().filter(e -> e.id() == null && !e.data().equals("[DONE]")).count() >= 20,
        "keepalive chunks every second while waiting");
    System.out.printf("recovery: vLLM down 30 s at arrival, answered after %d ms%n", ms);
  }

  @Test
  void finishedAnswersCanBeReplayedFromAnySequenceNumber() throws Exception {
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("replay me [[sim words=20]]", true).encode());
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    List<Sse> all = TestNodes.sse(r.body());
    HttpResponse<String> replay = TestNodes.get(base + "/v1/requests/" + id + "/events?starting_after=5");
    List<Sse> tail = TestNodes.sse(replay.body());
    assertEquals("6", tail.get(0).id());
    assertEquals(all.subList(all.size() - tail.size(), all.size()), tail, "exactly the remainder");
    HttpResponse<String> byHeader = TestNodes.get(base + "/v1/requests/" + id + "/events", "Last-Event-ID", "10");
    assertEquals("11", TestNodes.sse(byHeader.body()).get(0).id());

    JsonObject state = new JsonObject(TestNodes.get(base + "/v1/requests/" + id).body());
    assertEquals("done", state.getString("status"));
    assertEquals(TestNodes.content(all), state.getJsonObject("response").getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content"));
    assertEquals(404, TestNodes.get(base + "/v1/requests/nope-nope-nope").statusCode());
  }

  @Test
  void sameIdempotencyKeyAttachesInsteadOfGeneratingAgain() throws Exception {
    String body = TestNodes.userChat("only once [[sim words=30 tps=300]]", true).encode();
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> post(body, "k-123"));
    Eventually.until(() -> node.simulator().requests().stream().anyMatch(q -> q.encode().contains("only once")),
        Duration.ofSeconds(20));
    HttpResponse<String> second = post(body, "k-123");
    HttpResponse<String> one = first.get(60, TimeUnit.SECONDS);
    assertEquals(one.headers().firstValue("x-request-id"), second.headers().firstValue("x-request-id"));
    assertEquals(TestNodes.content(TestNodes.sse(one.body())), TestNodes.content(TestNodes.sse(second.body())));
    List<JsonObject> generated = node.simulator().requests().stream()
        .filter(q -> q.encode().contains("only once")).toList();
    assertEquals(1, generated.size(), "vLLM generated the answer once: " + generated.stream()
        .map(q -> "continue=" + q.getValue("continue_final_message")).toList());
  }

  @Test
  void cancelAbortsARunningRequest() throws Exception {
    CompletableFuture<HttpResponse<String>> running = CompletableFuture.supplyAsync(() -> {
      try {
        return TestNodes.post(base + "/v1/chat/completions",
            TestNodes.userChat("never ending [[sim words=2000 tps=50]]", true).encode(), "X-Request-Id", "cancel-me-123");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Eventually.until(() -> node.simulator().requests().stream().anyMatch(q -> q.encode().contains("never ending")),
        Duration.ofSeconds(20));
    HttpResponse<String> c = TestNodes.post(base + "/v1/requests/cancel-me-123/cancel", "");
    assertEquals(200, c.statusCode(), c.body());
    HttpResponse<String> r = running.get(30, TimeUnit.SECONDS);
    List<Sse> events = TestNodes.sse(r.body());
    JsonObject last = new JsonObject(events.get(events.size() - 1).data());
    assertNotNull(last.getJsonObject("error"), "the stream ends with an explicit error event");
    Eventually.until(() -> new JsonObject(TestNodes.get(base + "/v1/requests/cancel-me-123").body())
        .getString("status").equals("cancelled"), Duration.ofSeconds(10));
  }

  private static HttpResponse<String> post(String body, String key) {
    try {
      return TestNodes.post(base + "/v1/chat/completions", body, "Idempotency-Key", key);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
