package dev.clawbus.broker;

import dev.clawbus.infra.Failures;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.config.Option;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code clawbus kafka [--port 9092] [--data-dir DIR]}: a standalone single-node broker that the nodes of a local
 * cluster share ({@code --kafka 127.0.0.1:9092}). Runs until the process is stopped.
 */
public final class KafkaCommand {
  static final int DEFAULT_PORT = 9092;
  private static final Option PORT = new Option("port", null, String.valueOf(DEFAULT_PORT), "listener port",
      Option.Kind.INT);
  private static final Option DATA_DIR = new Option("data-dir", null, defaultDataDir().toString(),
      "broker data, kept across restarts", Option.Kind.STRING);
  private static final List<Option> OPTIONS = List.of(PORT, DATA_DIR);

  private KafkaCommand() {}

  /** The options of {@code clawbus kafka} (flags only), for checks of deployment files against them. */
  public static List<Option> options() {
    return OPTIONS;
  }

  static String help() {
    return "Usage: clawbus kafka [--port PORT] [--data-dir DIR]\n"
        + "Runs a single-node Kafka broker (KRaft) on 127.0.0.1 until stopped.\n"
        + ClawbusConfig.help(OPTIONS);
  }

  static Path defaultDataDir() {
    return Path.of(ClawbusConfig.DATA_DIR.defaultValue(), "kafka");
  }

  /** Returns the exit code; on success it only returns when the JVM shuts down. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    return run(args, out, err, new CompletableFuture<>(), true);
  }

  /**
   * Runs until {@code stop} completes or the JVM shuts down. Tests use {@code stop} and no shutdown hook; the CLI uses
   * the hook.
   */
  static int run(List<String> args, PrintStream out, PrintStream err, CompletableFuture<Void> stop,
      boolean shutdownHook) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(help());
      return 0;
    }
    int port;
    Path dataDir;
    try {
      ClawbusConfig cfg = ClawbusConfig.load(args, Map.of(), OPTIONS);
      port = cfg.json().getInteger(PORT.key());
      dataDir = Path.of(cfg.json().getString(DATA_DIR.key()));
      if (port > 65535) {
        throw new ConfigException("--port must be a number between 0 and 65535, not '" + port + "'");
      }
    } catch (ConfigException e) {
      err.println("clawbus kafka: " + e.getMessage());
      return 2;
    }

    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start(dataDir, port);
    } catch (Exception e) {
      err.println("clawbus kafka: " + (e instanceof IllegalStateException ? e.getMessage() : Failures.oneLine(e)));
      return 1;
    }
    if (shutdownHook) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        kafka.close();
        stop.complete(null);
      }, "clawbus-kafka-stop"));
    }
    out.println("Kafka listening on " + kafka.bootstrapServers());
    out.flush();
    try {
      stop.join();
    } finally {
      kafka.close();
    }
    return 0;
  }
}
