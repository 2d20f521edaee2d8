package dev.clawbus.infra.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void batchesRoundTripWithNewlinesAndColonsInData() {
    EventBatch b = new EventBatch("t/req-1", 7, java.util.List.of(StreamEvent.chunk(3, "{\"a\":\"x:1\\ny\"}"),
        StreamEvent.chunk(4, "{}"), StreamEvent.done(5)));
    assertEquals(b, EventBatch.decode(b.encode()));
  }
}
