package dev.clawbus.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A clawbus node in its own JVM ({@code clawbus serve ...}), for tests where a kill must be a real
 * {@code kill -9}: no shutdown hook, no goodbye to Kafka or Hazelcast.
 */
final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static NodeProcess serve(Path log, List<String> args) throws Exception {
    return start(log, "serve", args, "listening on");
  }

  /** {@code clawbus node ...}: a node host in its own JVM, ready once it has joined the cluster. */
  static NodeProcess nodeHost(Path log, List<String> args) throws Exception {
    return start(log, "node", args, "joined the cluster");
  }

  private static NodeProcess start(Path log, String command, List<String> args, String ready) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dhazelcast.phone.home.enabled=false", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", cp.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
        Main.class.getName(), command));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    NodeProcess node = new NodeProcess(p, log);
    node.awaitReady(ready);
    return node;
  }

  private void awaitReady(String ready) throws Exception {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      String out = Files.exists(log) ? Files.readString(log) : "";
      if (out.contains(ready)) return;
      if (!process.isAlive()) throw new IllegalStateException("node exited: " + out);
      Thread.sleep(100);
    }
    throw new IllegalStateException("node not ready in 90 s: " + Files.readString(log));
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill9() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String output() throws Exception {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) kill9();
    }
  }
}
