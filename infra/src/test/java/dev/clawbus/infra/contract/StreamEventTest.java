package dev.clawbus.infra.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamEventTest {
  @Test
  void roundTripsEveryKind() {
    for (StreamEvent e : new StreamEvent[] {StreamEvent.chunk(0, "{\"a\":\"x\\ny\"}\n"), StreamEvent.error(41, 503,
        "{\"error\":{}}"), StreamEvent.done(1234567890123L)}) {
      assertEquals(e, StreamEvent.decode(e.encode()));
    }
    assertFalse(StreamEvent.chunk(1, "{}").terminal());
    assertTrue(StreamEvent.done(1).terminal());
    assertThrows(IllegalArgumentException.class, () -> StreamEvent.decode("garbage"));
  }

  @Test
  void terminalEventsCarryWhenTheAnswerEnded() {
    long t = 1_767_225_599_999L;
    StreamEvent done = StreamEvent.done(9, t);
    StreamEvent error = StreamEvent.error(10, 503, "{\"error\":{\"message\":\"a b\\nc\"}}", t);
    for (StreamEvent e : new StreamEvent[] {done, error}) {
      assertEquals("" + e.type() + e.seq() + " " + e.status() + " " + t + "\n" + e.data(), e.encode());
      StreamEvent back = StreamEvent.decode(e.encode());
      assertEquals(e, back);
      assertEquals(t, back.endedAt());
    }
    assertEquals("[DONE]", done.data(), "the chat SSE still relays exactly [DONE]");
    assertEquals(200, done.status());
    // the time is part of the value; 0 (unknown) is the old form, and a chunk never carries one
    assertNotEquals(StreamEvent.done(9), done);
    assertEquals(StreamEvent.done(9), StreamEvent.done(9, 0));
    assertEquals("d9 200\n[DONE]", StreamEvent.done(9, 0).encode());
    StreamEvent chunk = new StreamEvent(StreamEvent.CHUNK, 3, 200, "{}", t);
    assertEquals(0, chunk.endedAt());
    assertEquals("c3 200\n{}", chunk.encode());
  }

  @Test
  void decodesTheFormWrittenBeforeEventsHadATime() {
    StreamEvent done = StreamEvent.decode("d5 200\n[DONE]");
    assertEquals(StreamEvent.done(5), done);
    assertEquals(0, done.endedAt());
    StreamEvent error = StreamEvent.decode("e6 503\n{\"error\":{\"message\":\"x y\"}}");
    assertEquals(StreamEvent.error(6, 503, "{\"error\":{\"message\":\"x y\"}}"), error);
    assertEquals(0, error.endedAt());
    assertEquals(StreamEvent.chunk(7, "{\"a\": 1}"), StreamEvent.decode("c7 200\n{\"a\": 1}"));
  }

  @Test
  void batchesRoundTripWithNewlinesAndColonsInData() {
    EventBatch b = new EventBatch("t/req-1", 7, java.util.List.of(StreamEvent.chunk(3, "{\"a\":\"x:1\\ny\"}"),
        StreamEvent.chunk(4, "{}"), StreamEvent.done(5, 1_767_225_600_000L)));
    assertEquals(b, EventBatch.decode(b.encode()));
  }
}
