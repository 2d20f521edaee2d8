package dev.clawbus.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.RequestEnvelope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ReplayEnvelopeTest {
  @Test
  void aReplayIsTheSameRequestOfTheSameTenantUnderANewIdLinkedBackAndReceivedNow() {
    JsonObject body = new JsonObject().put("model", "m").put("messages", new JsonArray().add(new JsonObject()
        .put("role", "user").put("content", "hi")));
    JsonObject apiRequest = new JsonObject().put("instructions", "x");
    RequestEnvelope o = new RequestEnvelope("old-1", "team-a", Api.RESPONSES, "m", "chatcmpl-old-1", 1_000, true, true,
        true, "qwen3_coder", "pass", body, 1_000_000, 1_600_000, "dead-member", "clawbus.ingress.gone", null,
        apiRequest, 777);
    RequestEnvelope r = ReplayVerticle.replayEnvelope(o, "new-1", "me", 5_000_123, 600_000);
    assertEquals("new-1", r.id());
    assertEquals("team-a", r.tenant(), "the original tenant's, so its key reads the answer");
    assertEquals("old-1", r.replayOf());
    assertEquals("team-a/new-1", r.key());
    assertEquals("chatcmpl-new-1", r.completionId());
    assertEquals(5_000, r.created());
    assertEquals(5_000_123, r.receivedAt());
    assertEquals(5_600_123, r.deadlineAt(), "a fresh wait for vLLM");
    assertEquals("me", r.owner());
    assertNull(r.replyTo(), "nobody waits: the answer goes to the journal");
    assertEquals(body, r.body());
    assertEquals(Api.RESPONSES, r.api());
    assertEquals("m", r.model());
    assertEquals(true, r.stream());
    assertEquals(true, r.includeUsage());
    assertEquals(true, r.background());
    assertEquals("qwen3_coder", r.parser());
    assertEquals("pass", r.reasoning());
    assertEquals(apiRequest, r.apiRequest());
    assertEquals(777, r.estimatedTokens());
  }
}
