package dev.clawbus.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.TimelineEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  static final ErrorInfo DOWN = new ErrorInfo(503, "service_unavailable", "vllm_unavailable",
      "vLLM unreachable for 3 s");

  static RequestRecord queued(String replayOf) {
    RequestEnvelope env = new RequestEnvelope("r1", "team-a", Api.CHAT, "m", "chatcmpl-r1", 1, true, false, false,
        "auto", "split", new JsonObject(), 1_000, 4_000, "A", null, replayOf, null, 10);
    return RequestRecord.queued(env, "A", "node-a");
  }

  static Timeline.Entry state(RequestRecord r) {
    return new Timeline.Entry(r.updatedAt(), new EventLogRecord.State(r));
  }

  static Timeline.Entry event(long at, String kind, String detail) {
    return new Timeline.Entry(at, new EventLogRecord.Timeline(new TimelineEvent(at, kind, "node-a", detail)));
  }

  static List<String> kinds(JsonArray events) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) out.add(events.getJsonObject(i).getString("kind"));
    return out;
  }

  @Test
  void aRequestFailedByAVllmOutageShowsEachAttemptAndWhy() {
    RequestRecord q = queued(null);
    RequestRecord located = q.withKafka(2, 17, 1_005);
    RequestRecord running = located.with(Status.RUNNING, 1, "A", "node-a", false, 1_010, 1_010L, null, null);
    RequestRecord failed = running.with(Status.FAILED, 1, "A", "node-a", false, 4_100, 1_010L, 4_100L, DOWN);
    Timeline t = Timeline.of(List.of(state(q), state(located), state(running),
        event(1_020, "attempt_failed", "connection refused"), event(2_000, "attempt_failed", "connection refused"),
        state(failed)));
    assertEquals(List.of("received", "queued", "durable", "started", "attempt_failed", "attempt_failed", "failed"),
        kinds(t.events()));
    JsonObject last = t.events().getJsonObject(6);
    assertEquals("vllm_unavailable: vLLM unreachable for 3 s", last.getString("detail"));
    assertEquals("failed", last.getString("status"));
    assertEquals(DOWN.toJson(), last.getJsonObject("error"));
    assertEquals(4_100L, last.getLong("at"));
    assertEquals("in clawbus.requests, partition 2 offset 17", t.events().getJsonObject(2).getString("detail"));
    assertEquals("run 1 on node-a", t.events().getJsonObject(3).getString("detail"));
    assertEquals(1_000L, t.events().getJsonObject(0).getLong("at"), "received at its arrival");
    assertEquals(failed, t.last());
  }

  @Test
  void aReplayTakenOverAndAnsweredShowsItsOriginOutputAndTokens() {
    RequestRecord q = queued("old-id").withKafka(1, 5, 1_000); // durable before its first record was written
    RequestRecord running = q.with(Status.RUNNING, 1, "A", "node-a", false, 1_010, 1_010L, null, null);
    RequestRecord back = running.with(Status.QUEUED, 1, "B", "node-b", false, 9_000, 1_010L, null, null);
    RequestRecord again = back.with(Status.RUNNING, 2, "B", "node-b", false, 9_100, 9_100L, null, null);
    RequestRecord cancelAsked = again.with(Status.RUNNING, 2, "B", "node-b", true, 9_200, 9_100L, null, null);
    RequestRecord done = cancelAsked.with(Status.DONE, 2, "B", "node-b", true, 9_900, 9_100L, 9_900L, null)
        .withUsage(12, 34);
    Timeline.Entry batch = new Timeline.Entry(1_500, new EventLogRecord.Batches(List.of(
        new EventLogRecord.Numbered(0, "{}"))));
    Timeline t = Timeline.of(List.of(state(q), state(running), batch, batch, event(9_000, "takeover", "from node-a"),
        state(back), state(again), event(9_150, "continued", "120 characters kept"), state(cancelAsked),
        new Timeline.Entry(9_950, new EventLogRecord.Answer("{}")), state(done), state(done.withAnswerRef("0:1", 9_999))));
    assertEquals(List.of("received", "queued", "durable", "started", "output", "takeover", "requeued", "started",
        "continued", "cancel_requested", "done"), kinds(t.events()));
    assertEquals("chat m, streaming, replay of old-id", t.events().getJsonObject(0).getString("detail"));
    assertEquals(1_500L, t.events().getJsonObject(4).getLong("at"),
        "output at the Kafka time of its first batch when the batch has no time of its own (earlier versions)");
    Timeline.Entry timed = new Timeline.Entry(1_540, new EventLogRecord.Batches(List.of(
        new EventLogRecord.Numbered(0, "{}", 1_020), new EventLogRecord.Numbered(1, "{}", 1_030))));
    Timeline t2 = Timeline.of(List.of(state(q), state(running), timed));
    assertEquals(1_020L, t2.events().getJsonObject(4).getLong("at"),
        "output when its first batch was journaled, not when the event log flushed it");
    assertEquals("run 2 on node-b", t.events().getJsonObject(7).getString("detail"));
    assertEquals("answered: 12 prompt + 34 completion tokens", t.events().getJsonObject(10).getString("detail"));
    assertNull(t.events().getJsonObject(10).getJsonObject("error"));
  }

  @Test
  void durableInTheSameWriteAsTheStartIsStillShownBeforeIt() {
    RequestRecord q = queued(null);
    RequestRecord running = q.withKafka(2, 17, 1_005).with(Status.RUNNING, 1, "A", "node-a", false, 1_010, 1_010L,
        null, null);
    Timeline t = Timeline.of(List.of(state(q), state(running)));
    assertEquals(List.of("received", "queued", "durable", "started"), kinds(t.events()));
  }

  @Test
  void nothingReadIsAnEmptyTimeline() {
    Timeline t = Timeline.of(List.of());
    assertEquals(0, t.events().size());
    assertNull(t.last());
  }
}
