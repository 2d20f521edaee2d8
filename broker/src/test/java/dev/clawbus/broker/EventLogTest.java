package dev.clawbus.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.journal.EventLog;
import dev.clawbus.infra.kafka.KafkaRange;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's event log on a real broker: what a request does between two flushes is one record, in the order it
 * happened, so a request costs the broker a few records instead of one per change; a finished answer stays a record
 * of its own, after everything of its request before it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventLogTest {
  @TempDir static Path dir;
  static TestBroker broker;
  static KafkaRange range;

  @BeforeAll
  static void start() throws Exception {
    broker = TestBroker.start(dir, 1);
    range = broker.range();
  }

  @AfterAll
  static void stop() {
    if (broker != null) broker.close();
  }

  static RequestRecord queued(String id) {
    RequestEnvelope env = new RequestEnvelope(id, "team-x", Api.CHAT, "m", "chatcmpl-" + id, 1, true, false, false,
        "auto", "split", new JsonObject(), System.currentTimeMillis(), 0, "member-1", null, null, null, 10);
    return RequestRecord.queued(env, "member-1", "node-1");
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aRequestsChangesBetweenFlushesAreOneRecordInOrderAndItsAnswerARecordOfItsOwn() throws Exception {
    long since = System.currentTimeMillis() - 1_000;
    RequestRecord a = queued("grouped-1");
    RequestRecord b = queued("alone-1");
    RequestRecord running = a.with(Status.RUNNING, 1, "member-1", "node-1", false, a.updatedAt() + 1,
        a.updatedAt() + 1, null, null);
    String ref;
    try (EventLog log = new EventLog(broker.producer())) {
      log.state(a);
      log.batch(a.key(), 0, bytes("first"));
      log.state(b);
      log.batch(a.key(), 1, bytes("second"));
      log.timeline(a.key(), new TimelineEvent(a.updatedAt() + 2, "continued", "node-1", "after a cut"));
      log.state(running);
      ref = log.answer(a.key(), bytes("the whole answer")).get(10, TimeUnit.SECONDS);
    }

    List<KafkaRange.Rec> recs = range.ofKey(Topics.EVENTS, a.key(), since);
    assertEquals(2, recs.size(), "everything before the answer in one record, then the answer: " + recs);
    List<EventLogRecord> group = EventLogRecord.decodeAll(recs.get(0).value());
    assertEquals(4, group.size(), recs.get(0).value());
    assertEquals(Status.QUEUED, assertInstanceOf(EventLogRecord.State.class, group.get(0)).record().status());
    List<EventLogRecord.Numbered> batches = assertInstanceOf(EventLogRecord.Batches.class, group.get(1)).batches();
    assertEquals(List.of(0, 1), batches.stream().map(EventLogRecord.Numbered::n).toList(),
        "consecutive batches share one entry");
    assertArrayEquals(bytes("second"), JournalBatch.fromText(batches.get(1).base64()));
    assertTrue(batches.get(0).at() >= since && batches.get(0).at() <= batches.get(1).at(),
        "each batch carries when it was journaled: " + batches);
    assertEquals("continued", assertInstanceOf(EventLogRecord.Timeline.class, group.get(2)).event().kind());
    assertEquals(Status.RUNNING, assertInstanceOf(EventLogRecord.State.class, group.get(3)).record().status());

    EventLogRecord answer = EventLogRecord.decode(recs.get(1).value());
    assertArrayEquals(bytes("the whole answer"),
        JournalBatch.fromText(assertInstanceOf(EventLogRecord.Answer.class, answer).compact()));
    assertEquals(recs.get(1).partition() + ":" + recs.get(1).offset(), ref, "the answer's reference is its place");

    List<KafkaRange.Rec> alone = range.ofKey(Topics.EVENTS, b.key(), since);
    assertEquals(1, alone.size());
    assertInstanceOf(EventLogRecord.State.class, EventLogRecord.decode(alone.get(0).value()),
        "a request that did one thing writes that thing, not a group of one");
  }

  @Test
  void aGroupHoldsNeitherGroupsNorAnswers() {
    EventLogRecord state = new EventLogRecord.State(queued("g-1"));
    assertThrows(IllegalArgumentException.class, () -> EventLogRecord.decodeAll(
        "{\"group\":[" + new EventLogRecord.Group(List.of(state)).encode() + "]}"));
    assertThrows(IllegalArgumentException.class, () -> EventLogRecord.decodeAll(
        "{\"group\":[" + new EventLogRecord.Answer("eA==").encode() + "]}"));
    assertThrows(IllegalArgumentException.class, () -> EventLogRecord.decodeAll("{\"group\":[{\"nope\":1}]}"));
    List<EventLogRecord> one = EventLogRecord.decodeAll(state.encode());
    assertEquals(1, one.size());
    assertEquals("team-x/g-1", assertInstanceOf(EventLogRecord.State.class, one.get(0)).record().key());
  }
}
