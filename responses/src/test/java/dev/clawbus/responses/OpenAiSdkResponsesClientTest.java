package dev.clawbus.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseRetrieveParams;
import com.openai.models.responses.ResponseStreamEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK (okhttp client, {@code responseValidation(true)}) talking over real HTTP to a
 * small loopback server that answers {@code /v1/responses} with these translators: what the SDK sends is
 * translated, and what the translators write is what the strict SDK reads, keepalives included.
 */
class OpenAiSdkResponsesClientTest {
  static HttpServer server;
  static OpenAIClient client;
  /** The journal the next POST is answered from. */
  static volatile List<StreamEvent> journal = ChatJournal.text("Hi").list();
  /** The heartbeat frame written between events ({@code null}: the translator's keepalive). */
  static volatile String heartbeat;
  static final Map<String, ResponseContext> contexts = new ConcurrentHashMap<>();
  static final Map<String, List<StreamEvent>> journals = new ConcurrentHashMap<>();
  static final List<JsonObject> chatBodies = new ArrayList<>();
  static final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/responses", OpenAiSdkResponsesClientTest::handle);
    server.start();
    client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
        .apiKey("test-key").maxRetries(0).responseValidation(true).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) client.close();
    if (server != null) server.stop(0);
  }

  private static void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if ("POST".equals(ex.getRequestMethod()) && path.equals("/v1/responses")) {
        JsonObject body = new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Translation t;
        try {
          t = ResponsesRequestTranslator.translate(body, null);
        } catch (OpenAiError e) {
          send(ex, e.status(), "application/json", e.body().encode());
          return;
        }
        synchronized (chatBodies) {
          chatBodies.add(t.chatBody());
        }
        String requestId = "sdk" + ids.incrementAndGet();
        ResponseContext ctx = t.context(requestId, 1_760_000_000L);
        contexts.put(ctx.responseId(), ctx);
        journals.put(ctx.responseId(), journal);
        if (t.stream()) {
          stream(ex, ctx, journal, -1);
        } else {
          send(ex, 200, "application/json", new ResponseAssembler(ctx).acceptAll(journal).json());
        }
      } else if ("GET".equals(ex.getRequestMethod())) {
        String id = path.substring("/v1/responses/".length());
        ResponseContext ctx = contexts.get(id);
        String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
        if (query.contains("stream=true")) {
          long after = -1;
          for (String kv : query.split("&")) {
            if (kv.startsWith("starting_after=")) after = Long.parseLong(kv.substring("starting_after=".length()));
          }
          stream(ex, ctx, journals.get(id), after);
        } else {
          send(ex, 200, "application/json", new ResponseAssembler(ctx).acceptAll(journals.get(id)).json());
        }
      } else {
        send(ex, 404, "application/json", "{\"error\":{\"message\":\"not here\",\"type\":\"invalid_request_error\"}}");
      }
    }
  }

  /** SSE as the ingress will write it: opening events, keepalives while waiting and between events. */
  private static void stream(HttpExchange ex, ResponseContext ctx, List<StreamEvent> events, long after) throws IOException {
    ex.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(ctx, after);
    StringBuilder sb = new StringBuilder();
    beat(t, sb);
    t.start(sb);
    beat(t, sb);
    beat(t, sb);
    write(out, sb);
    for (StreamEvent e : events) {
      t.accept(e, sb);
      if (!t.finished()) beat(t, sb);
      write(out, sb);
    }
  }

  private static void beat(ResponsesStreamTranslator t, StringBuilder sb) {
    String h = heartbeat;
    if (h == null) t.keepalive(sb); else sb.append(h);
  }

  private static void write(OutputStream out, StringBuilder sb) throws IOException {
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    sb.setLength(0);
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  // ---------------------------------------------------------------- tests

  static FunctionTool execTool() {
    return FunctionTool.builder().name("exec").description("Run a shell command")
        .parameters(FunctionTool.Parameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("command", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("command"))).build())
        .strict(false).build();
  }

  static ResponseCreateParams params(String input) {
    return ResponseCreateParams.builder().model("Qwen/Qwen3-Coder-Next-FP8").input(input).maxOutputTokens(512L)
        .addTool(execTool()).build();
  }

  static List<ResponseStreamEvent> streamed(ResponseCreateParams params) {
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(params)) {
      return s.stream().toList();
    }
  }

  static boolean isKeepalive(ResponseStreamEvent e) {
    return e._json().map(j -> j.toString().contains("keepalive")).orElse(false);
  }

  @Test
  void streamedTextWithKeepalivesPassesTheStrictClient() {
    heartbeat = null;
    journal = ChatJournal.text("Hello", ", ", "world").list();
    List<ResponseStreamEvent> events = streamed(params("say hello"));
    long keepalives = events.stream().filter(OpenAiSdkResponsesClientTest::isKeepalive).count();
    assertTrue(keepalives >= 3, "keepalives reached the client as events: " + keepalives);
    ResponseAccumulator acc = ResponseAccumulator.create();
    long expect = 0;
    for (ResponseStreamEvent e : events) {
      acc.accumulate(e);
      if (isKeepalive(e)) continue;
      assertEquals(expect++, sequenceNumber(e));
    }
    Response r = acc.response();
    assertEquals("completed", r.status().orElseThrow().asString());
    assertEquals("Hello, world", r.output().get(0).asMessage().content().get(0).asOutputText().text());
  }

  private static long sequenceNumber(ResponseStreamEvent e) {
    return new JsonObject(com.openai.core.ObjectMappers.jsonMapper().valueToTree(e).toString()).getLong("sequence_number");
  }

  @Test
  void aHeartbeatOfAnotherTypeBreaksTheStrictClient() {
    heartbeat = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
    try {
      journal = ChatJournal.text("Hello").list();
      OpenAIInvalidDataException e = assertThrows(OpenAIInvalidDataException.class, () -> streamed(params("say hello")),
          "why the keepalive is {\"type\":\"keepalive\"}: any other unknown event ends a validating stream");
      assertTrue(e.getMessage().contains("Unknown ResponseStreamEvent"), e.getMessage());
    } finally {
      heartbeat = null;
    }
  }

  @Test
  void qwenToolCallArrivesAsAFunctionCallStreamedAndNot() {
    journal = ChatJournal.qwenToolCall().list();
    List<ResponseStreamEvent> events = streamed(params("list my files"));
    ResponseAccumulator acc = ResponseAccumulator.create();
    events.forEach(acc::accumulate);
    assertTrue(events.stream().anyMatch(e -> e.isFunctionCallArgumentsDone()));
    ResponseFunctionToolCall streamedCall = acc.response().output().get(1).asFunctionCall();
    assertEquals("exec", streamedCall.name());
    assertEquals("{\"command\":\"ls -la ~\"}", streamedCall.arguments());

    Response whole = client.responses().create(params("list my files"));
    ResponseFunctionToolCall call = whole.output().get(1).asFunctionCall();
    assertEquals("call_9f3a1c", call.callId());
    assertEquals("exec", call.name());
    assertEquals("ls -la ~", new JsonObject(call.arguments()).getString("command"));
    assertTrue(whole.output().get(0).isReasoning());
  }

  @Test
  void functionCallRoundTripAsTheSdkSendsIt() {
    journal = ChatJournal.text("You have notes.md and src.").list();
    ResponseCreateParams params = ResponseCreateParams.builder().model("m").addTool(execTool())
        .inputOfResponse(List.of(
            ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content("what's in my home directory?").build()),
            ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder().callId("call_abc").name("exec")
                .arguments("{\"command\":\"ls ~\"}").build()),
            ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId("call_abc")
                .output("notes.md\nsrc\n").build())))
        .build();
    Response r = client.responses().create(params);
    assertEquals("You have notes.md and src.", r.output().get(0).asMessage().content().get(0).asOutputText().text());
    JsonArray messages;
    synchronized (chatBodies) {
      messages = chatBodies.get(chatBodies.size() - 1).getJsonArray("messages");
    }
    assertEquals("user", messages.getJsonObject(0).getString("role"));
    JsonObject call = messages.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0);
    assertEquals("call_abc", call.getString("id"));
    assertEquals("{\"command\":\"ls ~\"}", call.getJsonObject("function").getString("arguments"));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_abc").put("content", "notes.md\nsrc\n"),
        messages.getJsonObject(2));
  }

  @Test
  void retrieveAndResumeAfterAnEvent() {
    journal = ChatJournal.qwenToolCall().list();
    Response created = client.responses().create(params("list my files"));
    Response again = client.responses().retrieve(created.id());
    assertEquals(created.output().size(), again.output().size());
    assertEquals(created.id(), again.id());

    List<ResponseStreamEvent> all;
    try (StreamResponse<ResponseStreamEvent> s = client.responses().retrieveStreaming(created.id())) {
      all = s.stream().filter(e -> !isKeepalive(e)).toList();
    }
    List<ResponseStreamEvent> rest;
    try (StreamResponse<ResponseStreamEvent> s = client.responses().retrieveStreaming(created.id(),
        ResponseRetrieveParams.builder().startingAfter(5L).build())) {
      rest = s.stream().filter(e -> !isKeepalive(e)).toList();
    }
    assertEquals(all.size() - 6, rest.size());
    assertEquals(6, sequenceNumber(rest.get(0)));
    for (int i = 0; i < rest.size(); i++) {
      assertEquals(com.openai.core.ObjectMappers.jsonMapper().valueToTree(all.get(i + 6)),
          com.openai.core.ObjectMappers.jsonMapper().valueToTree(rest.get(i)));
    }
    assertTrue(rest.get(rest.size() - 1).isCompleted());
  }

  @Test
  void badRequestsAreOpenAiErrorsTheSdkUnderstands() {
    ResponseCreateParams withWebSearch = params("x").toBuilder()
        .addTool(com.openai.models.responses.WebSearchTool.builder()
            .type(com.openai.models.responses.WebSearchTool.Type.WEB_SEARCH).build())
        .build();
    BadRequestException e = assertThrows(BadRequestException.class, () -> client.responses().create(withWebSearch));
    assertEquals(400, e.statusCode());
    assertEquals("tools[1].type", e.param().orElseThrow());
    assertFalse(e.getMessage().contains("Exception:"), e.getMessage());
  }
}
