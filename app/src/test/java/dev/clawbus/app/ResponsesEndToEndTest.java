package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseRetrieveParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import dev.clawbus.infra.testing.Eventually;
import dev.clawbus.infra.testing.OpenClawRequests;
import dev.clawbus.responses.Sdk;
import dev.clawbus.responses.Sse;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/responses} through the whole pipeline (ingress → transformer → Kafka → dispatcher → strict simulator →
 * tool parser → journal → ingress), judged by the official OpenAI Java SDK's Responses API with response validation
 * on, and where it matters by the SDK's own mapper with a check for fields it does not know ({@link Sdk}).
 */
class ResponsesEndToEndTest extends SimNodeTest {
  static OpenAIClient client;

  @BeforeAll
  static void startClient() {
    client = OpenAIOkHttpClient.builder().baseUrl(node.url() + "/v1").apiKey("unused").maxRetries(0)
        .responseValidation(true).build();
  }

  @AfterAll
  static void stopClient() {
    if (client != null) client.close();
  }

  /** What the simulator answers to the (first, not continued) chat body that carried {@code marker}. */
  static String expected(String marker, int words) {
    JsonObject first = node.simulator().requests().stream().filter(r -> r.encode().contains(marker))
        .filter(r -> !r.getBoolean("continue_final_message", false)).findFirst().orElseThrow();
    return VllmSimulator.answerText(first.getJsonArray("messages"), words);
  }

  static JsonObject lastSimRequest(String marker) {
    return node.simulator().requests().stream().filter(r -> r.encode().contains(marker)).reduce((a, b) -> b)
        .orElseThrow();
  }

  static ResponseCreateParams.Builder params(String input) {
    return ResponseCreateParams.builder().model(TestNodes.MODEL).input(input);
  }

  static FunctionTool execTool() {
    return FunctionTool.builder().name("exec").description("Run a shell command")
        .parameters(FunctionTool.Parameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties", JsonValue.from(Map.of("command", Map.of("type", "string"),
                "timeoutSeconds", Map.of("type", "integer"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("command"))).build())
        .strict(false).build();
  }

  static String text(Response r) {
    StringBuilder sb = new StringBuilder();
    for (ResponseOutputItem item : r.output()) {
      if (item.isMessage()) item.asMessage().content().forEach(c -> sb.append(c.asOutputText().text()));
    }
    return sb.toString();
  }

  static List<ResponseFunctionToolCall> calls(Response r) {
    return r.output().stream().filter(ResponseOutputItem::isFunctionCall).map(ResponseOutputItem::asFunctionCall)
        .toList();
  }

  /** A keepalive reaches the SDK's stream as an event of no known type (its raw JSON kept). */
  static boolean isKeepalive(ResponseStreamEvent e) {
    return e._json().map(j -> j.toString().contains("keepalive")).orElse(false);
  }

  static long seq(ResponseStreamEvent e) {
    return ObjectMappers.jsonMapper().valueToTree(e).get("sequence_number").asLong();
  }

  static List<ResponseStreamEvent> stream(StreamResponse<ResponseStreamEvent> s) {
    try (s) {
      return s.stream().toList();
    }
  }

  /** The events without keepalives, checked to count up from {@code first} without gaps. */
  static List<ResponseStreamEvent> contiguous(List<ResponseStreamEvent> events, long first) {
    List<ResponseStreamEvent> real = events.stream().filter(e -> !isKeepalive(e)).toList();
    for (int i = 0; i < real.size(); i++) assertEquals(first + i, seq(real.get(i)), "sequence numbers without gaps");
    return real;
  }

  static Response accumulate(List<ResponseStreamEvent> events) {
    ResponseAccumulator acc = ResponseAccumulator.create();
    events.forEach(acc::accumulate);
    return acc.response();
  }

  @Test
  void textAsJsonAndStreamed() throws Exception {
    Response r = client.responses().create(params("Say something [[sim words=25]]").build());
    assertTrue(r.id().startsWith("resp_"), r.id());
    assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
    assertEquals(expected("Say something", 25), text(r));
    assertEquals(25, r.usage().orElseThrow().outputTokens());
    assertTrue(r.usage().orElseThrow().inputTokens() > 0);
    assertTrue(r.completedAt().isPresent());

    List<ResponseStreamEvent> events = stream(client.responses().createStreaming(
        params("Tell me a story [[sim words=60 tps=2000]]").build()));
    List<ResponseStreamEvent> real = contiguous(events, 0);
    assertTrue(real.get(0).isCreated() && real.get(1).isInProgress(), "opens with created, in_progress");
    assertTrue(real.get(real.size() - 1).isCompleted());
    Response streamed = accumulate(events);
    assertEquals(expected("Tell me a story", 60), text(streamed));
    assertEquals(60, real.get(real.size() - 1).asCompleted().response().usage().orElseThrow().outputTokens());

    // The raw answers, read by the SDK's mapper with no field it does not know.
    HttpResponse<String> raw = TestNodes.post(base + "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
        .put("input", "raw json [[sim words=5]]").encode());
    assertEquals(200, raw.statusCode(), raw.body());
    assertEquals("completed", Sdk.response(raw.body()).status().orElseThrow().asString());
    HttpResponse<String> rawSse = TestNodes.post(base + "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
        .put("input", "raw sse [[sim words=5]]").put("stream", true).encode());
    assertTrue(rawSse.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
    List<Sse.Frame> frames = Sse.frames(rawSse.body());
    Sdk.events(frames);
    Sdk.assertContiguous(frames, 0);
    assertFalse(rawSse.body().contains("\nid: ") || rawSse.body().startsWith("id: "), "no id: lines");
  }

  @Test
  void aQwenToolCallPrintedAsTextIsAFunctionCallItemStreamedAndNot() {
    ResponseCreateParams p = params("run it [[sim text=\"Let me check.\" tool=exec args={\"command\":\"ls <dir> && "
        + "echo \\\"ok\\\"\",\"timeoutSeconds\":30} mode=xml]]").addTool(execTool()).build();
    Response whole = client.responses().create(p);
    assertFunctionCall(whole);
    List<ResponseStreamEvent> events = stream(client.responses().createStreaming(p));
    contiguous(events, 0);
    assertTrue(events.stream().anyMatch(ResponseStreamEvent::isFunctionCallArgumentsDone));
    assertFunctionCall(accumulate(events));
  }

  private static void assertFunctionCall(Response r) {
    assertEquals("Let me check.", text(r).strip());
    assertFalse(text(r).contains("<tool_call>") || text(r).contains("<function="), "no markup: " + text(r));
    ResponseFunctionToolCall call = calls(r).get(0);
    assertEquals("exec", call.name());
    JsonObject args = new JsonObject(call.arguments());
    assertEquals("ls <dir> && echo \"ok\"", args.getString("command"));
    assertEquals(30, args.getValue("timeoutSeconds"), "an integer by the tool's schema");
    assertTrue(call.id().orElseThrow().startsWith("fc_") && !call.callId().isEmpty());
  }

  @Test
  void aFunctionCallRoundTripWithItemsAndWithPreviousResponseId() {
    String ask = "list my files [[sim tool=exec args={\"command\":\"ls -la\"} mode=structured]]";
    Response first = client.responses().create(params(ask).addTool(execTool()).build());
    ResponseFunctionToolCall call = calls(first).get(0);
    assertEquals("ls -la", new JsonObject(call.arguments()).getString("command"));

    // The whole conversation sent again as items, as OpenClaw does.
    Response second = client.responses().create(ResponseCreateParams.builder().model(TestNodes.MODEL)
        .addTool(execTool()).inputOfResponse(List.of(
            ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content(ask).build()),
            ResponseInputItem.ofFunctionCall(call),
            ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("a.txt\nb.txt").build()))).build());
    assertEquals(ResponseStatus.COMPLETED, second.status().orElseThrow());
    assertFalse(text(second).isEmpty());
    JsonArray sent = lastSimRequest("a.txt\\nb.txt").getJsonArray("messages");
    assertEquals(call.callId(), sent.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", call.callId()).put("content", "a.txt\nb.txt"),
        sent.getJsonObject(2));

    // Only the output, continuing from the first response kept by clawbus.
    Response third = client.responses().create(ResponseCreateParams.builder().model(TestNodes.MODEL)
        .addTool(execTool()).previousResponseId(first.id()).inputOfResponse(List.of(
            ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("c.txt").build()))).build());
    assertEquals(first.id(), third.previousResponseId().orElseThrow());
    JsonArray continued = lastSimRequest("\"c.txt\"").getJsonArray("messages");
    assertEquals(3, continued.size(), continued.encode());
    assertEquals(ask, continued.getJsonObject(0).getString("content"));
    assertEquals("exec", continued.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0)
        .getJsonObject("function").getString("name"));
    assertFalse(text(third).isEmpty());

    BadRequestException unknown = assertThrows(BadRequestException.class, () -> client.responses().create(
        params("hi").previousResponseId("resp_no-such-response").build()));
    assertEquals("previous_response_id", unknown.param().orElseThrow());
  }

  @Test
  void backgroundAnswersAtOnceThenPollsAndResumesAfterAnEvent() throws Exception {
    long t0 = System.nanoTime();
    Response queued = client.responses().create(params("background story [[sim words=60 tps=30]]")
        .background(true).build());
    long answeredMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(queued.background().orElse(false));
    assertTrue(queued.status().orElseThrow().equals(ResponseStatus.QUEUED), "answered at once: " + queued.status());
    assertTrue(queued.output().isEmpty());

    // Resumed while it runs: the events after 2, then live to the end.
    List<ResponseStreamEvent> rest = stream(client.responses().retrieveStreaming(queued.id(),
        ResponseRetrieveParams.builder().startingAfter(2L).build()));
    List<ResponseStreamEvent> tail = contiguous(rest, 3);
    assertTrue(tail.get(tail.size() - 1).isCompleted());

    Response polled = Eventually.until(() -> client.responses().retrieve(queued.id()),
        r -> r.status().orElseThrow().equals(ResponseStatus.COMPLETED), Duration.ofSeconds(30));
    assertEquals(expected("background story", 60), text(polled));
    assertEquals(queued.id(), polled.id());
    assertEquals(queued.createdAt(), polled.createdAt());

    List<ResponseStreamEvent> all = contiguous(stream(client.responses().retrieveStreaming(queued.id())), 0);
    assertTrue(all.get(0).isCreated() && all.get(1).isQueued(), "a background stream opens queued");
    assertEquals(all.size() - 3, tail.size());
    for (int i = 0; i < tail.size(); i++) {
      assertEquals(ObjectMappers.jsonMapper().valueToTree(all.get(i + 3)),
          ObjectMappers.jsonMapper().valueToTree(tail.get(i)), "the same events, live or replayed");
    }
    assertEquals(text(polled), text(accumulate(all)));
    System.out.printf("responses: background POST answered in %d ms%n", answeredMs);
  }

  @Test
  void cancelStopsARunningBackgroundResponse() throws Exception {
    Response queued = client.responses().create(params("never ending [[sim words=2000 tps=50]]")
        .background(true).build());
    Eventually.until(() -> client.responses().retrieve(queued.id()), r -> !text(r).isEmpty(), Duration.ofSeconds(30));
    BadRequestException unfinished = assertThrows(BadRequestException.class, () -> client.responses().create(
        params("go on").previousResponseId(queued.id()).build()));
    assertEquals("previous_response_id", unfinished.param().orElseThrow(), "a running response is not continued");
    Response cancelled = client.responses().cancel(queued.id());
    assertEquals(ResponseStatus.CANCELLED, cancelled.status().orElseThrow());
    Response after = client.responses().retrieve(queued.id());
    assertEquals(ResponseStatus.CANCELLED, after.status().orElseThrow());
    int words = text(after).split(" ").length;
    assertTrue(words < 1_000, "generation stopped: " + words + " words");
    Thread.sleep(300); // shows that something does not happen: no more words after the cancel
    assertEquals(words, text(client.responses().retrieve(queued.id())).split(" ").length, "and stays stopped");
    List<ResponseStreamEvent> replay = contiguous(stream(client.responses().retrieveStreaming(queued.id())), 0);
    ResponseStreamEvent last = replay.get(replay.size() - 1);
    assertTrue(last.isFailed(), "the Responses API has no cancelled event");
    assertEquals(ResponseStatus.CANCELLED, last.asFailed().response().status().orElseThrow());
  }

  @Test
  void aVllmCrashInTheMiddleOfAStreamedResponseIsContinuedSeamlessly() throws Exception {
    node.simulator().chaos().reset().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    node.simulator().chaos().crashAfterTokens(25, 2_000).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    List<ResponseStreamEvent> events = stream(client.responses().createStreaming(
        params("a long response [[sim words=80 tps=400]]").build()));
    List<ResponseStreamEvent> real = contiguous(events, 0);
    assertTrue(real.get(real.size() - 1).isCompleted());
    assertEquals(expected("a long response", 80), text(accumulate(events)), "every token exactly once");
    assertTrue(node.simulator().requests().stream().anyMatch(r -> r.encode().contains("a long response")
        && r.getBoolean("continue_final_message", false)), "continued, not restarted");
    assertTrue(real.stream().filter(ResponseStreamEvent::isOutputItemAdded).count() == 1, "one message item");
  }

  @Test
  void theRecordedOpenClawRequestIsAcceptedByTheStrictSimulator() throws Exception {
    JsonObject recorded = OpenClawRequests.responses().put("model", TestNodes.MODEL);
    int before = node.simulator().requests().size();
    HttpResponse<String> r = TestNodes.post(base + "/v1/responses", recorded.encode());
    assertEquals(200, r.statusCode(), r.body());
    List<Sse.Frame> frames = Sse.frames(r.body());
    Sdk.events(frames);
    Sdk.assertContiguous(frames, 0);
    Sse.Frame last = frames.get(frames.size() - 1);
    assertEquals("response.completed", last.type());
    JsonObject response = last.json().getJsonObject("response");
    assertEquals(12, response.getJsonArray("tools").size(), "its tools echoed");
    assertEquals(false, response.getBoolean("store"));
    JsonObject sent = node.simulator().requests().get(node.simulator().requests().size() - 1);
    assertTrue(node.simulator().requests().size() > before);
    assertEquals(3, sent.getJsonArray("messages").size());
    assertEquals(12, sent.getJsonArray("tools").size());
    assertFalse(sent.containsKey("store") || sent.containsKey("input") || sent.containsKey("max_output_tokens"),
        "only what vLLM takes: " + sent.fieldNames());
    assertEquals(404, TestNodes.get(base + "/v1/responses/" + response.getString("id")).statusCode(),
        "store: false, as at OpenAI: not retrievable");
  }

  @Test
  void keepalivesPassTheSdkAndKeepTheGapBelowThePeriod() throws Exception {
    List<ResponseStreamEvent> events = stream(client.responses().createStreaming(
        params("slow start [[sim words=5 ttft_ms=3500]]").build()));
    assertTrue(events.stream().filter(ResponsesEndToEndTest::isKeepalive).count() >= 2,
        "keepalives reached the SDK as events it lets through");
    contiguous(events, 0);
    assertEquals(expected("slow start", 5), text(accumulate(events)));

    StreamReader raw = StreamReader.post(base + "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
        .put("input", "slow raw start [[sim words=5 ttft_ms=3500]]").put("stream", true).encode());
    raw.awaitEnd(30_000);
    long maxGap = 0;
    for (int i = 1; i < raw.arrivals.size(); i++) {
      maxGap = Math.max(maxGap, raw.arrivals.get(i) - raw.arrivals.get(i - 1));
    }
    long first = (raw.arrivals.get(0) - raw.startedAt) / 1_000_000;
    maxGap /= 1_000_000;
    long keepalives = raw.events.stream().filter(e -> e.data().contains("\"type\":\"keepalive\"")).count();
    long lastSeq = -1;
    for (TestNodes.Sse e : raw.events) {
      JsonObject j = new JsonObject(e.data());
      if ("keepalive".equals(j.getString("type"))) {
        assertEquals(lastSeq, j.getLong("sequence_number", -1L), "a keepalive names the last event sent");
      } else {
        lastSeq = j.getLong("sequence_number");
      }
    }
    System.out.printf("responses keepalive (period 1 s, 3.5 s to the first token): first data after %d ms, "
        + "largest gap between data events %d ms, %d keepalives%n", first, maxGap, keepalives);
    assertTrue(maxGap <= 1_300, "gap " + maxGap + " ms");
    assertTrue(keepalives >= 2);
  }

  @Test
  void theLoopGuardAnswersInTheResponsesShape() {
    List<ResponseInputItem> items = new ArrayList<>();
    items.add(ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
        .content("keep listing").build()));
    for (int i = 0; i < 5; i++) {
      items.add(ResponseInputItem.ofFunctionCall(ResponseFunctionToolCall.builder().callId("call" + i).name("exec")
          .arguments("{\"command\":\"ls\"}").build()));
      items.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
          .callId("call" + i).output("a.txt").build()));
    }
    int before = node.simulator().requests().size();
    ResponseCreateParams p = ResponseCreateParams.builder().model(TestNodes.MODEL).addTool(execTool())
        .inputOfResponse(items).build();
    Response r = client.responses().create(p);
    assertEquals(ResponseStatus.COMPLETED, r.status().orElseThrow());
    assertTrue(text(r).startsWith("Stopped: the tool call exec was repeated 5 times"), text(r));
    List<ResponseStreamEvent> events = contiguous(stream(client.responses().createStreaming(p)), 0);
    assertTrue(events.get(events.size() - 1).isCompleted());
    assertEquals(text(r), text(accumulate(events)));
    assertEquals(before, node.simulator().requests().size(), "vLLM was not asked");
  }

  @Test
  void badInputIsA400NamingTheParameter() throws Exception {
    BadRequestException orphan = assertThrows(BadRequestException.class, () -> client.responses().create(
        ResponseCreateParams.builder().model(TestNodes.MODEL).inputOfResponse(List.of(
            ResponseInputItem.ofEasyInputMessage(EasyInputMessage.builder().role(EasyInputMessage.Role.USER)
                .content("hi").build()),
            ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId("call_x1").output("out").build()))).build()));
    assertEquals("input[1].call_id", orphan.param().orElseThrow());
    String[][] cases = {
        {"{\"model\":\"clawbus-sim\",\"input\":\"hi\",\"temperature\":\"hot\"}", "temperature"},
        {"{\"model\":\"clawbus-sim\",\"input\":[{\"type\":\"web_search_call\"}]}", "input[0].type"},
        {"{\"model\":\"clawbus-sim\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}", "tools[0].type"},
        {"{\"model\":\"clawbus-sim\",\"input\":42}", "input"},
        {"{\"model\":\"clawbus-sim\",\"input\":\"hi\",\"stream\":\"yes\"}", "stream"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = TestNodes.post(base + "/v1/responses", c[0]);
      assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
      JsonObject e = new JsonObject(r.body()).getJsonObject("error");
      assertEquals(c[1], e.getString("param"), r.body());
      assertEquals("invalid_request_error", e.getString("type"));
      assertFalse(r.body().contains("Exception") || r.body().contains("dev.clawbus"), r.body());
    }
    HttpResponse<String> notFound = TestNodes.get(base + "/v1/responses/resp_nothing-here");
    assertEquals(404, notFound.statusCode());
    assertEquals("invalid_request_error", new JsonObject(notFound.body()).getJsonObject("error").getString("type"));
  }

  /**
   * A retry naming a response (OpenClaw retries with the same body; here by X-Request-Id) attaches to it: the same
   * response, generated once, even with {@code store: false}. An id that names a chat completion is a 409.
   */
  @Test
  void aRetryAttachesToTheResponseItNames() throws Exception {
    JsonObject body = new JsonObject().put("model", TestNodes.MODEL).put("input", "attach to me [[sim words=12]]")
        .put("store", false);
    HttpResponse<String> first = TestNodes.post(base + "/v1/responses", body.encode(), "X-Request-Id", "resp-retry-0001");
    HttpResponse<String> retry = TestNodes.post(base + "/v1/responses", body.put("stream", true).encode(),
        "X-Request-Id", "resp-retry-0001");
    assertEquals(200, retry.statusCode(), retry.body());
    JsonObject whole = new JsonObject(first.body());
    List<Sse.Frame> frames = Sse.frames(retry.body());
    JsonObject streamed = frames.get(frames.size() - 1).json().getJsonObject("response");
    assertEquals("resp_resp-retry-0001", streamed.getString("id"));
    assertEquals(whole.getJsonArray("output"), streamed.getJsonArray("output"), "the same answer, now streamed");
    assertEquals(1, node.simulator().requests().stream().filter(r -> r.encode().contains("attach to me")).count(),
        "generated once");

    TestNodes.post(base + "/v1/chat/completions", TestNodes.userChat("a chat [[sim words=2]]", false).encode(),
        "X-Request-Id", "chat-not-resp-0001");
    HttpResponse<String> clash = TestNodes.post(base + "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
        .put("input", "hi").encode(), "X-Request-Id", "chat-not-resp-0001");
    assertEquals(409, clash.statusCode(), clash.body());
    assertEquals("request_id_in_use", new JsonObject(clash.body()).getJsonObject("error").getString("code"));
  }
}
