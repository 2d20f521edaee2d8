package dev.clawbus.broker;

import dev.clawbus.infra.kafka.LocalPorts;

import dev.clawbus.infra.Failures;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * An in-process single-node KRaft broker (broker and controller in one server) on 127.0.0.1. It keeps everything under
 * one data directory, so closing it and starting again on the same directory keeps topics, records and committed
 * offsets. Used by {@code clawbus serve} with embedded Kafka, by {@code clawbus kafka}, and by tests.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final long SHUTDOWN_TIMEOUT_MS = 20_000;

  private final Server server;
  private final int port;
  private final DataDirLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(Server server, int port, DataDirLock lock) {
    this.server = server;
    this.port = port;
    this.lock = lock;
  }

  /**
   * Starts the broker and returns once it accepts clients. {@code port} 0 picks a free port. Formats {@code dataDir}
   * only if it holds no broker data yet. Failures (port in use, directory locked by another broker, ...) are thrown as
   * {@link IllegalStateException} with a one-line message.
   */
  public static EmbeddedKafka start(Path dataDir, int port) throws Exception {
    return start(dataDir, port, new Properties());
  }

  /** As {@link #start(Path, int)}, with broker properties replaced by {@code overrides} (measurements, tests). */
  static EmbeddedKafka start(Path dataDir, int port, Properties overrides) throws Exception {
    String host = SingleNodeBrokerConfig.HOST;
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Kafka port must be between 0 and 65535, not " + port);
    }
    if (port != 0 && LocalPorts.inUse(host, port)) {
      throw new IllegalStateException("cannot start Kafka: port " + port + " on " + host + " is already in use");
    }
    QuietKafkaLogs.apply();
    int brokerPort = port == 0 ? LocalPorts.free(host) : port;
    int controllerPort = freePortOtherThan(host, brokerPort);
    Files.createDirectories(dataDir);
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      Properties props = SingleNodeBrokerConfig.of(dataDir, brokerPort, controllerPort);
      props.putAll(overrides);
      formatIfNeeded(dataDir, props);
      return new EmbeddedKafka(startServer(props, dataDir, brokerPort), brokerPort, lock);
    } catch (Exception | Error e) {
      lock.close();
      throw e;
    }
  }

  private static Server startServer(Properties props, Path dataDir, int brokerPort) {
    Server server;
    try {
      server = newRaftServer(props);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot start Kafka in " + dataDir + ": " + Failures.oneLine(e), e);
    }
    try {
      // Blocks until the broker is unfenced and its listeners accept connections.
      server.startup();
    } catch (RuntimeException e) {
      // startup() has already shut the broker down on most failures; this covers the controller side as well.
      shutdownQuietly(server);
      throw new IllegalStateException("cannot start Kafka on " + SingleNodeBrokerConfig.HOST + ":" + brokerPort + ": "
          + Failures.oneLine(e), e);
    }
    return server;
  }

  public String bootstrapServers() {
    return SingleNodeBrokerConfig.HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the broker cleanly; idempotent. Gives up waiting after a bounded time so a caller never hangs here. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Thread stopper = new Thread(() -> shutdownQuietly(server), "clawbus-kafka-shutdown");
    stopper.setDaemon(true);
    stopper.start();
    try {
      stopper.join(SHUTDOWN_TIMEOUT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Kept if the broker is still stopping: another broker must not open the directory under it.
    if (!stopper.isAlive()) {
      lock.close();
    }
  }

  /**
   * {@code new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM)}, reflectively: KafkaConfig extends a
   * class of kafka-server, which kafka_2.13 declares as a runtime-only dependency, so javac cannot see it.
   */
  private static Server newRaftServer(Properties props) throws ReflectiveOperationException {
    Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
    Object config = configClass.getMethod("fromProps", Properties.class, boolean.class).invoke(null, props, false);
    try {
      return KafkaRaftServer.class.getConstructor(configClass, Time.class).newInstance(config, Time.SYSTEM);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  private static void shutdownQuietly(Server server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException ignored) {
      // Shutting down after a failed start may trip over half-built components; nothing left to do about it.
    }
  }

  /**
   * Formats the storage the way {@code kafka-storage.sh format --ignore-formatted} does, but only when the directory
   * has no {@code meta.properties}: an existing directory keeps its cluster id and therefore its data.
   */
  private static void formatIfNeeded(Path dataDir, Properties props) throws IOException {
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return;
    }
    // StorageTool reads the server config from a file only.
    Path configFile = Files.createTempFile("clawbus-kafka-format", ".properties");
    ByteArrayOutputStream toolOutput = new ByteArrayOutputStream();
    int rc;
    try {
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "clawbus embedded Kafka (format only)");
      }
      String[] args = {"format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString(),
          "--ignore-formatted"};
      try (PrintStream ps = new PrintStream(toolOutput, true, StandardCharsets.UTF_8)) {
        rc = StorageTool.execute(args, ps);
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot format Kafka storage in " + dataDir + ": " + Failures.oneLine(e), e);
    } finally {
      Files.deleteIfExists(configFile);
    }
    if (rc != 0) {
      throw new IllegalStateException("cannot format Kafka storage in " + dataDir + ": "
          + Failures.firstLine(toolOutput.toString(StandardCharsets.UTF_8)));
    }
  }

  private static int freePortOtherThan(String host, int taken) {
    for (int i = 0; i < 10; i++) {
      int p = LocalPorts.free(host);
      if (p != taken) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find a free port for the Kafka controller on " + host);
  }
}
