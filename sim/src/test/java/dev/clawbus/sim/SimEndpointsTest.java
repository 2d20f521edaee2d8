package dev.clawbus.sim;

import static dev.clawbus.sim.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Health, models, tokenize, metrics and the request validation of the chat endpoint. */
class SimEndpointsTest {
  static Vertx vertx;
  static VllmSimulator sim;
  static VllmSimulator strict;
  static SimClient client;
  static int port;
  static int strictPort;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    SimOptions o = SimOptions.defaults().withPort(0).withTtftMs(1).withTokensPerSecond(5000).withMaxModelLen(1000);
    sim = new VllmSimulator(vertx, o);
    port = await(sim.start());
    strict = new VllmSimulator(vertx, o.withStrict(true).withModel("qwen3"));
    strictPort = await(strict.start());
    client = new SimClient(vertx, 4);
  }

  @AfterAll
  static void stop() {
    await(sim.stop());
    await(strict.stop());
    await(vertx.close());
  }

  static JsonArray messages(String user) {
    return new JsonArray().add(new JsonObject().put("role", "user").put("content", user));
  }

  static SimClient.Reply post(int p, String path, JsonObject body) {
    return await(client.send(HttpMethod.POST, p, path, body));
  }

  static void assertVllmError(SimClient.Reply r, int status, String messagePart) {
    assertEquals(status, r.status(), r.body());
    JsonObject e = r.json();
    assertEquals("error", e.getString("object"));
    assertEquals(status, e.getInteger("code"));
    assertTrue(e.containsKey("param"));
    assertEquals(status == 404 ? "NotFoundError" : status == 400 ? "BadRequestError" : "InternalServerError",
        e.getString("type"));
    assertTrue(e.getString("message").contains(messagePart), e.getString("message"));
  }

  @Test
  void healthIsEmpty200() {
    SimClient.Reply r = await(client.send(HttpMethod.GET, port, "/health", null));
    assertEquals(200, r.status());
    assertEquals("", r.body());
  }

  @Test
  void modelsHasVllmShape() {
    JsonObject j = await(client.send(HttpMethod.GET, port, "/v1/models", null)).json();
    assertEquals("list", j.getString("object"));
    JsonObject m = j.getJsonArray("data").getJsonObject(0);
    assertEquals("clawbus-sim", m.getString("id"));
    assertEquals("model", m.getString("object"));
    assertEquals("vllm", m.getString("owned_by"));
    assertEquals("clawbus-sim", m.getString("root"));
    assertTrue(m.containsKey("parent"));
    assertNull(m.getValue("parent"));
    assertEquals(1000, m.getInteger("max_model_len"));
    assertTrue(m.getLong("created") > 1_600_000_000L);
    assertEquals("model_permission", m.getJsonArray("permission").getJsonObject(0).getString("object"));
  }

  @Test
  void tokenizeCountsPromptsAndMessagesLikeTheChatUsage() {
    JsonObject p = post(port, "/tokenize", new JsonObject().put("model", "clawbus-sim")
        .put("prompt", "Hello, world! How are you?")).json();
    // Hello , world ! How are you ?
    assertEquals(8, p.getInteger("count"));
    assertEquals(8, p.getJsonArray("tokens").size());
    assertEquals(1000, p.getInteger("max_model_len"));

    JsonArray msgs = messages("[[sim words=2]] count me please");
    JsonObject t = post(port, "/tokenize", new JsonObject().put("model", "clawbus-sim").put("messages", msgs)).json();
    JsonObject chat = post(port, "/v1/chat/completions", new JsonObject().put("model", "clawbus-sim")
        .put("messages", msgs)).json();
    assertEquals(t.getInteger("count"), chat.getJsonObject("usage").getInteger("prompt_tokens"));
    assertEquals(t.getInteger("count"), t.getJsonArray("tokens").size());

    assertVllmError(post(port, "/tokenize", new JsonObject().put("model", "nope").put("prompt", "x")), 404, "nope");
  }

  @Test
  void metricsArePrometheusTextWithModelLabel() {
    SimClient.Reply r = await(client.send(HttpMethod.GET, port, "/metrics", null));
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("text/plain"));
    for (String name : new String[] {"vllm:num_requests_running", "vllm:num_requests_waiting",
        "vllm:gpu_cache_usage_perc", "vllm:kv_cache_usage_perc"}) {
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{model_name=\"clawbus-sim\"} ([0-9.]+)$")
          .matcher(r.body());
      assertTrue(m.find(), name + " missing in\n" + r.body());
      Double.parseDouble(m.group(1));
    }
    assertTrue(r.body().contains("# TYPE vllm:num_requests_running gauge"));
  }

  @Test
  void metricsCountRunningRequests() {
    JsonObject slow = new JsonObject().put("model", "clawbus-sim").put("stream", true)
        .put("messages", messages("[[sim words=30 tps=50]]"));
    var pending = client.stream(port, slow);
    long deadline = System.currentTimeMillis() + 3000;
    String body = "";
    while (System.currentTimeMillis() < deadline) {
      body = await(client.send(HttpMethod.GET, port, "/metrics", null)).body();
      if (body.contains("vllm:num_requests_running{model_name=\"clawbus-sim\"} 1.0")) break;
    }
    assertTrue(body.contains("vllm:num_requests_running{model_name=\"clawbus-sim\"} 1.0"), body);
    assertTrue(await(pending).ended());
    assertTrue(await(client.send(HttpMethod.GET, port, "/metrics", null)).body()
        .contains("vllm:num_requests_running{model_name=\"clawbus-sim\"} 0.0"));
  }

  @Test
  void unknownModelIs404() {
    assertVllmError(post(port, "/v1/chat/completions", new JsonObject().put("model", "gpt-4")
        .put("messages", messages("hi"))), 404, "The model `gpt-4` does not exist.");
  }

  @Test
  void contextOverflowHasVllmWording() {
    JsonObject body = new JsonObject().put("model", "clawbus-sim").put("messages", messages("one two three"))
        .put("max_tokens", 995);
    SimClient.Reply r = post(port, "/v1/chat/completions", body);
    int prompt = post(port, "/tokenize", new JsonObject().put("messages", messages("one two three"))).json()
        .getInteger("count");
    assertVllmError(r, 400, "This model's maximum context length is 1000 tokens. However, you requested "
        + (prompt + 995) + " tokens (" + prompt + " in the messages, 995 in the completion). Please reduce the "
        + "length of the messages or completion.");

    String huge = "word ".repeat(1200);
    assertVllmError(post(port, "/v1/chat/completions", new JsonObject().put("model", "clawbus-sim")
        .put("messages", messages(huge))), 400, "This model's maximum context length is 1000 tokens.");
  }

  @Test
  void continueFinalMessageNeedsAddGenerationPromptOff() {
    JsonArray msgs = messages("hi").add(new JsonObject().put("role", "assistant").put("content", "So"));
    assertVllmError(post(port, "/v1/chat/completions", new JsonObject().put("model", "clawbus-sim")
        .put("messages", msgs).put("continue_final_message", true).put("add_generation_prompt", true)), 400,
        "Cannot set both `continue_final_message` and `add_generation_prompt` to True.");
    // vLLM defaults add_generation_prompt to true
    assertEquals(400, post(port, "/v1/chat/completions", new JsonObject().put("model", "clawbus-sim")
        .put("messages", msgs).put("continue_final_message", true)).status());
  }

  @Test
  void malformedBodiesAre400() {
    SimClient.Reply r = await(client.onLoop(() -> client.http.request(HttpMethod.POST, port, "127.0.0.1",
            "/v1/chat/completions")
        .compose(req -> req.send("{not json"))
        .compose(resp -> resp.body().map(b -> new SimClient.Reply(resp.statusCode(), null, b.toString())))));
    assertVllmError(r, 400, "JSON");
    assertVllmError(post(port, "/v1/chat/completions", new JsonObject().put("model", "clawbus-sim")), 400,
        "messages");
    assertVllmError(post(port, "/v1/chat/completions", new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "assistant").put("content", "x").put("tool_calls", "oops")))), 400, "");
    assertVllmError(post(port, "/tokenize", new JsonObject().put("messages", new JsonArray().add(5))), 400, "");
    assertEquals(404, await(client.send(HttpMethod.GET, port, "/v2/nothing", null)).status());
    assertEquals(405, await(client.send(HttpMethod.GET, port, "/v1/chat/completions", null)).status());
  }

  @Test
  void lenientModeAcceptsWhatOpenClawSends() {
    JsonObject body = openClawLike();
    SimClient.Reply r = post(port, "/v1/chat/completions", body.put("model", "clawbus-sim"));
    assertEquals(200, r.status(), r.body());
  }

  static JsonObject openClawLike() {
    return new JsonObject().put("model", "qwen3")
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "developer").put("content", "rules"))
            .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "hi [[sim words=3]]")))))
        .put("store", false).put("max_completion_tokens", 100)
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("function",
            new JsonObject().put("name", "exec").put("strict", true).put("parameters", new JsonObject()))));
  }

  @Test
  void strictModeRejectsWhatOlderVllmRejected() {
    JsonObject base = new JsonObject().put("model", "qwen3").put("messages", messages("hi [[sim words=2]]"));
    assertEquals(200, post(strictPort, "/v1/chat/completions", base.copy()).status());
    assertVllmError(post(strictPort, "/v1/chat/completions", base.copy().put("store", false)), 400,
        "'extra_forbidden', 'loc': ('body', 'store')");
    assertVllmError(post(strictPort, "/v1/chat/completions", base.copy().put("max_completion_tokens", 5)), 400,
        "max_completion_tokens");
    assertVllmError(post(strictPort, "/v1/chat/completions", base.copy().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "developer").put("content", "x"))
        .add(new JsonObject().put("role", "user").put("content", "y")))), 400, "developer");
    assertVllmError(post(strictPort, "/v1/chat/completions", base.copy().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "y")))))), 400, "'content'");
    assertVllmError(post(strictPort, "/v1/chat/completions", base.copy().put("tools", new JsonArray()
        .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "exec")
            .put("strict", true))))), 400, "'function', 'strict'");
    assertEquals(400, post(strictPort, "/v1/chat/completions", openClawLike()).status());
  }
}
