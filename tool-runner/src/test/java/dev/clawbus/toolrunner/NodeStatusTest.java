package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clawbus.infra.contract.exec.NodeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeStatusTest {
  private static final NodeInfo N = new NodeInfo("box", "m1", "h", "os", "full", "v", 1000, 10_000, 0, List.of());

  @Test
  void aliveOnlyWhileItsMemberIsThereAndItsHeartbeatIsFresh() {
    assertEquals(NodeStatus.ALIVE, NodeStatus.stateOf(N, true, 15_000, 5000));
    assertEquals(NodeStatus.GONE, NodeStatus.stateOf(N, true, 15_001, 5000), "stale heartbeat");
    assertEquals(NodeStatus.GONE, NodeStatus.stateOf(N, false, 10_000, 5000), "member left");
    assertEquals(NodeStatus.LEFT, NodeStatus.stateOf(N.left(12_000), true, 12_500, 5000));
    assertEquals(NodeStatus.LEFT, NodeStatus.stateOf(N.left(12_000), false, 99_000, 5000));
  }

  @Test
  void describesWhenItWasLastSeen() {
    assertEquals("is not connected (last seen 32 s ago)", new NodeStatus(N, NodeStatus.GONE).describe(42_500));
    assertEquals("stopped 3 s ago", new NodeStatus(N.left(12_000), NodeStatus.LEFT).describe(15_000));
    assertEquals("gone", new NodeStatus(N, NodeStatus.GONE).toJson().getString("state"));
    assertEquals("box", new NodeStatus(N, NodeStatus.GONE).toJson().getString("name"));
  }
}
