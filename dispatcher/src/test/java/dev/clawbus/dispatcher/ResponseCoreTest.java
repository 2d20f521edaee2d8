package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.CompletionAssembler;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.parser.LoopGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions of a response, driven by events and a hand-moved clock: no network, no vLLM. */
class ResponseCoreTest {
  static final ResponseCore.Settings SETTINGS = new ResponseCore.Settings(10_000, 60_000, 5);
  static final JsonObject EXEC = new JsonObject().put("type", "function").put("function", new JsonObject()
      .put("name", "exec").put("parameters", new JsonObject().put("type", "object").put("properties",
          new JsonObject().put("command", new JsonObject().put("type", "string")))));

  /** What the core wrote, as the journal would hold it. */
  static final class Sink implements ResponseCore.Output {
    final List<StreamEvent> events = new ArrayList<>();
    final StringBuilder raw = new StringBuilder();

    @Override public void event(StreamEvent e) { events.add(e); }
    @Override public void appendRaw(CharSequence t) { raw.append(t); }
    @Override public void truncateRaw(int length) { raw.setLength(length); }

    JsonObject completion() {
      CompletionAssembler a = new CompletionAssembler();
      for (StreamEvent e : events) if (e.type() == StreamEvent.CHUNK) a.accept(new JsonObject(e.data()));
      return a.completion();
    }

    String content() {
      return completion().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    }

    StreamEvent last() {
      return events.get(events.size() - 1);
    }
  }

  static RequestEnvelope envelope(boolean tools, Integer maxTokens) {
    JsonObject body = new JsonObject().put("model", "m").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi")));
    if (maxTokens != null) body.put("max_tokens", maxTokens);
    if (tools) body.put("tools", new JsonArray().add(EXEC));
    return new RequestEnvelope("req-1", "t", Api.CHAT, "m", "chatcmpl-req-1", 7, true, true, false, "qwen3_coder",
        "split", body, 1_000, 61_000, "A", null, null, null, 10);
  }

  static ResponseCore core(RequestEnvelope env, Sink sink) {
    return new ResponseCore(env, SETTINGS, sink, new Recorded(List.of(), ""));
  }

  @Test
  void aStreamBecomesRoleContentFinishUsageAndDone() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, 100), sink);
    assertSame(envelope(false, 100).body().getClass(), c.nextAttempt(0).getClass());
    c.onStreamStarted(1);
    c.onChunk("Hello", null, null, null, null, null, 2);
    c.onChunk(" world", null, null, "stop", 5, 2, 3);
    c.onDone();
    assertTrue(c.ended());
    assertNull(c.error());
    assertEquals("Hello world", sink.content());
    assertEquals(StreamEvent.DONE, sink.last().type());
    for (int i = 0; i < sink.events.size(); i++) assertEquals(i, sink.events.get(i).seq(), "contiguous sequence");
    JsonObject usage = sink.completion().getJsonObject("usage");
    assertEquals(5, usage.getInteger("prompt_tokens"));
    assertEquals(2, usage.getInteger("completion_tokens"));
  }

  @Test
  void theTerminalEventCarriesTheTimeTheAnswerEndedReadOnceFromTheClock() {
    long[] now = {1_767_225_599_400L};
    java.util.function.LongSupplier clock = () -> now[0]++;
    Sink done = new Sink();
    ResponseCore c = new ResponseCore(envelope(false, 100), SETTINGS, done, new Recorded(List.of(), ""), null, clock);
    c.nextAttempt(0);
    c.onStreamStarted(1);
    c.onChunk("Hello", null, null, "stop", 5, 1, 2);
    assertEquals(0, c.endedAt(), "not ended yet");
    c.onDone();
    assertEquals(StreamEvent.done(done.last().seq(), 1_767_225_599_400L), done.last());
    assertEquals(1_767_225_599_400L, c.endedAt(), "the core reports the time its event carries");
    for (StreamEvent e : done.events.subList(0, done.events.size() - 1)) {
      assertEquals(0, e.endedAt(), "chunks carry none");
    }
    assertEquals(1_767_225_599_401L, now[0], "the clock is read once");

    Sink failed = new Sink();
    ResponseCore f = new ResponseCore(envelope(false, 100), SETTINGS, failed, new Recorded(List.of(), ""), null, clock);
    f.nextAttempt(0);
    f.cancel();
    assertEquals(StreamEvent.ERROR, failed.last().type());
    assertEquals(1_767_225_599_401L, failed.last().endedAt());
    assertEquals(1_767_225_599_401L, f.endedAt());
  }

  @Test
  void retryableStatusesAreServerTroubleAndNotClientMistakes() {
    for (int s : new int[] {500, 502, 503, 504, 429, 408}) assertTrue(ResponseCore.retryable(s), "" + s);
    for (int s : new int[] {400, 401, 404, 413, 422}) assertFalse(ResponseCore.retryable(s), "" + s);
  }

  @Test
  void aFailureMidAnswerIsContinuedWithTheTextSoFarAndFewerTokens() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, 100), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("one ", null, null, null, null, null, 1);
    c.onChunk("two ", null, null, null, null, null, 2);
    ResponseCore.Decision d = c.onAttemptFailed("reset", 5_000);
    ResponseCore.Retry retry = assertInstanceOf(ResponseCore.Retry.class, d);
    assertEquals(5_000 + SETTINGS.vllmWaitMillis(), retry.deadline(), "once started, the wait counts from the failure");
    assertEquals(100, retry.backoffMillis());
    JsonObject next = c.nextAttempt(6_000);
    JsonArray msgs = next.getJsonArray("messages");
    assertEquals(new JsonObject().put("role", "assistant").put("content", "one two "), msgs.getJsonObject(1));
    assertTrue(next.getBoolean("continue_final_message"));
    assertFalse(next.getBoolean("add_generation_prompt"), "both true is a vLLM 400");
    assertEquals(98, next.getInteger("max_tokens"), "reduced by what was generated");
    assertEquals(1, envelope(false, 100).body().getJsonArray("messages").size(), "the request itself untouched");
    c.onStreamStarted(6_001);
    c.onChunk("three", null, null, null, null, null, 6_002);
    c.onDone();
    assertEquals("one two three", sink.content(), "one answer, each token once");
    assertEquals(1, sink.events.stream().filter(e -> e.data().contains("\"role\"")).count(), "one role chunk");
  }

  @Test
  void aFailureBeforeAnyTokenWaitsUntilTheRequestsOwnDeadline() {
    ResponseCore c = core(envelope(false, null), new Sink());
    c.nextAttempt(0);
    ResponseCore.Retry r = assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("refused", 2_000));
    assertEquals(61_000, r.deadline());
    assertFalse(c.nextAttempt(3_000).containsKey("continue_final_message"), "nothing generated: the plain request");
  }

  @Test
  void aFailureInsideToolCallMarkupRestartsBeforeTheCall() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(true, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("Let me look. ", null, null, null, null, null, 1);
    c.onChunk("<tool_call>\n<function=exec>\n<parameter=comm", null, null, null, null, null, 2);
    assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("reset", 3));
    // The blank before a call is held back with it (it is dropped when only calls follow), so the cut is there.
    assertEquals("Let me look.", sink.raw.toString(), "the journal's raw text is cut back too");
    JsonObject next = c.nextAttempt(4);
    assertEquals("Let me look.", next.getJsonArray("messages").getJsonObject(1).getString("content"));
    c.onStreamStarted(5);
    c.onChunk(" <tool_call>\n<function=exec>\n<parameter=command>\nls\n</parameter>\n</function>\n</tool_call>", null,
        null, null, null, null, 6);
    c.onDone();
    JsonObject msg = sink.completion().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    assertEquals(1, msg.getJsonArray("tool_calls").size(), "the call arrives once, whole");
    assertEquals("{\"command\":\"ls\"}", msg.getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function")
        .getString("arguments"));
    assertEquals("tool_calls", sink.completion().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
  }

  @Test
  void aStallIsDetectedFromTheClockAlone() {
    ResponseCore c = core(envelope(false, null), new Sink());
    c.nextAttempt(0);
    c.onStreamStarted(1_000);
    assertFalse(c.stalled(1_000 + SETTINGS.stallMillis()));
    assertTrue(c.stalled(1_001 + SETTINGS.stallMillis()));
    c.onChunk("x", null, null, null, null, null, 20_000);
    assertFalse(c.stalled(25_000), "each token resets it");
  }

  @Test
  void attemptsAreBoundedAndGivingUpSaysHowLong() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    for (int i = 0; i < SETTINGS.maxAttempts() - 1; i++) {
      c.nextAttempt(i);
      assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("refused", i));
    }
    c.nextAttempt(10);
    assertInstanceOf(ResponseCore.Ended.class, c.onAttemptFailed("refused", 10));
    assertEquals(503, c.error().status());
    assertEquals(StreamEvent.ERROR, sink.last().type());

    Sink s2 = new Sink();
    ResponseCore gaveUp = core(envelope(false, null), s2);
    gaveUp.nextAttempt(1_000);
    gaveUp.onAttemptFailed("refused", 1_000);
    gaveUp.onGaveUp("refused", "http://vllm:8000", 31_000);
    assertTrue(gaveUp.error().getMessage().contains("unreachable for 30 s"), gaveUp.error().getMessage());
    assertEquals("vllm_unavailable", gaveUp.error().code());
  }

  @Test
  void vllmsOwnToolCallsEndTheTurnRatherThanRiskARepeat() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(true, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    JsonArray call = new JsonArray().add(new JsonObject().put("index", 0).put("id", "x").put("type", "function")
        .put("function", new JsonObject().put("name", "exec").put("arguments", "{\"command\":\"ls\"}")));
    c.onChunk(null, null, call, null, null, null, 1);
    c.onChunk(null, null, new JsonArray().add(new JsonObject().put("index", 1).put("function", new JsonObject()
        .put("name", "exec").put("arguments", "{\"command\":\"pwd\"}"))), null, null, null, 2);
    assertInstanceOf(ResponseCore.Ended.class, c.onAttemptFailed("reset", 3));
    assertNull(c.error());
    JsonObject choice = sink.completion().getJsonArray("choices").getJsonObject(0);
    assertEquals("tool_calls", choice.getString("finish_reason"));
    assertTrue(choice.getJsonObject("message").getJsonArray("tool_calls").size() >= 1);
  }

  @Test
  void cancelAndInternalFailureEndTheAnswerWithAnErrorEventOnce() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    c.nextAttempt(0);
    c.cancel();
    c.internalFailure();
    assertTrue(OpenAiError.isCancellation(c.error()));
    assertEquals(1, sink.events.stream().filter(StreamEvent::terminal).count(), "one terminal event");
    Sink s2 = new Sink();
    ResponseCore broken = core(envelope(false, null), s2);
    broken.internalFailure();
    assertEquals(500, broken.error().status());
    assertFalse(s2.last().data().contains("Exception"), "no internals in what clients see");
    assertTrue(s2.last().data().contains("req-1"), "the request id, so the log can be found");
  }

  @Test
  void aTakenOverAnswerContinuesAfterWhatItsJournalHolds() {
    Sink first = new Sink();
    ResponseCore a = core(envelope(false, 50), first);
    a.nextAttempt(0);
    a.onStreamStarted(0);
    a.onChunk("alpha ", null, null, null, null, null, 1);
    a.onChunk("beta ", null, null, null, null, null, 2);
    Sink second = new Sink();
    ResponseCore b = new ResponseCore(envelope(false, 50), SETTINGS, second,
        new Recorded(first.events, first.raw.toString()));
    JsonObject body = b.nextAttempt(10);
    assertEquals("alpha beta ", body.getJsonArray("messages").getJsonObject(1).getString("content"));
    assertEquals(48, body.getInteger("max_tokens"));
    b.onStreamStarted(11);
    b.onChunk("gamma", null, null, null, null, null, 12);
    b.onDone();
    assertEquals(first.events.size(), second.events.get(0).seq(), "numbering continues after the journal");
    assertFalse(second.events.stream().anyMatch(e -> e.data().contains("\"role\"")), "no second role chunk");
  }

  @Test
  void reasoningIsSplitOrDroppedAsConfigured() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(null, "thinking", null, null, null, null, 1);
    c.onChunk("answer", null, null, null, null, null, 2);
    c.onDone();
    assertEquals("thinking", sink.completion().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("reasoning_content"));
  }

  static final String XML_LS = ResponseCoreExecLoopTest.XML_LS;
  static final String XML_READ = "<tool_call>\n<function=read>\n<parameter=path>\nx\n</parameter>\n</function>\n"
      + "</tool_call>";

  static RequestEnvelope envelope(String id, boolean stream, boolean includeUsage, String reasoning, JsonObject body) {
    return new RequestEnvelope(id, "t", Api.CHAT, "m", "chatcmpl-" + id, 7, stream, includeUsage, false,
        "qwen3_coder", reasoning, body, 1_000, 61_000, "A", null, null, null, 10);
  }

  static JsonObject body(String... tools) {
    JsonObject body = new JsonObject().put("model", "m").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "hi")));
    if (tools.length > 0) {
      JsonArray list = new JsonArray();
      for (String t : tools) {
        list.add(t.equals("exec") ? EXEC.copy() : new JsonObject().put("type", "function").put("function",
            new JsonObject().put("name", t).put("parameters", new JsonObject().put("type", "object"))));
      }
      body.put("tools", list);
    }
    return body;
  }

  static JsonObject choice(Sink sink) {
    return sink.completion().getJsonArray("choices").getJsonObject(0);
  }

  static JsonArray toolCalls(Sink sink) {
    return choice(sink).getJsonObject("message").getJsonArray("tool_calls");
  }

  static JsonArray structured(int index, String name, String args) {
    JsonObject fn = new JsonObject().put("name", name);
    if (args != null) fn.put("arguments", args);
    return new JsonArray().add(new JsonObject().put("index", index).put("id", "vllm-" + index).put("type", "function")
        .put("function", fn));
  }

  /** The finish reason of the events written (a taker's events alone do not assemble into a completion). */
  static String finishReason(Sink sink) {
    for (StreamEvent e : sink.events) {
      if (e.type() != StreamEvent.CHUNK) continue;
      JsonArray choices = new JsonObject(e.data()).getJsonArray("choices");
      if (!choices.isEmpty() && choices.getJsonObject(0).getString("finish_reason") != null) {
        return choices.getJsonObject(0).getString("finish_reason");
      }
    }
    return null;
  }

  static ResponseCore loopCore(RequestEnvelope env, ResponseCore.Settings settings, Sink sink, Recorded from) {
    return new ResponseCore(env, settings, sink, from, new ExecLoop(env, "buildbox", new LoopGuard(5, 60)));
  }

  @Test
  void theAccessorsReportTheRunSoFar() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    assertFalse(c.started());
    assertEquals(0, c.attempts());
    assertNull(c.promptTokens(), "vLLM has said nothing yet");
    assertEquals(0, c.completionTokens());
    assertEquals(-1, c.firstOutputAt());
    assertEquals("", c.rawText());
    assertEquals(10_000, c.stallMillis());
    assertEquals(2_500, c.stalledCheckMillis(), "a quarter of the stall setting");
    c.nextAttempt(100);
    assertEquals(1, c.attempts());
    c.onStreamStarted(200);
    assertTrue(c.started());
    assertEquals(-1, c.firstOutputAt(), "the role chunk is not a token");
    c.onChunk("Hel", null, null, null, null, null, 350);
    assertEquals(350, c.firstOutputAt());
    c.onChunk("lo", null, null, null, 12, 1, 400);
    c.onChunk(null, null, null, "stop", 99, 2, 450);
    assertEquals(350, c.firstOutputAt(), "the first token's time stays");
    assertEquals(12, c.promptTokens(), "the first report of the prompt counts");
    assertEquals(3, c.completionTokens(), "completion tokens add up");
    assertEquals("Hello", c.rawText());
    c.onDone();
    assertFalse(c.awaitingTools(), "no loop: nothing to wait for");
    assertEquals(1, c.attempts());
    assertEquals(3, sink.completion().getJsonObject("usage").getInteger("completion_tokens"));
  }

  @Test
  void theStallCheckRunsAtLeastEveryTenthOfASecond() {
    ResponseCore c = new ResponseCore(envelope(false, null), new ResponseCore.Settings(200, 1_000, 3), new Sink(),
        new Recorded(List.of(), ""));
    assertEquals(200, c.stallMillis());
    assertEquals(100, c.stalledCheckMillis());
  }

  @Test
  void aFirstTokenAtTimeZeroIsTheTimeToFirstToken() {
    ResponseCore c = core(envelope(false, null), new Sink());
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(null, "hmm", null, null, null, null, 0);
    c.onChunk("yes", null, null, null, null, null, 50);
    assertEquals(0, c.firstOutputAt());
  }

  @Test
  void usageIsSentWhenAskedForOrWhenTheAnswerIsNotStreamed() {
    for (boolean[] f : new boolean[][] {{true, false}, {false, false}, {true, true}}) {
      Sink sink = new Sink();
      ResponseCore c = core(envelope("req-1", f[0], f[1], "split", body()), sink);
      c.nextAttempt(0);
      c.onStreamStarted(0);
      c.onChunk("x", null, null, "stop", 4, 1, 1);
      c.onDone();
      long usage = sink.events.stream().filter(e -> e.data().contains("\"usage\":{")).count();
      assertEquals(f[0] && !f[1] ? 0 : 1, usage, "stream " + f[0] + ", include_usage " + f[1]);
      assertEquals(StreamEvent.DONE, sink.last().type());
    }
  }

  @Test
  void vllmsFinishReasonIsKeptAndStopIsTheDefault() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, 3), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("a b c", null, null, null, null, null, 1);
    c.onChunk(null, null, null, "length", null, null, 2);
    c.onChunk(null, null, null, null, null, null, 3);
    c.onDone();
    assertEquals("length", choice(sink).getString("finish_reason"));

    Sink s2 = new Sink();
    ResponseCore plain = core(envelope(false, null), s2);
    plain.nextAttempt(0);
    plain.onStreamStarted(0);
    plain.onChunk("done", null, null, null, null, null, 1);
    plain.onDone();
    assertEquals("stop", choice(s2).getString("finish_reason"));
  }

  @Test
  void textHeldBackAsPossibleMarkupIsFlushedAtTheEnd() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(true, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("See <tool_call>\n<function=exe", null, null, null, null, null, 1);
    c.onDone();
    assertEquals("See <tool_call>\n<function=exe", sink.content(), "unterminated markup is content, never lost");
    assertEquals("stop", choice(sink).getString("finish_reason"));
  }

  @Test
  void reasoningInTheTextIsSplitIntoReasoningContent() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("<think>plan</think>", null, null, null, null, null, 7);
    assertEquals(7, c.firstOutputAt(), "reasoning is output too");
    c.onChunk("answer", null, null, null, null, null, 8);
    c.onDone();
    JsonObject msg = choice(sink).getJsonObject("message");
    assertEquals("plan", msg.getString("reasoning_content"));
    assertEquals("answer", msg.getString("content"));
  }

  @Test
  void toolCallIdsAreAlphanumericAndDerivedFromTheRequestId() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(true, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(XML_LS, null, null, null, null, null, 1);
    c.onDone();
    assertEquals("callreq1t0", toolCalls(sink).getJsonObject(0).getString("id"));
    assertEquals("tool_calls", choice(sink).getString("finish_reason"));

    var opts = ResponseCore.parserOptions(envelope("req/with-a-very-long.id_0123456789", true, true, "split",
        body("exec")));
    assertEquals("callreqwithaverylongid012345t3", opts.idForIndex().apply(3), "cut to 28 characters");
    assertEquals("split", opts.reasoning());
    assertEquals(1, opts.tools().size());
    assertEquals("exec", opts.tools().get(0).name());
  }

  @Test
  void vllmsStructuredCallsKeepTheirOrderAndArguments() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(true, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(null, null, structured(0, "exec", "{\"command\":"), null, null, null, 1);
    c.onChunk(null, null, new JsonArray().add(new JsonObject().put("index", 0).put("function",
        new JsonObject().put("arguments", "\"ls\"}"))), null, null, null, 2);
    c.onChunk(null, null, structured(1, "exec", "{\"command\":\"pwd\"}"), "tool_calls", null, null, 3);
    c.onDone();
    JsonArray calls = toolCalls(sink);
    assertEquals(2, calls.size());
    assertEquals("callreq1t0", calls.getJsonObject(0).getString("id"), "clawbus's ids, not vLLM's");
    assertEquals("{\"command\":\"ls\"}", calls.getJsonObject(0).getJsonObject("function").getString("arguments"));
    assertEquals("callreq1t1", calls.getJsonObject(1).getString("id"));
    assertEquals("{\"command\":\"pwd\"}", calls.getJsonObject(1).getJsonObject("function").getString("arguments"));
    assertEquals("tool_calls", choice(sink).getString("finish_reason"));
  }

  @Test
  void aRetriedAttemptsStructuredCallIsNotMergedIntoTheFailedOnes() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(true, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(null, null, structured(0, "exec", "{\"comm"), null, null, null, 1);
    assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("reset", 2), "no call was complete yet");
    c.nextAttempt(3);
    c.onStreamStarted(3);
    c.onChunk(null, null, structured(0, "exec", "{\"command\":\"ls\"}"), "tool_calls", null, null, 4);
    c.onDone();
    JsonArray calls = toolCalls(sink);
    assertEquals(1, calls.size());
    assertEquals("{\"command\":\"ls\"}", calls.getJsonObject(0).getJsonObject("function").getString("arguments"));
    assertEquals("tool_calls", choice(sink).getString("finish_reason"));
    String content = sink.content();
    assertTrue(content == null || content.isEmpty(), "the failed attempt's partial call is not shown as text: "
        + content);
  }

  @Test
  void theBackoffGrowsWithEachAttemptUpToTwoSeconds() {
    Sink sink = new Sink();
    ResponseCore c = new ResponseCore(envelope(false, null), new ResponseCore.Settings(10_000, 60_000, 30), sink,
        new Recorded(List.of(), ""));
    for (int i = 1; i < 30; i++) {
      c.nextAttempt(i);
      ResponseCore.Retry r = assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("refused", i));
      assertEquals(Math.min(2_000, 100L * i), r.backoffMillis(), "attempt " + i);
    }
    c.nextAttempt(30);
    assertInstanceOf(ResponseCore.Ended.class, c.onAttemptFailed("refused", 30));
    assertEquals("vLLM failed 30 times; last: refused", c.error().getMessage());
    assertEquals("vllm_unavailable", c.error().code());
  }

  @Test
  void aFailureAfterTheEndChangesNothing() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("ok", null, null, null, null, null, 1);
    c.onDone();
    int n = sink.events.size();
    assertInstanceOf(ResponseCore.Ended.class, c.onAttemptFailed("reset", 2));
    c.onDone();
    c.onRefused(OpenAiError.invalidRequest(null, "late"));
    assertEquals(n, sink.events.size());
    assertNull(c.error());
  }

  @Test
  void givingUpCountsFromTheFailureOnceStartedAndFromArrivalBefore() {
    ResponseCore started = core(envelope(false, null), new Sink());
    started.nextAttempt(2_000);
    started.onStreamStarted(2_000);
    started.onChunk("x", null, null, null, null, null, 2_500);
    started.onAttemptFailed("reset", 5_000);
    started.onGaveUp("refused", "http://vllm:8000", 65_000);
    assertEquals("vLLM at http://vllm:8000 was unreachable for 60 s (refused); the request was not completed",
        started.error().getMessage());

    ResponseCore waiting = core(envelope(false, null), new Sink());
    waiting.nextAttempt(3_000);
    waiting.onAttemptFailed("refused", 3_000);
    waiting.onGaveUp("refused", "http://vllm:8000", 31_000);
    assertTrue(waiting.error().getMessage().contains("unreachable for 30 s"), "since the request arrived (1 s)");
  }

  @Test
  void aRefusalIsTheClientsToSee() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    c.nextAttempt(0);
    OpenAiError e = OpenAiError.invalidRequest("max_tokens", "too many");
    c.onRefused(e);
    assertTrue(c.ended());
    assertSame(e, c.error());
    assertEquals(StreamEvent.ERROR, sink.last().type());
    assertEquals(400, sink.last().status());
    assertEquals(1, sink.events.size());
  }

  @Test
  void aToolLoopThatCannotRecordEndsTheAnswer() {
    Sink sink = new Sink();
    ResponseCore c = core(envelope(false, null), sink);
    c.toolLoopFailed();
    assertTrue(c.ended());
    assertEquals(503, c.error().status());
    assertEquals("journal_unavailable", c.error().code());
    assertTrue(c.error().getMessage().contains("req-1"), c.error().getMessage());
    assertEquals(StreamEvent.ERROR, sink.last().type());
  }

  @Test
  void aTakenOverAnswerKnowsTheCallsItsJournalHolds() {
    Sink first = new Sink();
    ResponseCore a = core(envelope(true, null), first);
    a.nextAttempt(0);
    a.onStreamStarted(0);
    a.onChunk(XML_LS, null, null, null, null, null, 1);
    Sink second = new Sink();
    ResponseCore b = new ResponseCore(envelope(true, null), SETTINGS, second, new Recorded(first.events,
        first.raw.toString()));
    assertTrue(b.started(), "the role chunk went out with the first run");
    assertEquals(XML_LS, b.rawText());
    b.nextAttempt(5);
    b.onStreamStarted(5);
    b.onDone();
    assertEquals("tool_calls", finishReason(second), "the journal's call was made");

    Sink text = new Sink();
    ResponseCore t = core(envelope(false, null), text);
    t.nextAttempt(0);
    t.onStreamStarted(0);
    t.onChunk("words", null, null, null, null, null, 1);
    Sink after = new Sink();
    ResponseCore u = new ResponseCore(envelope(false, null), SETTINGS, after, new Recorded(text.events,
        text.raw.toString()));
    u.nextAttempt(2);
    u.onStreamStarted(2);
    u.onDone();
    assertEquals("stop", finishReason(after), "no call in the journal");
  }

  // ---- with the server-side tool loop ----

  @Test
  void aTakerReplaysTheRoundsContentIntoTheLoop() {
    RequestEnvelope env = envelope(true, 100);
    Sink first = new Sink();
    ResponseCore a = loopCore(env, SETTINGS, first, new Recorded(List.of(), ""));
    a.nextAttempt(0);
    a.onStreamStarted(0);
    a.onChunk("Checking. ", null, null, null, null, null, 1);
    ResponseCore b = loopCore(env, SETTINGS, new Sink(), new Recorded(first.events, first.raw.toString()));
    b.nextAttempt(2);
    b.onStreamStarted(2);
    b.onChunk(XML_LS, null, null, null, null, null, 3);
    b.onDone();
    assertTrue(b.awaitingTools());
    ExecLoop.Run run = assertInstanceOf(ExecLoop.Run.class, b.endRound(4));
    assertEquals("Checking. ", run.records().get(0).getString("content"), "the round's content, from both runs");
    assertEquals(1, run.records().get(0).getJsonArray("calls").size());
  }

  @Test
  void aTakerHoldsTheExecCallItsJournalHolds() {
    RequestEnvelope env = envelope(true, 100);
    Sink first = new Sink();
    ResponseCore a = loopCore(env, SETTINGS, first, new Recorded(List.of(), ""));
    a.nextAttempt(0);
    a.onStreamStarted(0);
    a.onChunk(XML_LS, null, null, null, null, null, 1);
    ResponseCore b = loopCore(env, SETTINGS, new Sink(), new Recorded(first.events, first.raw.toString()));
    b.nextAttempt(2);
    b.onStreamStarted(2);
    b.onDone();
    assertTrue(b.awaitingTools(), "the recorded exec call is the loop's to run");
    assertFalse(b.ended());
    assertEquals(1, b.loop().held());
  }

  @Test
  void theClientsCallsAreNumberedFromZeroAcrossATakeover() {
    RequestEnvelope env = envelope("req-1", true, true, "split", body("exec", "read"));
    Sink first = new Sink();
    ResponseCore a = loopCore(env, SETTINGS, first, new Recorded(List.of(), ""));
    a.nextAttempt(0);
    a.onStreamStarted(0);
    a.onChunk(XML_READ + "\n" + XML_READ, null, null, null, null, null, 1);
    assertTrue(first.events.stream().anyMatch(e -> e.data().contains("\"tool_calls\":[{\"index\":1,")),
        "the second call of the run is index 1");
    Sink second = new Sink();
    ResponseCore b = loopCore(env, SETTINGS, second, new Recorded(first.events, first.raw.toString()));
    b.nextAttempt(2);
    b.onStreamStarted(2);
    b.onChunk("\n" + XML_READ, null, null, null, null, null, 3);
    b.onDone();
    assertTrue(b.ended());
    assertTrue(second.events.stream().anyMatch(e -> e.data().contains("\"tool_calls\":[{\"index\":2,")),
        "after the journal's two calls: index 2");
    assertEquals("tool_calls", finishReason(second));
  }

  @Test
  void vllmsStructuredExecCallEndsTheRoundWhenTheAttemptFails() {
    Sink sink = new Sink();
    ResponseCore c = loopCore(envelope(true, 100), SETTINGS, sink, new Recorded(List.of(), ""));
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(null, null, structured(0, "exec", "{\"command\":\"ls\"}"), null, null, null, 1);
    c.onChunk(null, null, structured(1, "exec", "{\"command\":"), null, null, null, 2);
    assertInstanceOf(ResponseCore.Ended.class, c.onAttemptFailed("reset", 3));
    assertTrue(c.awaitingTools(), "the complete call is run, as if the round had completed");
    assertFalse(c.ended());
    ExecLoop.Run run = assertInstanceOf(ExecLoop.Run.class, c.endRound(4));
    JsonArray calls = run.records().get(0).getJsonArray("calls");
    assertEquals(1, calls.size());
    assertEquals("{\"command\":\"ls\"}", calls.getJsonObject(0).getString("arguments"));
  }

  @Test
  void vllmsStructuredClientCallEndsTheTurnWhenTheAttemptFails() {
    Sink sink = new Sink();
    RequestEnvelope env = envelope("req-1", true, true, "split", body("exec", "read"));
    ResponseCore c = loopCore(env, SETTINGS, sink, new Recorded(List.of(), ""));
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(null, null, structured(0, "read", "{\"path\":\"x\"}"), null, null, null, 1);
    c.onChunk(null, null, structured(1, "read", "{\"pa"), null, null, null, 2);
    assertInstanceOf(ResponseCore.Ended.class, c.onAttemptFailed("reset", 3));
    assertTrue(c.ended());
    assertFalse(c.awaitingTools());
    assertNull(c.error());
    assertEquals("tool_calls", finishReason(sink));
    assertEquals(1, toolCalls(sink).size());
  }

  @Test
  void anUnfinishedStructuredCallIsRetriedWithTheLoopToo() {
    ResponseCore c = loopCore(envelope(true, 100), SETTINGS, new Sink(), new Recorded(List.of(), ""));
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(null, null, structured(0, "exec", "{\"command\":"), null, null, null, 1);
    assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("reset", 2), "no call complete: nothing held");
    assertFalse(c.awaitingTools());
    assertFalse(c.ended());
  }

  @Test
  void eachRoundOfTheLoopHasTheWholeAttemptBudget() {
    Sink sink = new Sink();
    ResponseCore c = loopCore(envelope(true, 100), SETTINGS, sink, new Recorded(List.of(), ""));
    for (int i = 0; i < 2; i++) {
      c.nextAttempt(i);
      assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("refused", i));
    }
    c.nextAttempt(10);
    c.onStreamStarted(10);
    c.onChunk(XML_LS, null, null, null, 10, 5, 11);
    c.onDone();
    assertInstanceOf(ExecLoop.Run.class, c.endRound(12));
    ExecLoop.Execute e = assertInstanceOf(ExecLoop.Execute.class, c.loop().next(13));
    c.loop().finished(e.call(), ResponseCoreExecLoopTest.ok("a\n"), 14);
    c.beginRound(assertInstanceOf(ExecLoop.NextRound.class, c.loop().next(15)).body());
    assertEquals(10, c.promptTokens(), "round 1's prompt");
    for (int i = 1; i < SETTINGS.maxAttempts(); i++) {
      c.nextAttempt(20 + i);
      assertInstanceOf(ResponseCore.Retry.class, c.onAttemptFailed("refused", 20 + i), "round 2, attempt " + i);
    }
    c.nextAttempt(30);
    assertInstanceOf(ResponseCore.Ended.class, c.onAttemptFailed("refused", 30));
    assertEquals("vLLM failed 8 times; last: refused", c.error().getMessage());
    assertEquals(8, c.attempts());
  }
}
