package dev.clawbus.infra.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class UsageRecordTest {
  private static final UsageRecord DONE = new UsageRecord("team-a", "req-1", "qwen3-coder", 51234, 812, 340, 1900,
      24_100, "done", 1_700_000_000_000L, 1_700_000_024_100L);

  @Test
  void roundTrips() {
    assertEquals(DONE, UsageRecord.decode(DONE.encode()));
    UsageRecord cancelled = new UsageRecord("b", "req-2", null, 0, 0, 12_000, -1, 12_000, "cancelled", 5, 12_005);
    assertEquals(cancelled, UsageRecord.decode(cancelled.encode()));
    assertFalse(new JsonObject(cancelled.encode()).containsKey(UsageRecord.TTFT_MS), "no first token, no ttft");
    assertEquals(52046, DONE.totalTokens());
    assertEquals("team-a", DONE.key());
  }

  @Test
  void hasTheDocumentedShape() {
    assertEquals(new JsonObject("{\"tenant\":\"team-a\",\"request_id\":\"req-1\",\"model\":\"qwen3-coder\","
        + "\"prompt_tokens\":51234,\"completion_tokens\":812,\"queue_wait_ms\":340,\"ttft_ms\":1900,"
        + "\"duration_ms\":24100,\"outcome\":\"done\",\"received_at\":1700000000000,\"finished_at\":1700000024100}"),
        DONE.toJson());
  }

  @Test
  void refusesWhatIsNotARecord() {
    assertEquals("usage record is not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> UsageRecord.decode("nope")).getMessage());
    assertEquals("usage record: tenant must be a string", assertThrows(IllegalArgumentException.class,
        () -> UsageRecord.decode("{\"request_id\":\"r\",\"outcome\":\"done\"}")).getMessage());
    assertEquals("usage record: prompt_tokens must be a whole number", assertThrows(IllegalArgumentException.class,
        () -> UsageRecord.decode(DONE.toJson().put("prompt_tokens", "12").encode())).getMessage());
    assertThrows(IllegalArgumentException.class, () -> UsageRecord.decode(DONE.toJson().put("duration_ms", -5).encode()));
    assertThrows(IllegalArgumentException.class, () -> UsageRecord.decode(DONE.toJson().put("queue_wait_ms", 1.5).encode()));
  }
}
