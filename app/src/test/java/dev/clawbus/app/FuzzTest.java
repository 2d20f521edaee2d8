package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.testing.OpenClawRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm of client mistakes against one node (seeded, so a failure reproduces): thousands of mutated
 * OpenClaw-shaped bodies (chat completions, and the recorded OpenClaw Responses request for {@code /v1/responses},
 * sharing one budget), raw bytes, odd paths, methods and headers. Whatever comes in: no 5xx, every 4xx in
 * OpenAI's error shape, no Java class name or stack text in any body, and the node healthy afterwards.
 */
class FuzzTest {
  static final long SEED = Long.getLong("clawbus.fuzz.seed", 20261129L);
  static final int BODIES = Integer.getInteger("clawbus.fuzz.bodies", 2_400);
  static final int RAW = Integer.getInteger("clawbus.fuzz.raw", 600);
  /** The share of the bodies that are Responses API requests. */
  static final int RESPONSES_BODIES = BODIES / 3;
  static final Pattern INTERNALS = Pattern.compile(
      "(java|javax|jdk|sun|io\\.vertx|io\\.netty|com\\.hazelcast|com\\.fasterxml|org\\.apache|dev\\.clawbus)\\.[a-z]"
          + "|Exception\\b|\\bat [a-z]+\\.[a-z]+.*\\(.*\\.java:\\d+\\)");
  static final String[] PATHS = {"/v1/chat/completions", "/v1/requests/abc/cancel", "/v1/requests/x/events",
      "/v1/requests/%2e%2e", "/v1/models", "/tokenize", "/v1/completions", "/v1/responses", "/v1/files",
      "/v1/chat/completions/extra", "/", "/health", "/v1//chat//completions", "/v1/requests/" + "z".repeat(300),
      "/v1/requests/a%00b", "/v1/requests/r1/events?starting_after=-7", "/v1/requests/r1/events?starting_after=x",
      "/metrics", "/admin/", "/v1/embeddings", "/detokenize", "/v1/responses/resp_fuzz-id-1",
      "/v1/responses/resp_fuzz-id-2/cancel", "/v1/responses/nope?stream=true&starting_after=-5",
      "/v1/responses/resp_fuzz-id-3?stream=true&starting_after=abc", "/v1/responses/resp_%00"};
  static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};

  @TempDir static Path dir;
  static ClawbusNode node;
  static String base;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    node = ClawbusNode.start(TestNodes.simNode(dir));
    base = node.url();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  record Case(String method, String path, byte[] body, Map<String, String> headers, String what) {}

  record Result(Case c, int status, String body) {}

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void noClientMistakeIsA5xxOrShowsInternals() throws Exception {
    Random rnd = new Random(SEED);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < BODIES - RESPONSES_BODIES; i++) cases.add(mutatedBody(rnd, i));
    for (int i = 0; i < RESPONSES_BODIES; i++) cases.add(mutatedResponsesBody(rnd, i));
    for (int i = 0; i < RAW; i++) cases.add(rawCase(rnd, i));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Result> results = new CopyOnWriteArrayList<>();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (Case c : cases) all.add(pool.submit(() -> {
        results.add(send(c));
        return null;
      }));
      for (Future<?> f : all) f.get(5, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    List<String> problems = new ArrayList<>();
    for (Result r : results) {
      byStatus.computeIfAbsent(r.status(), k -> new AtomicInteger()).incrementAndGet();
      String why = problem(r);
      if (why != null && problems.size() < 20) problems.add(why + " <- " + r.c().what() + " " + r.c().method() + " "
          + r.c().path() + ": " + r.status() + " " + clip(r.body()));
    }
    System.out.println("fuzz seed " + SEED + ": " + results.size() + " cases, by status " + byStatus);
    assertEquals(List.of(), problems);
    assertTrue(byStatus.getOrDefault(200, new AtomicInteger()).get() > 50, "some mutations stay valid: " + byStatus);
    assertTrue(byStatus.getOrDefault(400, new AtomicInteger()).get() > 500, "most are refused: " + byStatus);
    // Healthy afterwards: a normal request is answered.
    HttpResponse<String> ok = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("still fine? [[sim words=3]]", false).encode());
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals(200, TestNodes.get(base + "/readyz").statusCode());
  }

  static String problem(Result r) {
    if (r.status() >= 500) return "5xx";
    if (INTERNALS.matcher(r.body()).find()) return "internals in the body";
    if (r.status() >= 400 && !r.c().method().equals("HEAD")) {
      try {
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        if (e == null || !(e.getValue("message") instanceof String) || !(e.getValue("type") instanceof String)
            || !e.containsKey("param") || !e.containsKey("code")) {
          return "4xx not in OpenAI's shape";
        }
      } catch (RuntimeException notJson) {
        return "4xx not JSON";
      }
    }
    return null;
  }

  static Result send(Case c) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + c.path())).timeout(Duration.ofSeconds(60))
          .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(c.body()));
      c.headers().forEach(b::header);
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Result(c, r.statusCode(), r.body());
    } catch (IllegalArgumentException badUri) {
      return new Result(c, 400, "{\"error\":{\"message\":\"client refused the uri\",\"type\":\"t\",\"param\":null,"
          + "\"code\":null}}");
    } catch (Exception e) {
      return new Result(c, 599, "client failure: " + e);
    }
  }

  static String clip(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  // ---- body mutations -----------------------------------------------------------------------------------

  static final String[] FIELDS = {"model", "messages", "stream", "stream_options", "tools", "tool_choice",
      "max_completion_tokens", "max_tokens", "temperature", "top_p", "n", "stop", "seed", "response_format",
      "logprobs", "top_logprobs", "logit_bias", "user", "parallel_tool_calls", "store", "metadata",
      "chat_template_kwargs", "presence_penalty", "frequency_penalty", "reasoning_effort"};

  static Case mutatedBody(Random rnd, int i) {
    JsonObject body = OpenClawRequests.chat(TestNodes.MODEL, "fuzz " + i + " [[sim words=2]]", rnd.nextBoolean());
    if (rnd.nextInt(10) > 0) {
      body.getJsonArray("messages").getJsonObject(0).put("content", "You are a fuzzed assistant.");
    }
    StringBuilder what = new StringBuilder("mutations:");
    int n = 1 + rnd.nextInt(3);
    for (int k = 0; k < n; k++) what.append(' ').append(mutate(rnd, body));
    return post(rnd, "/v1/chat/completions", body, what);
  }

  /** A mutated body as a POST: random headers, and now and then cut short. */
  static Case post(Random rnd, String path, JsonObject body, StringBuilder what) {
    Map<String, String> headers = new java.util.HashMap<>();
    headers.put("content-type", "application/json");
    maybeHeaders(rnd, headers);
    byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
    if (rnd.nextInt(25) == 0) {
      bytes = java.util.Arrays.copyOf(bytes, rnd.nextInt(Math.max(1, bytes.length)));
      what.append(" truncated");
    }
    return new Case("POST", path, bytes, headers, what.toString());
  }

  /** One of {@code fields} set to a random value. */
  static String randomField(Random rnd, JsonObject body, String[] fields) {
    String f = fields[rnd.nextInt(fields.length)];
    body.put(f, randomValue(rnd));
    return f + "=random";
  }

  /** One of {@code fields} left out. */
  static String removedField(Random rnd, JsonObject body, String[] fields) {
    String f = fields[rnd.nextInt(fields.length)];
    body.remove(f);
    return "-" + f;
  }

  /** A model that does not exist. */
  static String unknownModel(Random rnd, JsonObject body) {
    body.put("model", rnd.nextBoolean() ? "gpt-9" : "x".repeat(rnd.nextInt(400)));
    return "model";
  }

  static void maybeHeaders(Random rnd, Map<String, String> headers) {
    switch (rnd.nextInt(8)) {
      case 0 -> headers.put("X-Request-Id", rnd.nextBoolean() ? "fuzz-id-" + rnd.nextInt(50) : "bad id!");
      case 1 -> headers.put("Idempotency-Key", rnd.nextBoolean() ? "k" + rnd.nextInt(50) : "x".repeat(300));
      case 2 -> headers.put("X-Clawbus-Tenant", rnd.nextBoolean() ? "t" + rnd.nextInt(5) : "../etc");
      case 3 -> headers.put("Last-Event-ID", "NaN");
      default -> { }
    }
  }

  static Object randomValue(Random rnd) {
    return switch (rnd.nextInt(14)) {
      case 0 -> null;
      case 1 -> rnd.nextInt();
      case 2 -> -1;
      case 3 -> 0;
      case 4 -> 1.5;
      case 5 -> "yes";
      case 6 -> "";
      case 7 -> true;
      case 8 -> new JsonArray();
      case 9 -> new JsonObject();
      case 10 -> new JsonArray().add(1).add("two").add(new JsonObject());
      case 11 -> Long.MAX_VALUE;
      case 12 -> new java.math.BigInteger("123456789012345678901234567890");
      default -> "\u0000\uD800 weird ☃";
    };
  }

  static String mutate(Random rnd, JsonObject body) {
    JsonArray msgs = body.getValue("messages") instanceof JsonArray a ? a : null;
    switch (rnd.nextInt(12)) {
      case 0, 1 -> {
        return randomField(rnd, body, FIELDS);
      }
      case 2 -> {
        return removedField(rnd, body, FIELDS);
      }
      case 3 -> {
        body.put("stream_options", new JsonObject().put("include_usage", randomValue(rnd)));
        return "include_usage";
      }
      case 4 -> {
        if (msgs == null || msgs.isEmpty()) return "noop";
        int i = rnd.nextInt(msgs.size());
        Object m = msgs.getValue(i);
        if (m instanceof JsonObject o) {
          String[] keys = {"role", "content", "tool_calls", "tool_call_id", "name", "reasoning_content"};
          String k = keys[rnd.nextInt(keys.length)];
          o.put(k, randomValue(rnd));
          return "messages[" + i + "]." + k;
        }
        msgs.set(i, randomValue(rnd));
        return "messages[" + i + "]";
      }
      case 5 -> {
        if (msgs == null) return "noop";
        msgs.add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", randomValue(rnd)).put("text", randomValue(rnd)))));
        return "content part";
      }
      case 6 -> {
        if (!(body.getValue("tools") instanceof JsonArray tools) || tools.isEmpty()) return "noop";
        int i = rnd.nextInt(tools.size());
        Object t = tools.getValue(i);
        if (t instanceof JsonObject o && o.getValue("function") instanceof JsonObject fn) {
          String[] keys = {"name", "parameters", "description", "strict"};
          String k = keys[rnd.nextInt(keys.length)];
          fn.put(k, randomValue(rnd));
          return "tools[" + i + "].function." + k;
        }
        tools.set(i, randomValue(rnd));
        return "tools[" + i + "]";
      }
      case 7 -> {
        Object[] choices = {"none", "auto", "required", "sometimes", new JsonObject().put("type", "function"),
            new JsonObject().put("type", "function").put("function", new JsonObject().put("name", 5)),
            new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "exec"))};
        body.put("tool_choice", choices[rnd.nextInt(choices.length)]);
        return "tool_choice";
      }
      case 8 -> {
        if (msgs == null || msgs.isEmpty()) return "noop";
        Object m = msgs.getValue(2);
        if (m instanceof JsonObject o && o.getValue("tool_calls") instanceof JsonArray calls && !calls.isEmpty()
            && calls.getValue(0) instanceof JsonObject call) {
          String[] keys = {"id", "type", "function"};
          call.put(keys[rnd.nextInt(keys.length)], randomValue(rnd));
          if (call.getValue("function") instanceof JsonObject fn) fn.put("arguments", randomValue(rnd));
          return "tool_calls";
        }
        return "noop";
      }
      case 9 -> {
        body.put("response_format", new JsonObject().put("type", rnd.nextBoolean() ? "json_schema" : randomValue(rnd)));
        return "response_format";
      }
      case 10 -> {
        return unknownModel(rnd, body);
      }
      default -> {
        body.put("max_tokens", rnd.nextInt(3) - 1 + (rnd.nextBoolean() ? 0 : 5_000_000));
        return "max_tokens";
      }
    }
  }

  // ---- Responses API bodies --------------------------------------------------------------------------------

  static final JsonObject RECORDED_RESPONSES = OpenClawRequests.responses();
  static final String[] RESPONSES_FIELDS = {"model", "input", "stream", "instructions", "tools", "tool_choice",
      "max_output_tokens", "temperature", "top_p", "parallel_tool_calls", "store", "background", "metadata",
      "previous_response_id", "text", "reasoning", "truncation", "include", "user", "stream_options",
      "max_tool_calls", "top_logprobs", "service_tier", "conversation", "prompt", "prompt_cache_key", "top_k", "stop"};
  static final String[] ITEM_KEYS = {"type", "role", "content", "call_id", "name", "arguments", "output", "id",
      "status", "summary", "encrypted_content"};

  /** The recorded OpenClaw Responses request (system prompt shortened mostly), mutated. */
  static Case mutatedResponsesBody(Random rnd, int i) {
    JsonObject body = RECORDED_RESPONSES.copy().put("model", TestNodes.MODEL).put("stream", rnd.nextBoolean());
    JsonArray input = body.getJsonArray("input");
    if (rnd.nextInt(10) > 0) {
      input.getJsonObject(0).put("content", new JsonArray().add(new JsonObject().put("type", "input_text")
          .put("text", "You are a fuzzed assistant.")));
    }
    input.getJsonObject(input.size() - 1).put("content", new JsonArray().add(new JsonObject()
        .put("type", "input_text").put("text", "fuzz responses " + i + " [[sim words=2]]")));
    StringBuilder what = new StringBuilder("responses mutations:");
    int n = 1 + rnd.nextInt(3);
    for (int k = 0; k < n; k++) what.append(' ').append(mutateResponses(rnd, body));
    return post(rnd, "/v1/responses", body, what);
  }

  static String mutateResponses(Random rnd, JsonObject body) {
    JsonArray input = body.getValue("input") instanceof JsonArray a ? a : null;
    switch (rnd.nextInt(12)) {
      case 0, 1 -> {
        return randomField(rnd, body, RESPONSES_FIELDS);
      }
      case 2 -> {
        return removedField(rnd, body, RESPONSES_FIELDS);
      }
      case 3 -> {
        if (input == null || input.isEmpty()) return "noop";
        int i = rnd.nextInt(input.size());
        if (input.getValue(i) instanceof JsonObject o && rnd.nextInt(4) > 0) {
          String k = ITEM_KEYS[rnd.nextInt(ITEM_KEYS.length)];
          o.put(k, randomValue(rnd));
          return "input[" + i + "]." + k;
        }
        input.set(i, randomValue(rnd));
        return "input[" + i + "]";
      }
      case 4 -> {
        if (input == null || input.isEmpty() || !(input.getValue(rnd.nextInt(input.size())) instanceof JsonObject o)
            || !(o.getValue("content") instanceof JsonArray parts) || parts.isEmpty()) {
          return "noop";
        }
        String[] types = {"input_text", "output_text", "input_image", "input_file", "refusal", "text"};
        parts.getJsonObject(0).put(rnd.nextBoolean() ? "type" : "text", rnd.nextBoolean()
            ? types[rnd.nextInt(types.length)] : randomValue(rnd));
        return "content part";
      }
      case 5 -> {
        if (input == null) return "noop";
        String callId = "call_" + rnd.nextInt(3);
        switch (rnd.nextInt(4)) {
          case 0 -> input.add(new JsonObject().put("type", "function_call").put("call_id", callId).put("name", "exec")
              .put("arguments", rnd.nextBoolean() ? "{\"command\":\"ls\"}" : randomValue(rnd)));
          case 1 -> input.add(new JsonObject().put("type", "function_call_output").put("call_id", callId)
              .put("output", rnd.nextBoolean() ? "a.txt" : randomValue(rnd)));
          case 2 -> input.add(new JsonObject().put("type", "reasoning").put("summary", new JsonArray()
              .add(new JsonObject().put("type", "summary_text").put("text", randomValue(rnd)))));
          default -> input.add(new JsonObject().put("type", rnd.nextBoolean() ? "web_search_call" : "item_reference")
              .put("id", "x"));
        }
        return "item";
      }
      case 6 -> {
        if (!(body.getValue("tools") instanceof JsonArray tools) || tools.isEmpty()) return "noop";
        int i = rnd.nextInt(tools.size());
        if (tools.getValue(i) instanceof JsonObject o) {
          String[] keys = {"type", "name", "parameters", "description", "strict"};
          String k = keys[rnd.nextInt(keys.length)];
          o.put(k, k.equals("type") && rnd.nextBoolean() ? "web_search" : randomValue(rnd));
          return "tools[" + i + "]." + k;
        }
        return "noop";
      }
      case 7 -> {
        Object[] choices = {"none", "auto", "required", "sometimes", new JsonObject().put("type", "function"),
            new JsonObject().put("type", "function").put("name", 5),
            new JsonObject().put("type", "function").put("name", "exec"),
            new JsonObject().put("type", "allowed_tools").put("mode", "auto").put("tools", new JsonArray()
                .add(new JsonObject().put("type", "function").put("name", "exec")))};
        body.put("tool_choice", choices[rnd.nextInt(choices.length)]);
        return "tool_choice";
      }
      case 8 -> {
        body.put("text", new JsonObject().put("format", new JsonObject().put("type", rnd.nextBoolean()
            ? "json_schema" : randomValue(rnd)).put("name", randomValue(rnd)).put("schema", randomValue(rnd))));
        return "text.format";
      }
      case 9 -> {
        return unknownModel(rnd, body);
      }
      case 10 -> {
        body.put("input", rnd.nextBoolean() ? "just a string [[sim words=2]]" : randomValue(rnd));
        return "input";
      }
      default -> {
        body.put("previous_response_id", rnd.nextBoolean() ? "resp_fuzz-id-" + rnd.nextInt(50) : randomValue(rnd));
        return "previous_response_id";
      }
    }
  }

  // ---- raw bytes, odd paths and methods -----------------------------------------------------------------

  static Case rawCase(Random rnd, int i) {
    String method = METHODS[rnd.nextInt(METHODS.length)];
    String path = PATHS[rnd.nextInt(PATHS.length)];
    Map<String, String> headers = new java.util.HashMap<>();
    if (rnd.nextBoolean()) headers.put("content-type", rnd.nextBoolean() ? "application/json" : "text/plain");
    maybeHeaders(rnd, headers);
    byte[] body = null;
    if (!method.equals("GET") && !method.equals("HEAD") && rnd.nextInt(4) > 0) {
      body = switch (rnd.nextInt(6)) {
        case 0 -> randomBytes(rnd, rnd.nextInt(2_000));
        case 1 -> "null".getBytes(StandardCharsets.UTF_8);
        case 2 -> "\"just a string\"".getBytes(StandardCharsets.UTF_8);
        case 3 -> "{\"model\":".repeat(rnd.nextInt(200)).getBytes(StandardCharsets.UTF_8);
        case 4 -> ("[" + "[".repeat(rnd.nextInt(5_000))).getBytes(StandardCharsets.UTF_8);
        default -> "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);
      };
    }
    return new Case(method, path, body, headers, "raw " + i);
  }

  static byte[] randomBytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
