package dev.clawbus.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpsTextTest {
  static final ZoneId UTC = ZoneId.of("UTC");
  static final long T = Instant.parse("2026-11-29T10:15:03.250Z").toEpochMilli();

  @Test
  void listsDeadLettersNewestFirstWithCodeAndReason() {
    JsonObject list = new JsonObject().put("data", new JsonArray()
        .add(new JsonObject().put("id", "r2").put("tenant", "team-a").put("failed_at", T).put("attempts", 3)
            .put("reason", "vLLM unreachable").put("error", new JsonObject().put("code", "vllm_unavailable"))
            .put("replayed_as", "n2"))
        .add(new JsonObject().put("key", "?").put("failed_at", T).put("reason", "unreadable request record: x")));
    List<String> lines = OpsText.dlq(list, UTC);
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("FAILED (UTC)"));
    assertEquals("2026-11-29 10:15:03  team-a        r2                          3         n2            "
        + "vllm_unavailable: vLLM unreachable", lines.get(1));
    assertTrue(lines.get(2).contains("?") && lines.get(2).contains(" -  "), lines.get(2));
    assertEquals("2 dead letters", lines.get(3));
    assertEquals(List.of("no dead letters"), OpsText.dlq(new JsonObject().put("data", new JsonArray()), UTC));
  }

  @Test
  void printsATimelineEventPerLineAndWhyItFailed() {
    JsonObject t = new JsonObject().put("id", "r1").put("tenant", "team-a").put("status", "failed")
        .put("replayed_as", "n1")
        .put("record", new JsonObject().put("model", "m").put("stream", true).put("received_at", T).put("attempts", 1)
            .put("error", new JsonObject().put("status", 503).put("code", "vllm_unavailable").put("message", "down")))
        .put("events", new JsonArray()
            .add(new JsonObject().put("at", T).put("kind", "received").put("node", "gw-1").put("detail", "chat m"))
            .add(new JsonObject().put("at", T + 5).put("kind", "attempt_failed").put("node", "gw-1")
                .put("detail", "connection refused"))
            .add(new JsonObject().put("at", T + 3000).put("kind", "exec").put("node", "host-2")
                .put("detail", "ls -la: exit 0")));
    List<String> lines = OpsText.timeline(t, UTC);
    assertEquals("request r1 (tenant team-a): failed", lines.get(0));
    assertEquals("  model m, streaming, received 2026-11-29 10:15:03 UTC, 1 run, replayed as n1", lines.get(1));
    assertEquals("  10:15:03.250  received         gw-1           chat m", lines.get(2));
    assertEquals("  10:15:03.255  attempt_failed   gw-1           connection refused", lines.get(3));
    assertEquals("  10:15:06.250  exec             host-2         ls -la: exit 0", lines.get(4),
        "exec steps of the tool-runner are shown like any other");
    assertEquals("  why: down (503 vllm_unavailable)", lines.get(5));
  }

  @Test
  void summarisesReplaysAndDrawsProgress() {
    List<JsonObject> results = List.of(
        new JsonObject().put("id", "a").put("tenant", "t").put("outcome", "replayed").put("new_id", "n1"),
        new JsonObject().put("id", "b").put("tenant", "t").put("outcome", "skipped").put("reason", "already replayed as x"),
        new JsonObject().put("id", "c").put("outcome", "failed").put("reason", "not in the dead-letter topic"));
    assertEquals(List.of("  t/a -> n1", "  t/b skipped: already replayed as x", "  c failed: not in the dead-letter topic",
        "replayed 1, skipped 1, failed 1"), OpsText.replay(results, false));
    assertEquals("dry run: would replay 1, skipped 0, failed 0", OpsText.replay(List.of(new JsonObject()
        .put("id", "a").put("outcome", "would_replay")), true).get(1));
    assertEquals("[..........] 0/40", OpsText.progress(0, 40, 10));
    assertEquals("[#####.....] 20/40", OpsText.progress(20, 40, 10));
    assertEquals("[##########] 40/40", OpsText.progress(40, 40, 10));
  }
}
