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
}
