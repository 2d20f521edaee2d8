package dev.clawbus.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.ObjectMappers;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesStreamTranslatorTest {

  static List<Sse.Frame> stream(ResponseContext ctx, List<StreamEvent> events) {
    return Sse.frames(ResponsesStreamTranslator.replay(ctx, events, -1));
  }

  static JsonObject terminalResponse(List<Sse.Frame> frames) {
    return frames.get(frames.size() - 1).json().getJsonObject("response");
  }

  @Test
  void textStreamsAsOpenAiDoes() {
    List<Sse.Frame> frames = stream(Contexts.streaming(), ChatJournal.text("Hello", ", ", "world").list());
    assertEquals(List.of("response.created", "response.in_progress", "response.output_item.added",
        "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
        "response.output_text.delta", "response.output_text.done", "response.content_part.done",
        "response.output_item.done", "response.completed"), Sse.types(frames));
    Sdk.assertContiguous(frames, 0);
    Sdk.events(frames);
    assertEquals("in_progress", frames.get(0).json().getJsonObject("response").getString("status"));
    assertEquals(new JsonArray(), frames.get(0).json().getJsonObject("response").getJsonArray("output"));
    JsonObject added = frames.get(2).json().getJsonObject("item");
    assertEquals("msg_req1_0", added.getString("id"));
    assertEquals("in_progress", added.getString("status"));
    assertEquals(new JsonArray(), added.getJsonArray("content"));
    assertEquals("world", frames.get(6).json().getString("delta"));
    assertEquals("msg_req1_0", frames.get(6).json().getString("item_id"));
    assertEquals("Hello, world", frames.get(7).json().getString("text"));

    Response done = Sdk.response(terminalResponse(frames).encode());
    assertEquals("resp_req1", done.id());
    assertEquals("completed", done.status().orElseThrow().asString());
    assertEquals("Hello, world", done.output().get(0).asMessage().content().get(0).asOutputText().text());
    assertEquals("completed", done.output().get(0).asMessage().status().asString());
    assertEquals(12, done.usage().orElseThrow().inputTokens());
    assertEquals(3, done.usage().orElseThrow().outputTokens());
    assertEquals(15, done.usage().orElseThrow().totalTokens());
    assertEquals("Be brief.", done.instructions().orElseThrow().asString());
    assertEquals(512L, done.maxOutputTokens().orElseThrow());
    assertEquals("exec", done.tools().get(0).asFunction().name());
  }

  @Test
  void everyEventIsWhatTheSdkAccumulatesIntoTheFinalResponse() {
    for (ChatJournal j : List.of(ChatJournal.text("Hi", " there"), ChatJournal.qwenToolCall(),
        new ChatJournal().role().reasoning("hmm").content("Answer").finish("length").done())) {
      List<Sse.Frame> frames = stream(Contexts.streaming(), j.list());
      ResponseAccumulator acc = ResponseAccumulator.createWithSnapshots();
      for (Sse.Frame f : frames) acc.accumulate(Sdk.event(f.data()));
      Response fin = acc.response();
      // The output the SDK rebuilds from the deltas and done events is the output the response carries.
      Response rebuilt = acc.reconstructedResponse().toBuilder().output(acc.snapshot().orElseThrow().output()).build();
      assertEquals(json(fin.output()), json(rebuilt.output()));
    }
  }

  private static String json(Object o) {
    try {
      return ObjectMappers.jsonMapper().writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void qwenToolCallBecomesAFunctionCallItem() {
    List<Sse.Frame> frames = stream(Contexts.streaming(), ChatJournal.qwenToolCall().list());
    Sdk.assertContiguous(frames, 0);
    Sdk.events(frames);
    assertEquals(List.of("response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added", "response.reasoning_text.delta",
        "response.reasoning_text.delta", "response.reasoning_text.done", "response.content_part.done",
        "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.done",
        "response.output_item.done", "response.completed"), Sse.types(frames));
    JsonObject added = frames.get(9).json();
    assertEquals(1, added.getInteger("output_index"));
    assertEquals(new JsonObject().put("id", "fc_req1_1").put("type", "function_call").put("status", "in_progress")
        .put("arguments", "").put("call_id", "call_9f3a1c").put("name", "exec"), added.getJsonObject("item"));
    assertEquals("{\"command\":\"ls -la ~\"}", frames.get(10).json().getString("delta"));
    JsonObject argsDone = frames.get(11).json();
    assertEquals("{\"command\":\"ls -la ~\"}", argsDone.getString("arguments"));
    assertEquals("exec", argsDone.getString("name"));
    assertEquals("fc_req1_1", argsDone.getString("item_id"));

    Response done = Sdk.response(terminalResponse(frames).encode());
    assertEquals(2, done.output().size(), "the blank content before the call is no message item");
    assertEquals("The user wants a listing; use exec.",
        done.output().get(0).asReasoning().content().orElseThrow().get(0).text());
    ResponseFunctionToolCall call = done.output().get(1).asFunctionCall();
    assertEquals("call_9f3a1c", call.callId());
    assertEquals("exec", call.name());
    assertEquals("ls -la ~", new JsonObject(call.arguments()).getString("command"));
    assertEquals("completed", call.status().orElseThrow().asString());
    assertEquals(50_164, done.usage().orElseThrow().totalTokens());
  }

  @Test
  void reasoningItemCarriesReasoningTextParts() {
    List<Sse.Frame> frames = stream(Contexts.streaming(), ChatJournal.qwenToolCall().list());
    JsonObject part = frames.get(3).json().getJsonObject("part");
    assertEquals(new JsonObject().put("type", "reasoning_text").put("text", ""), part);
    JsonObject item = frames.get(8).json().getJsonObject("item");
    assertEquals("rs_req1_0", item.getString("id"));
    assertEquals(new JsonArray(), item.getJsonArray("summary"));
    assertEquals("The user wants a listing; use exec.", item.getJsonArray("content").getJsonObject(0).getString("text"));
  }

  @Test
  void severalToolCallsAreSeveralItems() {
    ChatJournal j = new ChatJournal().role().content("Let me look.").tool(0, "call_a", "exec", "{\"command\":\"ls\"}")
        .tool(1, "call_b", "read", "{\"target\":\"x\"}").finish("tool_calls").usage(5, 5).done();
    JsonObject r = terminalResponse(stream(Contexts.streaming(), j.list()));
    Sdk.response(r.encode());
    JsonArray out = r.getJsonArray("output");
    assertEquals(3, out.size());
    assertEquals("message", out.getJsonObject(0).getString("type"));
    assertEquals("call_a", out.getJsonObject(1).getString("call_id"));
    assertEquals("fc_req1_2", out.getJsonObject(2).getString("id"));
    assertEquals("read", out.getJsonObject(2).getString("name"));
  }

  @Test
  void aToolCallInFragmentsIsOneItem() {
    ChatJournal j = new ChatJournal().role()
        .raw("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_x\",\"type\":\"function\","
            + "\"function\":{\"name\":\"exec\",\"arguments\":\"{\\\"com\"}}]}}]}")
        .raw("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
            + "\"mand\\\":\\\"ls\\\"}\"}}]}}]}")
        .finish("tool_calls").done();
    List<Sse.Frame> frames = stream(Contexts.streaming(), j.list());
    Sdk.events(frames);
    assertEquals(2, Sse.types(frames).stream().filter("response.function_call_arguments.delta"::equals).count());
    JsonArray out = terminalResponse(frames).getJsonArray("output");
    assertEquals(1, out.size());
    assertEquals("{\"command\":\"ls\"}", out.getJsonObject(0).getString("arguments"));
  }

  @Test
  void aCallWithoutIdGetsOneFromTheRequest() {
    ChatJournal j = new ChatJournal().role().tool(0, "", "exec", "{}").finish("tool_calls").done();
    JsonObject item = terminalResponse(stream(Contexts.streaming(), j.list())).getJsonArray("output").getJsonObject(0);
    assertEquals("call_req1_0", item.getString("call_id"));
  }

  @Test
  void blankTextBeforeRealTextIsKept() {
    JsonObject r = terminalResponse(stream(Contexts.streaming(), ChatJournal.text("\n\n", "Hello").list()));
    JsonArray out = r.getJsonArray("output");
    assertEquals(1, out.size());
    assertEquals("\n\nHello", out.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"));
  }

  @Test
  void blankOnlyAnswerHasNoMessageItem() {
    JsonObject r = terminalResponse(stream(Contexts.streaming(), ChatJournal.text("  ", "\n").list()));
    assertEquals(new JsonArray(), r.getJsonArray("output"));
    assertEquals("completed", r.getString("status"));
  }

  @Test
  void lengthIsIncompleteForMaxOutputTokens() {
    ChatJournal j = new ChatJournal().role().content("cut sh").finish("length").usage(3, 512).done();
    List<Sse.Frame> frames = stream(Contexts.streaming(), j.list());
    Sdk.events(frames);
    assertEquals("response.incomplete", frames.get(frames.size() - 1).type());
    Response r = Sdk.response(terminalResponse(frames).encode());
    assertEquals("incomplete", r.status().orElseThrow().asString());
    assertEquals("max_output_tokens", r.incompleteDetails().orElseThrow().reason().orElseThrow().asString());
    assertEquals("incomplete", r.output().get(0).asMessage().status().asString());
  }

  @Test
  void contentFilterIsIncompleteForContentFilter() {
    ChatJournal j = new ChatJournal().role().content("x").finish("content_filter").done();
    JsonObject r = terminalResponse(stream(Contexts.streaming(), j.list()));
    assertEquals("content_filter", r.getJsonObject("incomplete_details").getString("reason"));
  }

  @Test
  void errorFailsTheResponseWithOpenAiErrorCodes() {
    int[] statuses = {503, 429, 400};
    String[] codes = {"server_error", "rate_limit_exceeded", "invalid_prompt"};
    for (int i = 0; i < statuses.length; i++) {
      ChatJournal j = new ChatJournal().role().content("partial").error(statuses[i], "server_error", "vllm_down",
          "vLLM did not come back");
      List<Sse.Frame> frames = stream(Contexts.streaming(), j.list());
      Sdk.events(frames);
      Sse.Frame last = frames.get(frames.size() - 1);
      assertEquals("response.failed", last.type());
      Response r = Sdk.response(last.json().getJsonObject("response").encode());
      assertEquals("failed", r.status().orElseThrow().asString());
      assertEquals(codes[i], r.error().orElseThrow().code().asString());
      assertEquals("vLLM did not come back", r.error().orElseThrow().message());
      assertEquals("incomplete", r.output().get(0).asMessage().status().asString());
      assertEquals("partial", r.output().get(0).asMessage().content().get(0).asOutputText().text());
    }
  }

  @Test
  void errorBodyThatIsNotJsonStillFails() {
    List<StreamEvent> events = List.of(StreamEvent.error(0, 500, "boom"));
    JsonObject r = terminalResponse(stream(Contexts.streaming(), events));
    assertEquals("boom", r.getJsonObject("error").getString("message"));
    Sdk.response(r.encode());
  }

  @Test
  void cancellationIsCancelledNotFailed() {
    ChatJournal j = new ChatJournal().role().content("part").error(499, "request_cancelled", "cancelled",
        "The request was cancelled.");
    List<Sse.Frame> frames = stream(Contexts.streaming(), j.list());
    Sdk.events(frames);
    Response r = Sdk.response(terminalResponse(frames).encode());
    assertEquals("cancelled", r.status().orElseThrow().asString());
    assertTrue(r.error().isEmpty());
  }

  @Test
  void backgroundStartsQueuedAndGoesInProgressWithTheFirstChunk() {
    List<Sse.Frame> frames = stream(Contexts.background(), ChatJournal.text("ok").list());
    Sdk.events(frames);
    assertEquals(List.of("response.created", "response.queued", "response.in_progress", "response.output_item.added"),
        Sse.types(frames).subList(0, 4));
    assertEquals("queued", frames.get(0).json().getJsonObject("response").getString("status"));
    assertEquals("queued", frames.get(1).json().getJsonObject("response").getString("status"));
    assertTrue(frames.get(0).json().getJsonObject("response").getBoolean("background"));
    assertEquals("in_progress", frames.get(2).json().getJsonObject("response").getString("status"));
  }

  @Test
  void cancelledWhileQueuedNeverGoesInProgress() {
    ChatJournal j = new ChatJournal().error(499, "request_cancelled", "cancelled", "The request was cancelled.");
    List<Sse.Frame> frames = stream(Contexts.background(), j.list());
    assertEquals(List.of("response.created", "response.queued", "response.failed"), Sse.types(frames));
  }

  @Test
  void resumingAfterAnyEventGivesExactlyTheRest() {
    ResponseContext ctx = Contexts.streaming();
    List<StreamEvent> journal = ChatJournal.qwenToolCall().list();
    List<Sse.Frame> all = stream(ctx, journal);
    for (int n = -1; n < all.size(); n++) {
      List<Sse.Frame> resumed = Sse.frames(ResponsesStreamTranslator.replay(ctx, journal, n));
      assertEquals(all.subList(n + 1, all.size()), resumed, "starting_after=" + n);
    }
  }

  @Test
  void journalArrivingInPiecesGivesTheSameStream() {
    ResponseContext ctx = Contexts.streaming();
    List<StreamEvent> journal = ChatJournal.qwenToolCall().list();
    String whole = ResponsesStreamTranslator.replay(ctx, journal, -1);
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(ctx);
    StringBuilder out = new StringBuilder();
    t.start(out);
    for (StreamEvent e : journal) {
      assertFalse(t.finished());
      StringBuilder piece = new StringBuilder();
      t.accept(e, piece);
      out.append(piece);
      t.keepalive(new StringBuilder());
    }
    assertTrue(t.finished());
    assertEquals("completed", t.status());
    assertEquals(whole, out.toString());
    assertEquals(all(whole).size() - 1, t.lastSequenceNumber());
  }

  private static List<Sse.Frame> all(String s) {
    return Sse.frames(s);
  }

  @Test
  void eventsAfterTheEndAreIgnored() {
    ResponseContext ctx = Contexts.streaming();
    List<StreamEvent> journal = new ArrayList<>(ChatJournal.text("a").list());
    String before = ResponsesStreamTranslator.replay(ctx, journal, -1);
    journal.add(StreamEvent.chunk(99, new ChatJournal().w.content("late")));
    journal.add(StreamEvent.done(100));
    assertEquals(before, ResponsesStreamTranslator.replay(ctx, journal, -1));
  }

  @Test
  void roleKeepaliveAndUnreadableChunksWriteNothing() {
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
    StringBuilder out = new StringBuilder();
    t.start(out);
    long afterStart = t.lastSequenceNumber();
    out.setLength(0);
    ChatJournal j = new ChatJournal().role().keepalive().raw("not json").raw("[1,2]").raw("{\"choices\":[]}");
    for (StreamEvent e : j.list()) t.accept(e, out);
    assertEquals("", out.toString());
    assertEquals(afterStart, t.lastSequenceNumber());
  }

  @Test
  void keepaliveRepeatsTheLastNumberAndTakesNone() {
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
    StringBuilder ka = new StringBuilder();
    t.keepalive(ka);
    assertEquals("event: keepalive\ndata: {\"type\":\"keepalive\"}\n\n", ka.toString());
    StringBuilder out = new StringBuilder();
    t.start(out);
    ka.setLength(0);
    t.keepalive(ka);
    assertEquals("event: keepalive\ndata: {\"type\":\"keepalive\",\"sequence_number\":1}\n\n", ka.toString());
    t.accept(StreamEvent.chunk(0, new ChatJournal().w.content("x")), out);
    assertEquals(4, t.lastSequenceNumber(), "the keepalive took no number");

    ResponsesStreamTranslator resumed = new ResponsesStreamTranslator(Contexts.streaming(), 7);
    resumed.start(new StringBuilder());
    ka.setLength(0);
    resumed.keepalive(ka);
    assertTrue(ka.toString().contains("\"sequence_number\":7"), "a resumed client already has up to 7: " + ka);
  }

  @Test
  void keepaliveIsAnUnknownEventTheSdkStreamValidationLetsThrough() throws Exception {
    StringBuilder ka = new StringBuilder();
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
    t.start(new StringBuilder());
    t.keepalive(ka);
    ResponseStreamEvent e = ObjectMappers.jsonMapper().readValue(Sse.frames(ka).get(0).data(), ResponseStreamEvent.class);
    java.util.Map<?, ?> fields = (java.util.Map<?, ?>) e._json().orElseThrow().asObject().orElseThrow();
    assertEquals("keepalive", ((com.openai.core.JsonValue) fields.get("type")).asString().orElseThrow());
    assertFalse(e.isValid(), "an unknown event to strict validate(); the SDK's stream validation exempts it");
  }

  @Test
  void usageDetailsAreCarried() {
    ChatJournal j = new ChatJournal().role().content("x").finish("stop")
        .raw("{\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":64},\"completion_tokens_details\":{\"reasoning_tokens\":7}}}")
        .done();
    Response r = Sdk.response(terminalResponse(stream(Contexts.streaming(), j.list())).encode());
    assertEquals(64, r.usage().orElseThrow().inputTokensDetails().cachedTokens());
    assertEquals(7, r.usage().orElseThrow().outputTokensDetails().reasoningTokens());
    assertEquals(120, r.usage().orElseThrow().totalTokens());
  }

  @Test
  void withoutAUsageChunkUsageIsNull() {
    ChatJournal j = new ChatJournal().role().content("x").finish("stop").done();
    Response r = Sdk.response(terminalResponse(stream(Contexts.streaming(), j.list())).encode());
    assertTrue(r.usage().isEmpty());
  }

  @Test
  void completedAtIsCarriedWhenKnown() {
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
    StringBuilder out = new StringBuilder();
    t.completedAt(1_760_000_042L);
    t.acceptAll(ChatJournal.text("a").list(), out);
    List<Sse.Frame> frames = Sse.frames(out);
    assertNull(frames.get(0).json().getJsonObject("response").getValue("completed_at"));
    assertEquals(1_760_000_042L, terminalResponse(frames).getLong("completed_at"));
  }

  @Test
  void completedAtIsTheTimeTheTerminalEventCarriesOverTheFallback() {
    long endedAt = 1_760_000_041_999L;
    for (ChatJournal j : new ChatJournal[] {new ChatJournal().role().content("a").finish("stop").done(endedAt),
        new ChatJournal().role().content("a").error(503, "server_error", "vllm_unavailable", "gone", endedAt),
        new ChatJournal().role().content("a").error(499, "invalid_request_error", "cancelled", "stop", endedAt)}) {
      ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
      StringBuilder out = new StringBuilder();
      t.completedAt(1_760_000_099L); // what a renderer would use otherwise: its own clock, or the record
      t.acceptAll(j.list(), out);
      List<Sse.Frame> frames = Sse.frames(out);
      assertEquals(1_760_000_041L, terminalResponse(frames).getLong("completed_at"), t.status());
    }
    // an event written before events carried their time: the fallback
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
    StringBuilder out = new StringBuilder();
    t.completedAt(1_760_000_099L);
    t.acceptAll(ChatJournal.text("a").list(), out);
    assertEquals(1_760_000_099L, terminalResponse(Sse.frames(out)).getLong("completed_at"));
  }

  @Test
  void textIsEscapedForJson() {
    String tricky = "quote \" backslash \\ newline \n tab \t unicode \u2028 control \u0001 é 😀";
    List<Sse.Frame> frames = stream(Contexts.streaming(), ChatJournal.text(tricky).list());
    Sdk.events(frames);
    assertEquals(tricky, frames.get(4).json().getString("delta"));
    assertFalse(frames.get(4).data().contains("\n"), "a data line must not break");
  }

  @Test
  void chunksInAnotherShapeAreReadToo() {
    ChatJournal j = new ChatJournal()
        .raw("{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":\"a\\/b\"},\"index\":0}]}")
        .raw("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" c\\u00e9\"},\"logprobs\":null,\"finish_reason\":null}]}")
        .raw("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"bad \\x escape\"},\"logprobs\":null,"
            + "\"finish_reason\":null}]}")
        .finish("stop").done();
    JsonObject r = terminalResponse(stream(Contexts.streaming(), j.list()));
    assertEquals("a/b c\u00e9", r.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0)
        .getString("text"));
    assertEquals(1, r.getJsonArray("output").size(), "an unreadable chunk is skipped");
  }

  @Test
  void unescapeReadsJsonStringBodies() {
    StringBuilder out = new StringBuilder();
    String s = "x\\\"\\/\\b\\f\\n\\r\\t\\u20ACy";
    assertTrue(ResponseFold.unescape(s, 0, s.length(), out));
    assertEquals("x\"/\b\f\n\r\t\u20ACy", out.toString());
    for (String bad : List.of("a\"b", "a\\", "\\q", "\\u12", "\\u12G4")) {
      assertFalse(ResponseFold.unescape(bad, 0, bad.length(), out), bad);
    }
  }

  @Test
  void acceptWithoutStartOpensTheStreamFirst() {
    ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
    StringBuilder out = new StringBuilder();
    t.accept(StreamEvent.chunk(0, new ChatJournal().w.content("x")), out);
    List<Sse.Frame> frames = Sse.frames(out);
    assertEquals("response.created", frames.get(0).type());
    Sdk.assertContiguous(frames, 0);
  }

  @Test
  void aJournalThatEndsAtOnceStillGoesInProgressInTheBackground() {
    List<Sse.Frame> frames = stream(Contexts.background(), List.of(StreamEvent.done(0)));
    assertEquals(List.of("response.created", "response.queued", "response.in_progress", "response.completed"),
        Sse.types(frames));
  }

  @Test
  void usageWithoutATotalAddsItUp() {
    ChatJournal j = new ChatJournal().role().content("x").finish("stop")
        .raw("{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}").done();
    assertEquals(15, terminalResponse(stream(Contexts.streaming(), j.list())).getJsonObject("usage").getInteger("total_tokens"));
  }
}
