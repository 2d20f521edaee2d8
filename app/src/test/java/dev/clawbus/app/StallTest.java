package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.testing.Eventually;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vLLM stream that stops sending tokens but keeps its connection open (a wedged engine) counts as failed after
 * {@code --stall-seconds}: the answer is continued on a new call, not left hanging.
 */
class StallTest {
  @TempDir static Path dir;
  static ClawbusNode node;

  @BeforeAll
  static void start() throws Exception {
    node = ClawbusNode.start(TestNodes.simNode(dir).with(ClawbusConfig.STALL_SECONDS, 1));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void aStalledStreamIsContinuedOnANewCall() throws Exception {
    VllmSimulator sim = node.simulator();
    sim.chaos().hangAfterTokens(10).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    StreamReader client = StreamReader.post(node.url() + "/v1/chat/completions",
        TestNodes.userChat("wedged engine [[sim words=30 tps=200]]", true).encode());
    client.awaitEvents(8, 30_000);
    // The stall is noticed within about a second (plus the check's period) and vLLM is asked to continue.
    JsonObject continuation = Eventually.until(() -> sim.requests().stream()
        .filter(r -> r.encode().contains("wedged engine") && r.getBoolean("continue_final_message", false))
        .findFirst().orElse(null), r -> r != null, Duration.ofSeconds(10));
    sim.chaos().resume().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    client.awaitEnd(30_000);
    List<TestNodes.Sse> events = client.events;
    assertEquals("[DONE]", events.get(events.size() - 1).data());
    JsonObject first = sim.requests().stream().filter(r -> r.encode().contains("wedged engine"))
        .filter(r -> !r.getBoolean("continue_final_message", false)).findFirst().orElseThrow();
    assertEquals(VllmSimulator.answerText(first.getJsonArray("messages"), 30), TestNodes.content(events),
        "one answer, every token once");
    assertTrue(continuation.getInteger("max_tokens", Integer.MAX_VALUE) > 0);
  }
}
