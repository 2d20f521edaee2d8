package dev.clawbus.infra.contract.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeInfoTest {
  private static final NodeInfo N = new NodeInfo("gpu-box", "7d6c-uuid", "gpu1.lan", "Linux 6.1 amd64", "allowlist",
      "0.1.0", 1000, 2000, 0, List.of(NodeInfo.Running.of("req-1", "team-a", "make test", 1500)));

  @Test
  void roundTripsThroughItsText() {
    assertEquals(N, NodeInfo.decode(N.encode()));
    NodeInfo later = N.seen(3000, List.of()).left(3500);
    assertEquals(later, NodeInfo.decode(later.encode()));
    assertEquals(3000, later.lastSeen());
    assertEquals(3500, later.leftAt());
    assertEquals(List.of(), later.running());
  }

  @Test
  void runningCommandsAreCutToAPreview() {
    String longCommand = "x".repeat(5000);
    String preview = NodeInfo.Running.of("r", "t", longCommand, 1).command();
    assertEquals(NodeInfo.COMMAND_PREVIEW + 1, preview.length());
    assertTrue(preview.endsWith("…"));
    assertEquals("short", NodeInfo.Running.of("r", "t", "short", 1).command());
  }

  @Test
  void rejectsWhatIsNotAnEntry() {
    assertThrows(IllegalArgumentException.class, () -> NodeInfo.decode("not json"));
    assertThrows(IllegalArgumentException.class, () -> NodeInfo.fromJson(new JsonObject().put("name", "x")));
    assertThrows(IllegalArgumentException.class, () -> NodeInfo.fromJson(N.toJson().put("started_at", "soon")));
  }
}
