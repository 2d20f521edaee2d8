package dev.clawbus.infra.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
  static final JsonObject BODY = new JsonObject().put("model", "m").put("stream", true)
      .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  static final RequestEnvelope ENV = new RequestEnvelope("req-1", "team-a", Api.CHAT, "m", "chatcmpl-req-1",
      1_700_000_000L, true, true, false, "qwen3_coder", "split", BODY, 1_700_000_000_000L, 1_700_000_600_000L,
      "member-1", "clawbus.ingress.x", null, null, 1234);
  static final ErrorInfo ERROR = new ErrorInfo(503, "service_unavailable", "vllm_unavailable",
      "vLLM unreachable for 600 s");

  @Test
  void carriesTheOriginalRequestTenantReasonAttemptsLastErrorAndTimes() {
    DeadLetter dl = DeadLetter.of(ENV, ERROR, 3, "gw-1", 1_700_000_600_500L);
    assertEquals("team-a/req-1", dl.key());
    assertEquals("team-a", dl.tenant());
    assertEquals("req-1", dl.id());
    assertEquals("vLLM unreachable for 600 s", dl.reason());
    assertEquals(3, dl.attempts());
    assertEquals(ERROR, dl.error());
    assertEquals(1_700_000_000_000L, dl.receivedAt());
    assertEquals(1_700_000_600_500L, dl.failedAt());
    assertEquals("gw-1", dl.node());
    assertEquals(ENV, dl.envelope());
    assertTrue(dl.replayable());
  }

  @Test
  void roundTripsThroughItsJson() {
    DeadLetter dl = DeadLetter.of(ENV, ERROR, 3, "gw-1", 1_700_000_600_500L);
    assertEquals(dl, DeadLetter.decode(dl.encode()));
    DeadLetter bad = DeadLetter.unreadable("k", "{not json", "not JSON", "gw-2", 42L);
    assertEquals(bad, DeadLetter.decode(bad.encode()));
    assertFalse(bad.replayable());
    assertEquals("unreadable request record: not JSON", bad.reason());
  }

  @Test
  void hasTheDocumentedShape() {
    JsonObject j = new JsonObject(DeadLetter.of(ENV, ERROR, 3, "gw-1", 5L).encode());
    assertEquals(java.util.Set.of("key", "tenant", "id", "reason", "attempts", "error", "received_at", "failed_at",
        "node", "envelope", "unreadable"), j.fieldNames());
    assertEquals(new JsonObject().put("status", 503).put("type", "service_unavailable").put("code", "vllm_unavailable")
        .put("message", "vLLM unreachable for 600 s"), j.getJsonObject("error"));
    assertEquals(BODY, j.getJsonObject("envelope").getJsonObject("body"), "the vLLM body, as it was");
    assertEquals("team-a", j.getJsonObject("envelope").getString("tenant"));
  }

  @Test
  void isWrittenKeyedByTheRequestWithTheReasonHeader() {
    ProducerRecord<String, String> r = DeadLetter.of(ENV, ERROR, 1, "gw-1", 5L).producerRecord();
    assertEquals(Topics.REQUESTS_DLQ, r.topic());
    assertEquals("team-a/req-1", r.key());
    assertEquals("vLLM unreachable for 600 s",
        new String(r.headers().lastHeader(DeadLetter.REASON_HEADER).value(), StandardCharsets.UTF_8));
    assertEquals("req-1", DeadLetter.decode(r.value()).id());
  }

  @Test
  void refusesWhatIsNotADeadLetterWithIllegalArgumentOnly() {
    assertEquals("not a dead letter: not a JSON object",
        assertThrows(IllegalArgumentException.class, () -> DeadLetter.decode("nope")).getMessage());
    assertEquals("not a dead letter: no key",
        assertThrows(IllegalArgumentException.class, () -> DeadLetter.decode("{}")).getMessage());
    JsonObject good = new JsonObject(DeadLetter.of(ENV, ERROR, 1, "n", 5L).encode());
    assertEquals("not a dead letter: a field has the wrong type", assertThrows(IllegalArgumentException.class,
        () -> DeadLetter.decode(good.copy().put("attempts", "three").encode())).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> DeadLetter.decode(good.copy()
        .put("envelope", new JsonObject().put("id", "x")).encode())).getMessage().startsWith("not a dead letter: "));
    assertNull(DeadLetter.decode(good.copy().putNull("error").encode()).error());
  }
}
