package dev.clawbus.sim;

import static dev.clawbus.sim.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimChatTest extends SimTestBase {

  @BeforeAll
  static void start() {
    startSim(SimOptions.defaults().withPort(0).withTtftMs(5).withTokensPerSecond(2000), 8);
  }


  static JsonObject chat(String userText, boolean stream) {
    JsonObject body = new JsonObject().put("model", "clawbus-sim").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "You are a test."))
        .add(new JsonObject().put("role", "user").put("content", userText)));
    if (stream) body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    return body;
  }

  @Test
  void streamHasVllmChunkShapesInOrder() {
    JsonObject body = chat("Hello there", true);
    SimClient.Sse sse = await(client.stream(port, body));
    assertEquals(200, sse.status());
    assertTrue(sse.ended());
    List<String> data = sse.data();
    assertEquals("[DONE]", data.get(data.size() - 1));
    List<JsonObject> chunks = sse.chunks();
    // role, 40 words, finish, usage
    assertEquals(1 + 40 + 1 + 1, chunks.size());
    String id = chunks.get(0).getString("id");
    long created = chunks.get(0).getLong("created");
    assertTrue(id.startsWith("chatcmpl-"), id);
    for (JsonObject c : chunks) {
      assertEquals(id, c.getString("id"));
      assertEquals(created, c.getLong("created"));
      assertEquals("chat.completion.chunk", c.getString("object"));
      assertEquals("clawbus-sim", c.getString("model"));
    }
    JsonObject role = chunks.get(0).getJsonArray("choices").getJsonObject(0);
    assertEquals(new JsonObject().put("role", "assistant").put("content", ""), role.getJsonObject("delta"));
    assertNull(role.getValue("finish_reason"));
    for (int i = 1; i <= 40; i++) {
      JsonObject choice = chunks.get(i).getJsonArray("choices").getJsonObject(0);
      assertEquals(0, choice.getInteger("index"));
      assertEquals(1, choice.getJsonObject("delta").size(), "one content token per chunk");
      assertFalse(choice.getJsonObject("delta").getString("content").isEmpty());
      assertNull(choice.getValue("finish_reason"));
    }
    JsonObject fin = chunks.get(41).getJsonArray("choices").getJsonObject(0);
    assertEquals("stop", fin.getString("finish_reason"));
    JsonObject usage = chunks.get(42);
    assertEquals(new JsonArray(), usage.getJsonArray("choices"));
    JsonObject u = usage.getJsonObject("usage");
    assertEquals(40, u.getInteger("completion_tokens"));
    assertTrue(u.getInteger("prompt_tokens") > 5);
    assertEquals(u.getInteger("prompt_tokens") + 40, u.getInteger("total_tokens"));

    String expected = VllmSimulator.answerText(body.getJsonArray("messages"), 40);
    assertEquals(expected, sse.content());
    assertEquals(40, expected.split(" ").length);
    assertTrue(expected.endsWith("."));
  }

  @Test
  void answerDependsOnConversationAndIsStable() {
    String a = await(client.stream(port, chat("first question", true))).content();
    String b = await(client.stream(port, chat("first question", true))).content();
    String c = await(client.stream(port, chat("second question", true))).content();
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void noUsageChunkUnlessAsked() {
    JsonObject body = chat("[[sim words=3]]", true);
    body.remove("stream_options");
    List<JsonObject> chunks = await(client.stream(port, body)).chunks();
    assertEquals(1 + 3 + 1, chunks.size());
    for (JsonObject c : chunks) assertFalse(c.containsKey("usage"));
  }

  @Test
  void nonStreamingIsOneChatCompletionWithUsage() {
    JsonObject body = chat("[[sim words=12 seed=7]]", false);
    SimClient.Reply r = await(client.send(HttpMethod.POST, port, "/v1/chat/completions", body));
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("application/json"));
    JsonObject j = r.json();
    assertEquals("chat.completion", j.getString("object"));
    assertTrue(j.getString("id").startsWith("chatcmpl-"));
    JsonObject choice = j.getJsonArray("choices").getJsonObject(0);
    assertEquals("stop", choice.getString("finish_reason"));
    assertEquals("assistant", choice.getJsonObject("message").getString("role"));
    assertEquals(VllmSimulator.answerText(7, 12), choice.getJsonObject("message").getString("content"));
    assertEquals(12, j.getJsonObject("usage").getInteger("completion_tokens"));
  }

  @Test
  void maxTokensCutsWithLength() {
    JsonObject body = chat("[[sim words=50 seed=3]]", true).put("max_tokens", 10);
    SimClient.Sse sse = await(client.stream(port, body));
    List<JsonObject> chunks = sse.chunks();
    assertEquals("length", chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0)
        .getString("finish_reason"));
    assertEquals(10, chunks.get(chunks.size() - 1).getJsonObject("usage").getInteger("completion_tokens"));
    assertTrue(VllmSimulator.answerText(3, 50).startsWith(sse.content()));
    assertEquals(VllmSimulator.answerText(3, 10).split(" ").length, sse.content().split(" ").length);
  }

  @Test
  void maxCompletionTokensCountsWhenLenient() {
    JsonObject body = chat("[[sim words=50]]", false).put("max_completion_tokens", 4);
    JsonObject j = await(client.send(HttpMethod.POST, port, "/v1/chat/completions", body)).json();
    assertEquals(4, j.getJsonObject("usage").getInteger("completion_tokens"));
    assertEquals("length", j.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
  }

  @Test
  void structuredToolCallStreamsLikeVllm() {
    JsonObject body = chat("run it [[sim tool=exec args={\"command\":\"ls -la\",\"workdir\":\"/tmp\"}]]", true);
    SimClient.Sse sse = await(client.stream(port, body));
    List<JsonObject> chunks = sse.chunks();
    JsonObject first = chunks.get(1).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
        .getJsonArray("tool_calls").getJsonObject(0);
    assertEquals(0, first.getInteger("index"));
    assertTrue(first.getString("id").startsWith("chatcmpl-tool-"));
    assertEquals("function", first.getString("type"));
    assertEquals("exec", first.getJsonObject("function").getString("name"));
    assertEquals("", first.getJsonObject("function").getString("arguments"));
    StringBuilder args = new StringBuilder();
    int fragments = 0;
    for (int i = 2; i < chunks.size() - 2; i++) {
      JsonObject call = chunks.get(i).getJsonArray("choices").getJsonObject(0).getJsonObject("delta")
          .getJsonArray("tool_calls").getJsonObject(0);
      assertEquals(0, call.getInteger("index"));
      assertFalse(call.containsKey("id"), "id only in the first delta");
      assertFalse(call.getJsonObject("function").containsKey("name"), "name only in the first delta");
      args.append(call.getJsonObject("function").getString("arguments"));
      fragments++;
    }
    assertTrue(fragments > 3);
    assertEquals(new JsonObject().put("command", "ls -la").put("workdir", "/tmp"), new JsonObject(args.toString()));
    assertEquals("tool_calls", chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0)
        .getString("finish_reason"));
    assertEquals("", sse.content());

    // the same call, not streamed
    JsonObject j = await(client.send(HttpMethod.POST, port, "/v1/chat/completions", chat(
        "run it [[sim tool=exec args={\"command\":\"ls -la\",\"workdir\":\"/tmp\"}]]", false))).json();
    JsonObject msg = j.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertNull(msg.getValue("content"));
    JsonObject call = msg.getJsonArray("tool_calls").getJsonObject(0);
    assertEquals(first.getString("id"), call.getString("id"), "ids derive from the conversation");
    assertEquals(args.toString(), call.getJsonObject("function").getString("arguments"));
  }

  @Test
  void twoToolCallsGetTwoIndexes() {
    JsonObject body = chat("[[sim tool=read args={\"path\":\"a\"}]] [[sim tool=exec args={\"command\":\"pwd\"} id=call1]]",
        false);
    JsonArray calls = await(client.send(HttpMethod.POST, port, "/v1/chat/completions", body)).json()
        .getJsonArray("choices").getJsonObject(0).getJsonObject("message").getJsonArray("tool_calls");
    assertEquals(2, calls.size());
    assertEquals("read", calls.getJsonObject(0).getJsonObject("function").getString("name"));
    assertEquals("call1", calls.getJsonObject(1).getString("id"));
    assertEquals("{\"command\":\"pwd\"}", calls.getJsonObject(1).getJsonObject("function").getString("arguments"));
  }

  @Test
  void xmlToolCallIsPrintedAsQwenCoderText() {
    JsonObject body = chat("[[sim tool=exec args={\"command\":\"ls -la\"} mode=xml]]", true);
    SimClient.Sse sse = await(client.stream(port, body));
    assertEquals("<tool_call>\n<function=exec>\n<parameter=command>\nls -la\n</parameter>\n</function>\n</tool_call>",
        sse.content());
    List<JsonObject> chunks = sse.chunks();
    assertTrue(chunks.size() > 10, "streamed token by token");
    assertEquals("stop", chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0)
        .getString("finish_reason"));
  }

  @Test
  void textDirectivesAnswerVerbatim() {
    String text = "<tool_call>{\"name\": \"exec\", \"arguments\": {\"command\": \"echo ]] hi\"}}</tool_call>\nüñí 😀";
    String quoted = new JsonArray().add(text).encode();
    quoted = quoted.substring(1, quoted.length() - 1);
    assertEquals(text, await(client.stream(port, chat("[[sim text=" + quoted + "]]", true))).content());
    String b64 = java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(text, await(client.stream(port, chat("x [[sim text_b64=" + b64 + "]] y", true))).content());
  }

  @Test
  void errorDirectives() {
    SimClient.Sse e = await(client.stream(port, chat("[[sim error=503]]", true)));
    assertEquals(503, e.status());
    JsonObject body = new JsonObject(e.body());
    assertEquals("error", body.getString("object"));
    assertEquals(503, body.getInteger("code"));

    SimClient.Sse mid = await(client.stream(port, chat("[[sim words=20 error_after=5]]", true)));
    assertEquals(200, mid.status());
    assertTrue(mid.ended());
    List<String> data = mid.data();
    assertEquals("[DONE]", data.get(data.size() - 1));
    JsonObject err = new JsonObject(data.get(data.size() - 2)).getJsonObject("error");
    assertEquals(500, err.getInteger("code"));
    assertEquals(1 + 5 + 1 + 1, data.size());

    SimClient.Reply whole = await(client.send(HttpMethod.POST, port, "/v1/chat/completions",
        chat("[[sim words=20 error_after=5]]", false)));
    assertEquals(500, whole.status());
    assertEquals("InternalServerError", whole.json().getString("type"));

    SimClient.Sse typo = await(client.stream(port, chat("[[sim wrods=20]]", true)));
    assertEquals(400, typo.status());
    assertTrue(new JsonObject(typo.body()).getString("message").contains("wrods"));
  }

  @Test
  void speedDirectivesAreHonoured() {
    long t0 = System.nanoTime();
    await(client.stream(port, chat("[[sim words=20 tps=100 ttft_ms=100]]", true)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    // 100 ms to the first token, then 19 more at 10 ms each
    assertTrue(ms >= 280, "took " + ms + " ms");
    assertTrue(ms < 2000, "took " + ms + " ms");
  }

  @Test
  void requestLogKeepsBodies() {
    JsonObject body = chat("log me " + System.nanoTime(), false);
    await(client.send(HttpMethod.POST, port, "/v1/chat/completions", body));
    List<JsonObject> log = sim.requests();
    assertEquals(body, log.get(log.size() - 1));
    JsonArray remote = new JsonArray(await(client.send(HttpMethod.GET, port, "/sim/requests", null)).body());
    assertEquals(body, remote.getJsonObject(remote.size() - 1));
  }
}
