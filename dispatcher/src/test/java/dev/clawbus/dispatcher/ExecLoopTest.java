package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.exec.ExecErrors;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import dev.clawbus.parser.LoopGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tool loop's decisions with a hand-moved clock: no node, no vLLM, no journal. */
class ExecLoopTest {
  static final LoopGuard GUARD = new LoopGuard(5, 60);
  long now = 1_000;

  static RequestEnvelope envelope(JsonObject extra) {
    JsonObject body = new JsonObject().put("model", "m").put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "be brief"))
        .add(new JsonObject().put("role", "user").put("content", "list the files")))
        .put("tools", new JsonArray().add(ResponseCoreTest.EXEC));
    body.mergeIn(extra);
    return new RequestEnvelope("req-1", "team-a", Api.CHAT, "m", "chatcmpl-req-1", 7, true, true, false,
        "qwen3_coder", "split", body, 1_000, 61_000, "A", null, null, null, 10);
  }

  static ExecLoop loop(JsonObject extra) {
    return new ExecLoop(envelope(extra), "buildbox", GUARD);
  }

  static ExecResult result(int exit, String out, String err, boolean timedOut) {
    return new ExecResult("x", "buildbox", exit, out, err, 12, timedOut, false, out.length(), err.length(), 0, null);
  }

  /** Every record the loop asked to make durable, in order: what a journal would hold. */
  final List<JsonObject> journal = new ArrayList<>();

  ExecLoop.Execute execute(ExecLoop loop) {
    ExecLoop.Execute e = assertInstanceOf(ExecLoop.Execute.class, loop.next(now));
    journal.add(e.started());
    return e;
  }

  void record(ExecLoop.Outcome o) {
    journal.add(o.record());
  }

  @Test
  void aRoundOfExecCallsRunsInOrderAndTheNextRoundCarriesCallsAndResults() {
    ExecLoop loop = loop(new JsonObject());
    loop.content("Let me look.");
    loop.hold("{\"command\":\"ls -la\",\"workdir\":\"src\",\"env\":{\"A\":\"1\"},\"timeoutSeconds\":30,\"yieldMs\":5}");
    loop.hold("{\"command\":\"pwd\"}");
    ExecLoop.Run run = assertInstanceOf(ExecLoop.Run.class, loop.endRound(false, 9, now));
    journal.addAll(run.records());
    assertEquals(0, loop.held(), "the round's calls moved into the record");
    JsonObject round = run.records().get(0);
    assertEquals("round", round.getString("k"));
    assertEquals("Let me look.", round.getString("content"));
    assertEquals(9, round.getLong("seq"));
    assertTrue(loop.pending());

    ExecLoop.Execute first = execute(loop);
    ExecRequest r = first.request();
    assertEquals("team-a:req-1:r0c0", r.id(), "the audit key: the same on every node");
    assertEquals("buildbox", r.node());
    assertEquals("team-a", r.tenant());
    assertEquals("ls -la", r.command());
    assertEquals("src", r.workdir());
    assertEquals(30, r.timeoutSeconds());
    assertEquals("1", r.env().get("A"));
    assertEquals("[exec on buildbox] $ ls -la\n", first.visible());
    assertEquals("started", first.started().getString("k"));
    now += 500;
    ExecLoop.Outcome o = loop.finished(first.call(), result(0, "a\nb\n", "", false), now);
    assertEquals("a\nb\n[exit code 0, 12 ms]", o.text());
    record(o);
    assertTrue(loop.pending(), "the second call still has no result");

    ExecLoop.Execute second = execute(loop);
    assertEquals("team-a:req-1:r0c1", second.request().id());
    assertEquals(ExecRequest.DEFAULT_TIMEOUT_SECONDS, second.request().timeoutSeconds());
    record(loop.failed(second.call(), ExecErrors.denied("'/bin/pwd' is not in the allowlist of node 'buildbox'"),
        now));
    assertFalse(loop.pending());

    ExecLoop.NextRound next = assertInstanceOf(ExecLoop.NextRound.class, loop.next(now));
    JsonArray m = next.body().getJsonArray("messages");
    assertEquals(5, m.size(), "system, user, the round's assistant message, one tool message per call");
    JsonObject assistant = m.getJsonObject(2);
    assertEquals("assistant", assistant.getString("role"));
    assertEquals("Let me look.", assistant.getString("content"));
    JsonArray calls = assistant.getJsonArray("tool_calls");
    assertEquals(2, calls.size());
    assertEquals("exec", calls.getJsonObject(0).getJsonObject("function").getString("name"));
    String id0 = calls.getJsonObject(0).getString("id");
    assertTrue(id0.matches("[A-Za-z0-9]+"), "alphanumeric, as OpenClaw keeps them: " + id0);
    assertEquals(id0, m.getJsonObject(3).getString("tool_call_id"));
    assertEquals("a\nb\n[exit code 0, 12 ms]", m.getJsonObject(3).getString("content"));
    assertEquals(calls.getJsonObject(1).getString("id"), m.getJsonObject(4).getString("tool_call_id"));
    assertEquals("[not run: '/bin/pwd' is not in the allowlist of node 'buildbox' (exec_denied)]",
        m.getJsonObject(4).getString("content"));
    assertEquals(2, envelope(new JsonObject()).body().getJsonArray("messages").size(), "the request is untouched");

    // A node that reads the same records is in the same place.
    ExecLoop again = loop(new JsonObject());
    again.restore(journal);
    assertEquals(1, again.rounds());
    assertFalse(again.pending());
    assertEquals(next.body(), again.nextBody());
    assertEquals(9, again.recordedSeq(), "the first event of the next round");
  }

  @Test
  void outputIsCutInTheMiddleAndTimeoutsAndSilenceAreSaid() {
    ExecLoop loop = loop(new JsonObject());
    loop.hold("{\"command\":\"make\"}");
    loop.endRound(false, 1, now);
    ExecLoop.Execute e = execute(loop);
    String big = "H".repeat(ExecLoop.HEAD_CHARS) + "x".repeat(1_000) + "T".repeat(ExecLoop.TAIL_CHARS);
    String text = loop.finished(e.call(), result(2, big, "boom", false), now).text();
    assertTrue(text.startsWith("H".repeat(ExecLoop.HEAD_CHARS) + "\n[clawbus: 1000 characters omitted]\n"
        + "T".repeat(ExecLoop.TAIL_CHARS) + "\n[stderr]\nboom\n[exit code 2, 12 ms]"), text);
    assertEquals("exactly at the limit", ExecLoop.cut("exactly at the limit"));
    String limit = "y".repeat(ExecLoop.HEAD_CHARS + ExecLoop.TAIL_CHARS);
    assertEquals(limit, ExecLoop.cut(limit));

    ExecLoop l2 = loop(new JsonObject());
    l2.hold("{\"command\":\"sleep 99\"}");
    l2.endRound(false, 1, now);
    ExecLoop.Execute slow = execute(l2);
    ExecResult killed = new ExecResult("x", "buildbox", 137, "", "", 30_004, true, false, 0, 0, 0, null);
    assertEquals("(no output)\n[timed out: the command was killed after 30 s, exit code 137]",
        l2.finished(slow.call(), killed, now).text());
  }

  @Test
  void errorsAfterWhichTheCommandMayHaveRunAreAnUnknownOutcomeOthersSayItDidNotRun() {
    ExecLoop loop = loop(new JsonObject());
    loop.hold("{\"command\":\"a\"}");
    loop.hold("{\"command\":\"b\"}");
    loop.endRound(false, 1, now);
    ExecLoop.Execute a = execute(loop);
    String gone = loop.failed(a.call(), ExecErrors.nodeGone("buildbox", "left the cluster"), now).text();
    assertEquals("[outcome unknown: node 'buildbox' left the cluster while the command was running; its outcome is "
        + "unknown (node_gone); it was not run again]", gone);
    ExecLoop.Execute b = execute(loop);
    String missing = loop.failed(b.call(), ExecErrors.unknownNode("buildbox"), now).text();
    assertEquals("[not run: no node named 'buildbox' has joined the cluster (node_not_found)]", missing);
    for (String code : ExecLoop.OUTCOME_UNKNOWN) {
      assertTrue(loop.failed(b.call(), OpenAiError.server(502, code, "m"), now).text().startsWith("[outcome unknown"));
    }
    assertTrue(loop.failed(b.call(), ExecErrors.busy("buildbox", 8), now).text().startsWith("[not run"));
  }

  @Test
  void aCallStartedWithoutARecordedResultIsNeverSentAgain() {
    ExecLoop first = loop(new JsonObject());
    first.hold("{\"command\":\"rm -rf build\"}");
    first.hold("{\"command\":\"ls\"}");
    journal.addAll(((ExecLoop.Run) first.endRound(false, 3, now)).records());
    execute(first); // started at 1 000 ms, then the node running the answer died: no result recorded

    now = 43_000;
    ExecLoop taker = loop(new JsonObject());
    taker.restore(journal);
    assertTrue(taker.pending());
    ExecLoop.Resolved unknown = assertInstanceOf(ExecLoop.Resolved.class, taker.next(now));
    assertEquals(0, unknown.call().index());
    assertEquals("[outcome unknown: this command was sent to node 'buildbox' 42 s ago and the clawbus node running "
        + "this answer stopped before its result was recorded; it was not run again. Check its effects before "
        + "repeating it]", unknown.outcome().text());
    assertEquals("result", unknown.outcome().record().getString("k"));
    ExecLoop.Execute notStarted = assertInstanceOf(ExecLoop.Execute.class, taker.next(now),
        "a call never recorded as started was never sent: it runs");
    assertEquals("ls", notStarted.request().command());
  }

  @Test
  void bothKindsOfCallsInOneRoundHandTheOthersToTheClientAndRunNothing() {
    ExecLoop loop = loop(new JsonObject());
    loop.hold("{\"command\":\"ls\"}");
    ExecLoop.HandToClient h = assertInstanceOf(ExecLoop.HandToClient.class, loop.endRound(true, 4, now));
    assertEquals("[clawbus: 1 exec call was not run on node 'buildbox' because this answer also calls other tools; "
        + "ask again if still needed]\n", h.note());
    assertEquals(0, loop.rounds());
    assertEquals(0, loop.held());
    assertFalse(loop.pending());
  }

  @Test
  void theLoopGuardStopsBeforeAnythingRuns() {
    ExecLoop loop = new ExecLoop(envelope(new JsonObject()), "buildbox", new LoopGuard(3, 0));
    for (int i = 0; i < 2; i++) {
      loop.hold("{\"command\":\"make\"}");
      assertInstanceOf(ExecLoop.Run.class, loop.endRound(false, i, now));
      record(loop.finished(execute(loop).call(), result(2, "", "error", false), now));
      assertInstanceOf(ExecLoop.NextRound.class, loop.next(now));
    }
    loop.content("Trying again.");
    loop.hold("{\"command\": \"make\"}");
    ExecLoop.Stop stop = assertInstanceOf(ExecLoop.Stop.class, loop.endRound(false, 9, now));
    assertEquals("\n\nStopped: the tool call exec was repeated 3 times with the same arguments without progress.",
        stop.text());
    assertEquals(2, loop.rounds(), "the stopped round is not recorded, so nothing of it runs");

    ExecLoop perTurn = new ExecLoop(envelope(new JsonObject()), "buildbox", new LoopGuard(0, 2));
    perTurn.hold("{\"command\":\"a\"}");
    perTurn.hold("{\"command\":\"b\"}");
    perTurn.hold("{\"command\":\"c\"}");
    assertEquals("Stopped: 3 tool calls since the last user message exceed the limit of 2.",
        assertInstanceOf(ExecLoop.Stop.class, perTurn.endRound(false, 1, now)).text());
  }

  @Test
  void unusableArgumentsAreAnsweredWithoutRunningAnything() {
    ExecLoop loop = loop(new JsonObject());
    loop.hold("{\"cmd\":\"ls\"}");
    loop.hold("not json");
    loop.endRound(false, 1, now);
    ExecLoop.Resolved missing = assertInstanceOf(ExecLoop.Resolved.class, loop.next(now));
    assertEquals("[not run: invalid exec arguments: 'command' must be a non-empty string]",
        missing.outcome().text());
    ExecLoop.Resolved notJson = assertInstanceOf(ExecLoop.Resolved.class, loop.next(now));
    assertEquals("[not run: the exec arguments are not a JSON object]", notJson.outcome().text());
    assertInstanceOf(ExecLoop.NextRound.class, loop.next(now));
  }

  @Test
  void laterRoundsMayAnswerInWordsAndStayWithinTheTokenBudget() {
    ExecLoop loop = loop(new JsonObject().put("tool_choice", "required").put("max_tokens", 4_000));
    assertEquals("required", loop.nextBody().getString("tool_choice"), "round 0 is the request itself");
    assertEquals(4_000, loop.nextBody().getInteger("max_tokens"));
    loop.hold("{\"command\":\"ls\"}");
    loop.endRound(false, 1, now);
    ExecLoop.Execute e = execute(loop);
    loop.finished(e.call(), result(0, "z".repeat(3_000), "", false), now);
    JsonObject body = ((ExecLoop.NextRound) loop.next(now)).body();
    assertEquals("auto", body.getString("tool_choice"), "a forced call was made; now the model may answer");
    int added = new JsonArray(body.getJsonArray("messages").getList().subList(2, 4)).encode().length();
    assertEquals(4_000 - added / 3, body.getInteger("max_tokens"), "what the loop added to the prompt, 3 chars a token");
    assertNull(loop(new JsonObject()).nextBody().getValue("max_tokens"), "no max_tokens: vLLM fills the window");
  }

  @Test
  void eachRoundRecordsItsOwnContentAndTheTimelineSaysWhatHappened() {
    ExecLoop loop = loop(new JsonObject());
    loop.content("first ");
    loop.hold("{\"command\":\"a\"}");
    loop.endRound(false, 1, now);
    ExecLoop.Execute a = execute(loop);
    assertEquals("exit 0 in 12 ms", loop.finished(a.call(), result(0, "x", "", false), now).timeline());
    loop.next(now);
    loop.content("second");
    loop.hold("{\"command\":\"b\"}");
    ExecLoop.Run run = assertInstanceOf(ExecLoop.Run.class, loop.endRound(false, 5, now));
    assertEquals("second", run.records().get(0).getString("content"), "not the first round's content again");
    ExecLoop.Execute b = execute(loop);
    assertEquals("exit 137 in 12 ms (timed out)", loop.finished(b.call(), result(137, "", "", true), now).timeline());
    assertEquals("[not run: gone fishing]", loop.failed(b.call(), new OpenAiError(503, "x", null, null,
        "gone fishing"), now).text(), "an error without a code");
    assertEquals("buildbox", loop.node());
  }

  @Test
  void recordsThatNameNoRecordedRoundOrCallAreIgnored() {
    ExecLoop loop = loop(new JsonObject());
    loop.restore(List.of(new JsonObject().put("k", "started").put("r", 0).put("c", 0),
        new JsonObject().put("k", "round").put("r", 0).put("calls", new JsonArray().add(new JsonObject()
            .put("id", "c1").put("arguments", "{\"command\":\"ls\"}"))).put("seq", 3),
        new JsonObject().put("k", "round").put("r", 5),
        new JsonObject().put("k", "result").put("r", 1).put("c", 0).put("text", "x"),
        new JsonObject().put("k", "result").put("r", 0).put("c", 1).put("text", "x"),
        new JsonObject().put("k", "result").put("r", 0).put("text", "x"),
        new JsonObject().put("k", "mystery")));
    assertEquals(1, loop.rounds());
    assertTrue(loop.pending());
    assertInstanceOf(ExecLoop.Execute.class, loop.next(now), "the call was never recorded as started");
  }

  @Test
  void theTenantsNodeComesBeforeTheModelsAndIdsStayWithinTheirLimit() {
    assertEquals("t-box", ExecLoop.nodeFor("t-box", "m-box"));
    assertEquals("m-box", ExecLoop.nodeFor(null, "m-box"));
    assertNull(ExecLoop.nodeFor(null, null));
    assertTrue(loop(new JsonObject()).intercepts("exec"));
    assertFalse(loop(new JsonObject()).intercepts("read"));
    String longTenant = "t".repeat(64);
    String longId = "i".repeat(64);
    RequestEnvelope env = new RequestEnvelope(longId, longTenant, Api.CHAT, "m", "c", 7, true, true, false, "auto",
        "split", envelope(new JsonObject()).body(), 0, 0, "A", null, null, null, 1);
    ExecLoop loop = new ExecLoop(env, "buildbox", GUARD);
    assertEquals(longId + ":r3c1", loop.execId(new ExecLoop.Call(3, 1, "x", "{}")), "too long with the tenant");
    String fits = "t".repeat(128 - 1 - longId.length() - ":r3c1".length());
    RequestEnvelope exact = new RequestEnvelope(longId, fits, Api.CHAT, "m", "c", 7, true, true, false, "auto",
        "split", envelope(new JsonObject()).body(), 0, 0, "A", null, null, null, 1);
    assertEquals(fits + ":" + longId + ":r3c1", new ExecLoop(exact, "b", GUARD).execId(new ExecLoop.Call(3, 1, "x",
        "{}")), "exactly 128 characters still carry the tenant");
  }
}
