package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.dispatcher.ResponseCoreTest.Sink;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.exec.ExecResult;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.parser.LoopGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A response whose exec calls the server runs: the core's hooks driven as ExecSteps drives them, with a hand-moved
 * clock and the journal as a list: what the client sees, what vLLM is asked, and what a taker resumes from.
 */
class ResponseCoreExecLoopTest {
  static final String XML_LS = "<tool_call>\n<function=exec>\n<parameter=command>\nls\n</parameter>\n</function>\n"
      + "</tool_call>";

  /** The core's output plus the loop's step records: a whole journal. */
  static final class Journal implements ResponseCore.Output {
    final Sink sink = new Sink();
    final List<StreamEvent> events = sink.events;
    final StringBuilder raw = sink.raw;
    final List<JsonObject> steps = new ArrayList<>();

    @Override public void event(StreamEvent e) { sink.event(e); }
    @Override public void appendRaw(CharSequence t) { sink.appendRaw(t); }
    @Override public void truncateRaw(int length) { sink.truncateRaw(length); }

    JsonObject completion() { return sink.completion(); }
    String content() { return sink.content(); }
    StreamEvent last() { return sink.last(); }

    Recorded recorded() {
      return new Recorded(new ArrayList<>(events), raw.toString(), new ArrayList<>(steps));
    }
  }

  static ResponseCore core(Journal j, Recorded from) {
    var env = ResponseCoreTest.envelope(true, 100);
    return new ResponseCore(env, ResponseCoreTest.SETTINGS, j, from, new ExecLoop(env, "buildbox",
        new LoopGuard(5, 60)));
  }

  static ExecResult ok(String out) {
    return new ExecResult("x", "buildbox", 0, out, "", 7, false, false, out.length(), 0, 0, null);
  }

  static List<JsonObject> calls(JsonObject completion) {
    JsonArray tc = completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getJsonArray("tool_calls");
    return tc == null ? List.of() : tc.stream().map(o -> (JsonObject) o).toList();
  }

  static JsonObject message(Journal j) {
    return j.completion().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
  }

  @Test
  void theExecCallRunsServerSideAndTheClientSeesTheStepsAndTheFinalAnswerOnly() {
    Journal j = new Journal();
    ResponseCore c = core(j, new Recorded(List.of(), ""));
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("Checking. ", null, null, null, null, null, 1);
    c.onChunk(XML_LS, null, null, null, 10, 5, 2);
    c.onDone();
    assertTrue(c.awaitingTools());
    assertFalse(c.ended());
    ExecLoop.Run run = assertInstanceOf(ExecLoop.Run.class, c.endRound(3));
    j.steps.addAll(run.records());
    assertEquals("", j.raw.toString(), "the round's raw text is done with: a continuation never resumes from it");
    ExecLoop.Execute e = assertInstanceOf(ExecLoop.Execute.class, c.loop().next(4));
    c.showStep(e.visible());
    j.steps.add(e.started());
    ExecLoop.Outcome o = c.loop().finished(e.call(), ok("a.txt\n"), 5);
    c.showStep(o.visible());
    j.steps.add(o.record());
    ExecLoop.NextRound next = assertInstanceOf(ExecLoop.NextRound.class, c.loop().next(6));
    c.beginRound(next.body());
    JsonObject asked = c.nextAttempt(7);
    assertEquals(next.body(), asked, "round 2 asks with the call and its result");
    assertEquals("Checking. ", asked.getJsonArray("messages").getJsonObject(1).getString("content"),
        "the round's content as the client saw it");
    assertEquals("a.txt\n[exit code 0, 7 ms]", asked.getJsonArray("messages").getJsonObject(2).getString("content"));
    c.onStreamStarted(8);
    c.onChunk("There is a.txt.", null, null, "stop", 30, 4, 9);
    c.onDone();
    assertTrue(c.ended());
    assertNull(c.error());

    JsonObject msg = message(j);
    assertEquals("Checking. There is a.txt.", msg.getString("content"), "every round's content, as written");
    assertEquals("[exec on buildbox] $ ls\na.txt\n[exit code 0, 7 ms]\n", msg.getString("reasoning_content"));
    assertEquals(List.of(), calls(j.completion()), "the client never sees the exec call");
    assertEquals("stop", j.completion().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
    assertEquals(40, j.completion().getJsonObject("usage").getInteger("prompt_tokens"), "every round's prompt");
    assertEquals(9, j.completion().getJsonObject("usage").getInteger("completion_tokens"));
    for (int i = 0; i < j.events.size(); i++) assertEquals(i, j.events.get(i).seq(), "one contiguous answer");
    assertEquals(1, j.events.stream().filter(ev -> ev.data().contains("\"role\"")).count(), "one role chunk");
    assertFalse(j.events.stream().anyMatch(ev -> ev.data().contains("tool_calls")), "no tool-call delta at all");
  }

  @Test
  void otherToolsGoToTheClientWithIndexesFromZeroAndTheExecCallIsDropped() {
    Journal j = new Journal();
    var env = ResponseCoreTest.envelope(true, 100);
    env.body().getJsonArray("tools").add(new JsonObject().put("type", "function").put("function",
        new JsonObject().put("name", "read").put("parameters", new JsonObject().put("type", "object"))));
    ResponseCore c = new ResponseCore(env, ResponseCoreTest.SETTINGS, j, new Recorded(List.of(), ""),
        new ExecLoop(env, "buildbox", new LoopGuard(5, 60)));
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(XML_LS, null, null, null, null, null, 1);
    c.onChunk("\n<tool_call>\n<function=read>\n<parameter=path>\nx\n</parameter>\n</function>\n</tool_call>", null,
        null, null, null, null, 2);
    c.onDone();
    assertTrue(c.awaitingTools());
    assertInstanceOf(ExecLoop.HandToClient.class, c.endRound(3));
    assertTrue(c.ended());
    List<JsonObject> shown = calls(j.completion());
    assertEquals(1, shown.size());
    assertEquals("read", shown.get(0).getJsonObject("function").getString("name"));
    assertTrue(j.events.stream().anyMatch(ev -> ev.data().contains("\"tool_calls\":[{\"index\":0,")),
        "the client's first call has index 0 although the parser's was 1");
    assertEquals("tool_calls", j.completion().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
    assertTrue(message(j).getString("reasoning_content").contains("was not run"));
  }

  @Test
  void theLoopGuardEndsTheAnswerWithItsReasonAsContent() {
    Journal j = new Journal();
    var env = ResponseCoreTest.envelope(true, 100);
    ResponseCore c = new ResponseCore(env, ResponseCoreTest.SETTINGS, j, new Recorded(List.of(), ""),
        new ExecLoop(env, "buildbox", new LoopGuard(0, 1)));
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk(XML_LS + "\n" + XML_LS, null, null, null, null, null, 1);
    c.onDone();
    assertInstanceOf(ExecLoop.Stop.class, c.endRound(2));
    assertTrue(c.ended());
    assertEquals("Stopped: 2 tool calls since the last user message exceed the limit of 1.", j.content());
    assertEquals("stop", j.completion().getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
    assertEquals(StreamEvent.DONE, j.last().type());
  }

  @Test
  void aTakerContinuesAfterTheLastRecordedStepAndNeverResendsAStartedCall() {
    Journal j = new Journal();
    ResponseCore a = core(j, new Recorded(List.of(), ""));
    a.nextAttempt(0);
    a.onStreamStarted(0);
    a.onChunk(XML_LS, null, null, null, null, null, 1);
    a.onDone();
    j.steps.addAll(((ExecLoop.Run) a.endRound(2)).records());
    ExecLoop.Execute e = (ExecLoop.Execute) a.loop().next(3);
    a.showStep(e.visible());
    j.steps.add(e.started());
    // The node running the answer dies here: the command was sent, its result never recorded.

    Journal j2 = new Journal();
    ResponseCore b = core(j2, j.recorded());
    assertTrue(b.toolsPending(), "the taker first settles the recorded round");
    ExecLoop.Resolved r = assertInstanceOf(ExecLoop.Resolved.class, b.loop().next(5_003));
    assertTrue(r.outcome().text().startsWith("[outcome unknown: this command was sent to node 'buildbox' 5 s ago"),
        r.outcome().text());
    b.showStep(r.outcome().visible());
    ExecLoop.NextRound next = assertInstanceOf(ExecLoop.NextRound.class, b.loop().next(5_004));
    b.beginRound(next.body());
    JsonObject asked = b.nextAttempt(5_005);
    assertFalse(asked.containsKey("continue_final_message"), "a new round, not a continuation of the old one");
    assertEquals("tool", asked.getJsonArray("messages").getJsonObject(2).getString("role"));
    b.onStreamStarted(5_006);
    b.onChunk("Unknown, sorry.", null, null, null, null, null, 5_007);
    b.onDone();
    assertEquals(j.events.size(), j2.events.get(0).seq(), "numbering continues after the journal");

    // Died later instead: mid-way through round 2's answer. The taker continues round 2, not round 1.
    Journal j3 = new Journal();
    ResponseCore c = core(j3, new Recorded(List.of(), ""));
    c.nextAttempt(0);
    c.onStreamStarted(0);
    c.onChunk("Look. ", null, null, null, null, null, 1);
    c.onChunk(XML_LS, null, null, null, null, null, 1);
    c.onDone();
    j3.steps.addAll(((ExecLoop.Run) c.endRound(2)).records());
    ExecLoop.Execute e3 = (ExecLoop.Execute) c.loop().next(3);
    j3.steps.add(e3.started());
    j3.steps.add(c.loop().finished(e3.call(), ok("f\n"), 4).record());
    c.beginRound(((ExecLoop.NextRound) c.loop().next(5)).body());
    c.nextAttempt(6);
    c.onStreamStarted(6);
    c.onChunk("one ", null, null, null, null, null, 7);
    c.onChunk("two ", null, null, null, null, null, 8);
    ResponseCore d = core(new Journal(), j3.recorded());
    assertFalse(d.toolsPending());
    JsonObject cont = d.nextAttempt(9);
    JsonArray m = cont.getJsonArray("messages");
    assertEquals(4, m.size(), "user, the round's assistant call, its result, the partial answer");
    assertEquals("one two ", m.getJsonObject(3).getString("content"));
    assertTrue(cont.getBoolean("continue_final_message"));
    assertEquals(d.loop().nextBody().getInteger("max_tokens") - 2, cont.getInteger("max_tokens"),
        "the round's budget less this round's two tokens (not the earlier rounds')");
  }
}
