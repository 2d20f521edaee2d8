package dev.clawbus.infra.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {
  private static List<String> read(String event) {
    List<String> out = new ArrayList<>();
    SseReader.dispatch(Buffer.buffer(event), out::add);
    return out;
  }

  @Test
  void readsDataIgnoringCommentsIdsAndCarriageReturns() {
    assertEquals(List.of("{\"a\":1}"), read("id: 3\r\ndata: {\"a\":1}\r"));
    assertEquals(List.of(), read(": keepalive"));
    assertEquals(List.of("[DONE]"), read("data:[DONE]"));
    assertEquals(List.of("line1\nline2"), read("event: x\ndata: line1\ndata: line2"));
  }
}
