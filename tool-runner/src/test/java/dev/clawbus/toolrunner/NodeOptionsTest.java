package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clawbus.infra.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeOptionsTest {
  @TempDir
  Path dir;

  private List<String> base(String... more) {
    List<String> a = new ArrayList<>(List.of("--name", "gpu-box", "--cluster-members", "10.0.0.1:5701",
        "--exec-secret-file", dir.resolve("s").toString()));
    a.addAll(List.of(more));
    return a;
  }

  @Test
  void defaultsAreSafe() {
    NodeOptions.NodeSettings s = NodeOptions.load(base(), Map.of());
    assertEquals("gpu-box", s.name());
    assertEquals(ExecPolicy.Mode.DENY, s.policy());
    assertEquals(List.of("10.0.0.1:5701"), s.cluster().clusterMembers());
    assertEquals(5701, s.cluster().clusterPort());
    assertEquals("127.0.0.1", s.cluster().clusterHost());
    assertEquals(Path.of("").toAbsolutePath(), s.workdir());
    assertNull(s.kafka(), "audit records go through serve nodes");
    assertEquals(1 << 20, s.maxOutputBytes());
    assertEquals(8, s.maxConcurrent());
  }

  @Test
  void flagsAndEnvironment() {
    NodeOptions.NodeSettings s = NodeOptions.load(base("--policy", "allowlist", "--allow", "/etc/allow",
        "--workdir", dir.toString(), "--kafka", "k1:9092", "--cluster-port", "5801"),
        Map.of("CLAWBUS_NODE_MAX_CONCURRENT", "2", "CLAWBUS_CLUSTER_HOST", "10.0.0.9"));
    assertEquals(ExecPolicy.Mode.ALLOWLIST, s.policy());
    assertEquals(Path.of("/etc/allow"), s.allowFile());
    assertEquals(dir, s.workdir());
    assertEquals("k1:9092", s.kafka());
    assertEquals(5801, s.cluster().clusterPort());
    assertEquals("10.0.0.9", s.cluster().clusterHost());
    assertEquals(2, s.maxConcurrent());
  }

  @Test
  void mistakesAreOneLineErrors() {
    assertError(List.of("--cluster-members", "a:1", "--exec-secret-file", "f"), "--name is required");
    assertError(List.of("--name", "x", "--exec-secret-file", "f"), "--cluster-members is required");
    assertError(List.of("--name", "x", "--cluster-members", "a:1"), "--exec-secret-file is required");
    assertError(List.of("--name", "bad name", "--cluster-members", "a:1", "--exec-secret-file", "f"),
        "--name must be 1-63 letters");
    assertError(base("--policy", "yolo"), "--policy must be deny, allowlist or full, got 'yolo'");
    assertError(base("--policy", "allowlist"), "--policy allowlist needs --allow FILE");
    assertError(base("--allow", "/x"), "--allow is used only with --policy allowlist");
    assertError(base("--workdir", dir.resolve("missing").toString()), "--workdir " + dir.resolve("missing")
        + " is not a directory");
    assertError(base("--kafka", "embedded"), "--kafka of a node must be HOST:PORT");
    assertError(base("--max-output-bytes", "10"), "--max-output-bytes must be from 1024");
    assertError(base("--max-concurrent", "0"), "--max-concurrent must be at least 1");
    assertError(base("--port", "1"), "unknown option '--port'");
  }

  private static void assertError(List<String> args, String start) {
    ConfigException e = assertThrows(ConfigException.class, () -> NodeOptions.load(args, Map.of()));
    assertEquals(true, e.getMessage().startsWith(start), e.getMessage());
    assertEquals(-1, e.getMessage().indexOf('\n'));
  }
}
