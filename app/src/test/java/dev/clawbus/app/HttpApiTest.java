package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.infra.testing.OpenClawRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP API as clients see it on the wire: OpenClaw's request, SSE framing, errors, health. */
class HttpApiTest extends SimNodeTest {
  private static JsonObject error(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    JsonObject e = new JsonObject(r.body()).getJsonObject("error");
    assertNotNull(e.getString("message"));
    assertNotNull(e.getString("type"));
    assertTrue(e.containsKey("param") && e.containsKey("code"), r.body());
    return e;
  }

  @Test
  void openClawRequestPassesTheStrictSimulator() throws Exception {
    JsonObject body = OpenClawRequests.chat(TestNodes.MODEL, "what now? [[sim words=30]]", true);
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions", body.encode(),
        "accept", "application/json", "authorization", "Bearer sk-openclaw", "x-stainless-lang", "js");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    assertTrue(r.headers().firstValue("x-request-id").isPresent());
    List<Sse> events = TestNodes.sse(r.body());
    assertEquals("[DONE]", events.get(events.size() - 1).data());
    String id = null;
    Long created = null;
    long lastSeq = -1;
    boolean sawFinish = false;
    boolean sawUsage = false;
    for (Sse e : events.subList(0, events.size() - 1)) {
      JsonObject c = new JsonObject(e.data());
      assertNull(c.getValue("error"), e.data());
      if (id == null) { id = c.getString("id"); created = c.getLong("created"); }
      assertEquals(id, c.getString("id"));
      assertEquals(created, c.getLong("created"));
      assertEquals("chat.completion.chunk", c.getString("object"));
      assertEquals(TestNodes.MODEL, c.getString("model"));
      if (e.id() != null) {
        assertEquals(lastSeq + 1, Long.parseLong(e.id()), "SSE ids are the contiguous sequence");
        lastSeq = Long.parseLong(e.id());
      }
      JsonArray choices = c.getJsonArray("choices");
      if (choices.isEmpty()) {
        sawUsage = c.getJsonObject("usage").getInteger("prompt_tokens") > 10_000;
        continue;
      }
      assertEquals(0, choices.getJsonObject(0).getInteger("index"));
      assertNotNull(choices.getJsonObject(0).getJsonObject("delta"));
      sawFinish |= choices.getJsonObject(0).getString("finish_reason") != null;
    }
    assertTrue(sawFinish, "an explicit finish_reason: OpenClaw treats its absence as a normal stop");
    assertTrue(sawUsage, "usage chunk (choices: []) with the 50k-character system prompt counted");
    JsonObject sent = node.simulator().requests().get(node.simulator().requests().size() - 1);
    assertTrue(sent.containsKey("max_tokens") && !sent.containsKey("max_completion_tokens"));
  }

  @Test
  void nonStreamingAnswerIsJson() throws Exception {
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("json please [[sim words=7]]", false).encode());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject c = new JsonObject(r.body());
    assertEquals("chat.completion", c.getString("object"));
    assertEquals(7, c.getJsonObject("usage").getInteger("completion_tokens"));
  }

  @Test
  void withoutToolsNothingBecomesACall() throws Exception {
    String printed = "Example: <tool_call>{\"name\": \"exec\", \"arguments\": {\"command\": \"ls\"}}</tool_call> and "
        + "{\"name\": \"x\", \"arguments\": {}}";
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions", TestNodes.userChat(
        "show markup [[sim text=" + new JsonObject().put("t", printed).encode().substring(5).replaceAll("}$", "")
            + "]]", false).encode());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject msg = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertEquals(printed, msg.getString("content"), "a client that offered no tools gets the text as it was");
    assertNull(msg.getValue("tool_calls"));
  }

  @Test
  void badInputGetsOpenAiShapedErrors() throws Exception {
    String url = base + "/v1/chat/completions";
    error(TestNodes.post(url, "{not json"), 400);
    error(TestNodes.post(url, "[1,2]"), 400);
    assertEquals("messages", error(TestNodes.post(url, new JsonObject().put("model", TestNodes.MODEL)
        .put("messages", new JsonArray()).encode()), 400).getString("param"));
    assertEquals("stream", error(TestNodes.post(url, TestNodes.userChat("x", false).put("stream", "yes").encode()),
        400).getString("param"));
    assertEquals("temperature", error(TestNodes.post(url, TestNodes.userChat("x", false).put("temperature", "hot")
        .encode()), 400).getString("param"));
    assertEquals("model_not_found", error(TestNodes.post(url, TestNodes.userChat("x", false).put("model", "gpt-9")
        .encode()), 404).getString("code"));
    String huge = "x".repeat(1_100_000);
    error(TestNodes.post(url, TestNodes.userChat(huge, false).encode()), 413);
    error(TestNodes.get(base + "/v2/nothing"), 404);
  }

  @Test
  void vllmClientErrorsKeepTheirStatusAndMessage() throws Exception {
    String longPrompt = "word ".repeat(40_000);
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat(longPrompt, true).encode());
    JsonObject e = error(r, 400);
    assertTrue(e.getString("message").contains("maximum context length"), e.getString("message"));
    HttpResponse<String> direct = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("fail [[sim error=400]]", false).encode());
    error(direct, 400);
  }

  @Test
  void maxTokensIsClampedToTheContextWindow() throws Exception {
    String prompt = "word ".repeat(20_000) + "[[sim words=3]]";
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat(prompt, false).put("max_completion_tokens", 30_000).encode());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject sent = node.simulator().requests().get(node.simulator().requests().size() - 1);
    assertTrue(sent.getInteger("max_tokens") < 30_000, "clamped: " + sent.getInteger("max_tokens"));
  }

  @Test
  void healthModelsAndReadiness() throws Exception {
    JsonObject h = new JsonObject(TestNodes.get(base + "/health").body());
    assertEquals("ok", h.getString("status"));
    assertNotNull(h.getString("version"));
    assertEquals(node.config().vllmUrl(), h.getString("vllm_url"));
    assertEquals(200, TestNodes.get(base + "/healthz").statusCode());
    HttpResponse<String> ready = TestNodes.get(base + "/readyz");
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject models = new JsonObject(TestNodes.get(base + "/v1/models").body());
    assertEquals(TestNodes.MODEL, models.getJsonArray("data").getJsonObject(0).getString("id"));
    assertTrue(models.getJsonArray("data").getJsonObject(0).getInteger("max_model_len") > 0);
  }

  /** Documented vLLM endpoints reach vLLM; nothing else does (clawbus answers its own 404). */
  @Test
  void documentedVllmPathsPassThroughAndNothingElse() throws Exception {
    HttpResponse<String> tokens = TestNodes.post(base + "/tokenize", new JsonObject().put("model", TestNodes.MODEL)
        .put("prompt", "one two three").encode());
    assertEquals(200, tokens.statusCode(), tokens.body());
    assertTrue(new JsonObject(tokens.body()).getInteger("count") > 0, "vLLM's own answer: " + tokens.body());
    HttpResponse<String> other = TestNodes.post(base + "/v1/nonexistent", "{}");
    assertEquals("not_found", error(other, 404).getString("code"));
    assertTrue(error(other, 404).getString("message").contains("clawbus"), "clawbus's own 404, not vLLM's");
  }

  @Test
  void keepalivesAreEmptyDeltaDataChunks() throws Exception {
    HttpResponse<String> r = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("slow start [[sim words=2 ttft_ms=2600]]", true).encode());
    assertEquals(200, r.statusCode());
    List<Sse> events = TestNodes.sse(r.body());
    long keepalives = events.stream().filter(e -> e.id() == null && e.data().startsWith("{"))
        .filter(e -> new JsonObject(e.data()).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").isEmpty())
        .count();
    assertTrue(keepalives >= 2, "a 2.6 s wait with a 1 s keepalive: " + r.body());
    assertTrue(r.body().lines().noneMatch(l -> l.startsWith(":")), "no SSE comments: OpenClaw ignores them");
  }
}
