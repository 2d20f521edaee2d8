package dev.clawbus.toolrunner;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.kafka.LocalPorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Test set-up: a real two-member clawbus cluster on loopback — the "gateway" member (where ExecClient runs) and the
 * "node" member (where ToolRunnerVerticles run) — plus the shared exec secret.
 */
final class TwoMembers implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final byte[] SECRET = "test-exec-secret-0123456789abcdef0123456789".getBytes(StandardCharsets.UTF_8);

  final Vertx gateway;
  Vertx node;
  final int gatewayPort;
  final int nodePort;
  final ExecSigner signer = new ExecSigner(SECRET, Clock.systemUTC());
  final NodeRegistry registry;

  TwoMembers() throws Exception {
    gatewayPort = LocalPorts.free(HOST);
    nodePort = LocalPorts.free(HOST);
    gateway = await(ClusterSetup.clusteredVertx(member(gatewayPort, nodePort)));
    node = await(ClusterSetup.clusteredVertx(member(nodePort, gatewayPort)));
    registry = new NodeRegistry(gateway, ClusterSetup.hazelcast(gateway), NodeRegistry.DEFAULT_STALE_AFTER);
  }

  /** A third member that joins the two (for a node that is then stopped or killed). */
  Vertx joinMember() throws Exception {
    int port = LocalPorts.free(HOST);
    return await(ClusterSetup.clusteredVertx(ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_HOST, HOST)
        .with(ClawbusConfig.CLUSTER_PORT, port)
        .with(ClawbusConfig.CLUSTER_MEMBERS, HOST + ":" + gatewayPort + "," + HOST + ":" + nodePort)));
  }

  static ClawbusConfig member(int port, int otherPort) {
    return ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_HOST, HOST).with(ClawbusConfig.CLUSTER_PORT, port)
        .with(ClawbusConfig.CLUSTER_MEMBERS, HOST + ":" + otherPort);
  }

  /** A tool-runner for {@code name} on the node member. */
  String deployNode(Vertx on, String name, ExecPolicy policy, Path workdir, AuditLog audit, int maxOutputBytes)
      throws Exception {
    return deployNode(on, name, policy, workdir, audit, maxOutputBytes, 4);
  }

  String deployNode(Vertx on, String name, ExecPolicy policy, Path workdir, AuditLog audit, int maxOutputBytes,
      int maxConcurrent) throws Exception {
    ToolRunnerVerticle.Setup setup = new ToolRunnerVerticle.Setup(name, workdir, policy, maxOutputBytes, maxConcurrent,
        signer,
        audit, PathLookup.system(), Clock.systemUTC(), NodeRegistry.DEFAULT_STALE_AFTER);
    return await(on.deployVerticle(new ToolRunnerVerticle(setup)));
  }

  static Path secretFile(Path dir) throws Exception {
    Path f = dir.resolve("exec.secret");
    Files.write(f, SECRET);
    return f;
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(60, TimeUnit.SECONDS);
  }

  /** The failure of {@code f}, waited for. */
  static Throwable failure(Future<?> f) throws Exception {
    try {
      f.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw e;
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure, got " + f.result());
  }

  static void waitFor(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("timed out after " + max.toMillis() + " ms waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws Exception {
    for (Vertx v : java.util.Arrays.asList(gateway, node)) {
      if (v != null) {
        try {
          v.close().await(30, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // closing anyway
        }
      }
    }
  }
}
