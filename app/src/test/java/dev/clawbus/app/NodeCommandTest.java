package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.toolrunner.ExecClient;
import dev.clawbus.toolrunner.ExecSigner;
import dev.clawbus.toolrunner.NodeRegistry;
import dev.clawbus.toolrunner.NodeStatus;
import dev.clawbus.toolrunner.ToolRunnerNode;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeCommandTest {
  private static final String HOST = "127.0.0.1";

  @Test
  void theNodeCommandJoinsTheClusterRegistersAndLeaves(@TempDir Path dir) throws Exception {
    byte[] secret = "node-command-test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    Path secretFile = Files.write(dir.resolve("exec.secret"), secret);
    Files.setPosixFilePermissions(secretFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    int gatewayPort = LocalPorts.free(HOST);
    Vertx gateway = ClusterSetup.clusteredVertx(ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_HOST, HOST)
        .with(ClawbusConfig.CLUSTER_PORT, gatewayPort)).await(60, TimeUnit.SECONDS);
    ToolRunnerNode node = null;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      long t0 = System.nanoTime();
      node = NodeCommand.start(List.of("--name", "cmd-box", "--cluster-members", HOST + ":" + gatewayPort,
          "--cluster-port", "0", "--exec-secret-file", secretFile.toString(), "--workdir", dir.toString()), Map.of(),
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
      System.out.printf("node command: joined in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("node 'cmd-box' joined the cluster via " + HOST + ":"
          + gatewayPort + " (policy deny, workdir " + dir + ", audit via serve nodes)"), out.toString());
      assertEquals("clawbus: warning: the exec secret file " + secretFile + " is readable by other users (chmod 600 "
          + "it)\n", err.toString(StandardCharsets.UTF_8));

      assertEquals(2, ClusterSetup.hazelcast(gateway).getCluster().getMembers().size());
      NodeRegistry registry = NodeRegistry.of(gateway);
      NodeStatus status = registry.get("cmd-box").await(10, TimeUnit.SECONDS);
      assertEquals(NodeStatus.ALIVE, status.state());
      assertEquals("deny", status.info().policy());

      // The node checks signatures with the secret from its file, then applies its (default) policy.
      try (ExecClient client = new ExecClient(gateway, registry, new ExecSigner(secret, Clock.systemUTC()))) {
        OpenAiError e = assertThrows(OpenAiError.class, () -> client.exec(ExecRequest.of("r1", "t", "cmd-box",
            "echo hi"), null).await(60, TimeUnit.SECONDS));
        assertEquals(403, e.status());
        assertEquals("exec is disabled on node 'cmd-box' (policy deny)", e.getMessage());
      }

      node.close();
      node = null;
      assertEquals(NodeStatus.LEFT, registry.get("cmd-box").await(10, TimeUnit.SECONDS).state());
    } finally {
      if (node != null) node.close();
      gateway.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void helpAndMistakes() {
    assertEquals(0, Main.run(new String[] {"node", "--help"}));
    assertEquals(2, Main.run(new String[] {"node", "--cluster-members", "a:1"}));
  }
}
