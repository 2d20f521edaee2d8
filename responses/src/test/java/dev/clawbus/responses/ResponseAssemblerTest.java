package dev.clawbus.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import dev.clawbus.infra.contract.CompletionAssembler;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseAssemblerTest {

  @Test
  void wholeAnswerEqualsTheResponseTheStreamEndsWith() {
    for (ChatJournal j : List.of(ChatJournal.text("Hello"), ChatJournal.qwenToolCall(),
        new ChatJournal().role().content("x").finish("length").done(),
        new ChatJournal().role().content("x").error(503, "server_error", "x", "down"))) {
      ResponseContext ctx = Contexts.streaming();
      List<Sse.Frame> frames = Sse.frames(ResponsesStreamTranslator.replay(ctx, j.list(), -1));
      String streamed = frames.get(frames.size() - 1).json().getJsonObject("response").encode();
      String whole = new ResponseAssembler(ctx).acceptAll(j.list()).json();
      assertEquals(new JsonObject(streamed), new JsonObject(whole));
      Sdk.response(whole);
    }
  }

  @Test
  void qwenToolCallIsAFunctionCallItemNotStreamed() {
    ResponseAssembler a = new ResponseAssembler(Contexts.streaming()).acceptAll(ChatJournal.qwenToolCall().list());
    assertTrue(a.finished());
    assertEquals("completed", a.status());
    Response r = Sdk.response(a.json());
    assertEquals("resp_req1", r.id());
    assertEquals(1_760_000_000.0, r.createdAt());
    assertEquals("Qwen/Qwen3-Coder-Next-FP8", r.model().asString());
    ResponseFunctionToolCall call = r.output().get(1).asFunctionCall();
    assertEquals("fc_req1_1", call.id().orElseThrow());
    assertEquals("call_9f3a1c", call.callId());
    assertEquals("{\"command\":\"ls -la ~\"}", call.arguments());
    assertEquals("rs_req1_0", r.output().get(0).asReasoning().id());
    assertEquals(50_123, r.usage().orElseThrow().inputTokens());
    assertEquals(41, r.usage().orElseThrow().outputTokens());
  }

  @Test
  void idsAreTheSameEveryTimeTheJournalIsRead() {
    List<StreamEvent> journal = ChatJournal.qwenToolCall().list();
    String first = new ResponseAssembler(Contexts.streaming()).acceptAll(journal).json();
    ResponseContext rebuilt = ResponseContext.fromJson(new JsonObject(Contexts.streaming().toJson().encode()));
    assertEquals(first, new ResponseAssembler(rebuilt).acceptAll(journal).json());
  }

  @Test
  void runningResponseShowsTheOutputSoFar() {
    ResponseAssembler a = new ResponseAssembler(Contexts.streaming());
    List<StreamEvent> journal = ChatJournal.text("Hel", "lo").list();
    a.acceptAll(journal.subList(0, 2));
    assertFalse(a.finished());
    assertEquals("in_progress", a.status());
    Response r = Sdk.response(a.json());
    assertEquals("in_progress", r.status().orElseThrow().asString());
    assertEquals("in_progress", r.output().get(0).asMessage().status().asString());
    assertEquals("Hel", r.output().get(0).asMessage().content().get(0).asOutputText().text());
    assertTrue(r.usage().isEmpty());
    assertTrue(r.completedAt().isEmpty());
  }

  @Test
  void backgroundResponseIsQueuedUntilItsFirstChunk() {
    ResponseAssembler a = new ResponseAssembler(Contexts.background());
    assertEquals("queued", a.status());
    Response r = Sdk.response(a.json());
    assertEquals("queued", r.status().orElseThrow().asString());
    assertTrue(r.output().isEmpty());
    assertTrue(r.background().orElseThrow());
    a.accept(StreamEvent.chunk(0, new ChatJournal().w.role()));
    assertEquals("in_progress", a.status());
  }

  @Test
  void aNonBackgroundResponseWaitingInTheQueueIsInProgress() {
    assertEquals("in_progress", new ResponseAssembler(Contexts.streaming()).status());
  }

  @Test
  void statusesOfFinishedResponses() {
    assertEquals("incomplete", new ResponseAssembler(Contexts.streaming())
        .acceptAll(new ChatJournal().role().content("x").finish("length").done().list()).status());
    assertEquals("failed", new ResponseAssembler(Contexts.streaming())
        .acceptAll(new ChatJournal().error(500, "server_error", null, "x").list()).status());
    assertEquals("cancelled", new ResponseAssembler(Contexts.streaming())
        .acceptAll(new ChatJournal().error(499, "request_cancelled", "cancelled", "x").list()).status());
  }

  @Test
  void completedAtIsCarriedWhenKnown() {
    JsonObject r = new JsonObject(new ResponseAssembler(Contexts.streaming()).completedAt(1_760_000_009L)
        .acceptAll(ChatJournal.text("a").list()).json());
    assertEquals(1_760_000_009L, r.getLong("completed_at"));
  }

  /**
   * A kept response shows the time its terminal event carries, not its record's (another node's clock, read later):
   * the same {@code completed_at} as its live stream showed, even when the two straddle a second.
   */
  @Test
  void aKeptResponseShowsTheTimeItsTerminalEventCarries() {
    long endedAt = 1_760_000_122_999L;
    var done = record(dev.clawbus.infra.contract.Status.DONE, endedAt + 2, null);
    List<StreamEvent> journal = new ChatJournal().role().content("Hi").finish("stop").usage(3, 1).done(endedAt).list();
    JsonObject kept = new JsonObject(ResponseAssembler.of(Contexts.streaming(), done, journal).json());
    assertEquals(1_760_000_122L, kept.getLong("completed_at"));

    ResponsesStreamTranslator live = new ResponsesStreamTranslator(Contexts.streaming());
    StringBuilder out = new StringBuilder();
    live.completedAt(1_760_000_123L); // the live sink's fallback: its own clock
    live.acceptAll(journal, out);
    List<Sse.Frame> frames = Sse.frames(out);
    assertEquals(kept, frames.get(frames.size() - 1).json().getJsonObject("response"), "the same, live or kept");

    // Failed: the error event's time, too; an older journal without one shows the record's.
    var failed = record(dev.clawbus.infra.contract.Status.FAILED, endedAt + 5_000,
        new dev.clawbus.infra.contract.ErrorInfo(503, "server_error", "vllm_unavailable", "gone"));
    List<StreamEvent> failing = new ChatJournal().role().content("Hi")
        .error(503, "server_error", "vllm_unavailable", "gone", endedAt).list();
    assertEquals(1_760_000_122L, new JsonObject(ResponseAssembler.of(Contexts.streaming(), failed, failing).json())
        .getLong("completed_at"));
    assertEquals(1_760_000_127L, new JsonObject(ResponseAssembler.of(Contexts.streaming(), failed,
        new ChatJournal().role().content("Hi").error(503, "server_error", "vllm_unavailable", "gone").list()).json())
        .getLong("completed_at"));
  }

  @Test
  void fromAChatCompletion() {
    ChatJournal j = ChatJournal.qwenToolCall();
    CompletionAssembler chat = new CompletionAssembler();
    for (StreamEvent e : j.list()) if (e.type() == StreamEvent.CHUNK) chat.accept(new JsonObject(e.data()));
    JsonObject completion = chat.completion();
    String viaCompletion = ResponseAssembler.fromCompletion(Contexts.streaming(), completion).json();
    String viaEvents = new ResponseAssembler(Contexts.streaming()).acceptAll(j.list()).json();
    assertEquals(new JsonObject(viaEvents), new JsonObject(viaCompletion));
    Sdk.response(viaCompletion);
  }

  @Test
  void fromAChatCompletionThatRanOutOfTokens() {
    JsonObject completion = new JsonObject().put("choices", new JsonArray().add(new JsonObject()
        .put("message", new JsonObject().put("role", "assistant").put("content", "cut"))
        .put("finish_reason", "length")));
    Response r = Sdk.response(ResponseAssembler.fromCompletion(Contexts.streaming(), completion).json());
    assertEquals("incomplete", r.status().orElseThrow().asString());
    assertTrue(r.usage().isEmpty());
    assertEquals("completed", Sdk.response(ResponseAssembler.fromCompletion(Contexts.streaming(),
        new JsonObject().put("choices", new JsonArray())).json()).status().orElseThrow().asString());
  }

  @Test
  void echoedSettingsAreOpenAisDefaultsWhenNotGiven() {
    JsonObject req = new JsonObject().put("model", "m").put("input", "hi");
    ResponseContext ctx = ResponsesRequestTranslator.translate(req, null).context("r2", 5);
    JsonObject r = new JsonObject(new ResponseAssembler(ctx).acceptAll(ChatJournal.text("x").list()).json());
    Sdk.response(r.encode());
    assertEquals(List.of("id", "object", "created_at", "status", "background", "completed_at", "error",
        "incomplete_details", "instructions", "max_output_tokens", "max_tool_calls", "model", "output",
        "parallel_tool_calls", "previous_response_id", "prompt_cache_key", "reasoning", "safety_identifier",
        "service_tier", "store", "temperature", "text", "tool_choice", "tools", "top_logprobs", "top_p", "truncation",
        "usage", "user", "metadata"), List.copyOf(r.fieldNames()), "OpenAI's field order");
    assertEquals("response", r.getString("object"));
    assertEquals(false, r.getBoolean("background"));
    assertNull(r.getValue("instructions"));
    assertEquals(true, r.getBoolean("parallel_tool_calls"));
    assertEquals(new JsonObject().putNull("effort").putNull("summary"), r.getJsonObject("reasoning"));
    assertEquals("default", r.getString("service_tier"));
    assertEquals(true, r.getBoolean("store"));
    assertEquals(new JsonObject().put("format", new JsonObject().put("type", "text")).put("verbosity", "medium"),
        r.getJsonObject("text"));
    assertEquals("auto", r.getString("tool_choice"));
    assertEquals(new JsonArray(), r.getJsonArray("tools"));
    assertEquals(0, r.getInteger("top_logprobs"));
    assertEquals("disabled", r.getString("truncation"));
    assertEquals(new JsonObject(), r.getJsonObject("metadata"));
    JsonObject part = r.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0);
    assertEquals(List.of("type", "annotations", "logprobs", "text"), List.copyOf(part.fieldNames()));
  }

  @Test
  void echoedSettingsRepeatTheRequest() {
    JsonObject req = Contexts.request().put("temperature", 0.2).put("top_p", 0.9).put("store", false)
        .put("tool_choice", new JsonObject().put("type", "function").put("name", "exec"))
        .put("parallel_tool_calls", false).put("user", "u1").put("truncation", "auto").put("max_tool_calls", 3)
        .put("reasoning", new JsonObject().put("effort", "high").put("summary", "auto"))
        .put("text", new JsonObject().put("format", new JsonObject().put("type", "json_object")).put("verbosity", "low"))
        .put("prompt_cache_key", "k").put("safety_identifier", "s").put("top_logprobs", 2);
    ResponseContext ctx = ResponsesRequestTranslator.translate(req, null).context("r3", 5);
    Response r = Sdk.response(new ResponseAssembler(ctx).acceptAll(ChatJournal.text("{}").list()).json());
    assertEquals(0.2, r.temperature().orElseThrow());
    assertEquals(0.9, r.topP().orElseThrow());
    assertEquals("exec", r.toolChoice().asFunction().name());
    assertFalse(r.parallelToolCalls());
    assertEquals("u1", r.user().orElseThrow());
    assertEquals("auto", r.truncation().orElseThrow().asString());
    assertEquals(3, r.maxToolCalls().orElseThrow());
    assertEquals("high", r.reasoning().orElseThrow().effort().orElseThrow().asString());
    assertEquals("low", r.text().orElseThrow().verbosity().orElseThrow().asString());
    assertTrue(r.text().orElseThrow().format().orElseThrow().isJsonObject());
    assertEquals("a", r.metadata().orElseThrow()._additionalProperties().get("team").asString().orElseThrow());
    assertEquals("k", r.promptCacheKey().orElseThrow());
    assertEquals(2, r.topLogprobs().orElseThrow());
    assertEquals(false, new JsonObject(new ResponseAssembler(ctx).json()).getBoolean("store"));
  }

  @Test
  void outputIsTheItemArray() {
    JsonArray out = new ResponseAssembler(Contexts.streaming()).acceptAll(ChatJournal.qwenToolCall().list()).output();
    assertEquals(2, out.size());
    assertEquals("function_call", out.getJsonObject(1).getString("type"));
  }

  static dev.clawbus.infra.contract.RequestRecord record(dev.clawbus.infra.contract.Status status, Long finishedAt,
      dev.clawbus.infra.contract.ErrorInfo error) {
    dev.clawbus.infra.contract.RequestEnvelope env = new dev.clawbus.infra.contract.RequestEnvelope("req1", "t",
        dev.clawbus.infra.contract.Api.RESPONSES, "m", "chatcmpl-req1", 1, true, true, false, "none", "split",
        new JsonObject(), 1_000, 0, "o", null, null, null, 0);
    return dev.clawbus.infra.contract.RequestRecord.queued(env, "o", "n")
        .with(status, 1, "o", "n", false, 9_999, 2_000L, finishedAt, error);
  }

  @Test
  void aKeptResponseShowsWhenItFinishedAndAnEndingItsJournalLacks() {
    var running = record(dev.clawbus.infra.contract.Status.RUNNING, null, null);
    assertNull(ResponseAssembler.completedAt(running), "not finished: no completed_at");
    ResponseAssembler live = ResponseAssembler.of(Contexts.streaming(), running, ChatJournal.text("Hi").list()
        .subList(0, 2));
    assertEquals("in_progress", live.status());

    var done = record(dev.clawbus.infra.contract.Status.DONE, 1_760_000_123_456L, null);
    assertEquals(1_760_000_123L, ResponseAssembler.completedAt(done));
    Response r = Sdk.response(ResponseAssembler.of(Contexts.streaming(), done, ChatJournal.text("Hi").list()).json());
    assertEquals(1_760_000_123.0, r.completedAt().orElseThrow());

    // Failed before it was queued: nothing in the journal says so, the record does.
    var failed = record(dev.clawbus.infra.contract.Status.FAILED, 1_760_000_200_000L,
        new dev.clawbus.infra.contract.ErrorInfo(503, "service_unavailable", "queue_unavailable", "Kafka is down."));
    ResponseAssembler a = ResponseAssembler.of(Contexts.streaming(), failed, List.of());
    assertEquals("failed", a.status());
    assertEquals("Kafka is down.", Sdk.response(a.json()).error().orElseThrow().message());
  }
}
