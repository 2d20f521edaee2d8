package dev.clawbus.infra.kafka;

import dev.clawbus.infra.config.ClawbusConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code clawbus kafka [--port 9092] [--data-dir DIR]}: a standalone single-node broker that the nodes of a local
 * cluster share ({@code --kafka 127.0.0.1:9092}). Runs until the process is stopped.
 */
public final class KafkaCommand {
  static final int DEFAULT_PORT = 9092;

  private KafkaCommand() {}

  static String help() {
    return "Usage: clawbus kafka [--port PORT] [--data-dir DIR]\n"
        + "Runs a single-node Kafka broker (KRaft) on 127.0.0.1 until stopped.\n"
        + "  --port PORT       listener port [default " + DEFAULT_PORT + "]\n"
        + "  --data-dir DIR    broker data, kept across restarts [default " + defaultDataDir() + "]\n"
        + "  --help            this text\n";
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
    int port = DEFAULT_PORT;
    Path dataDir = defaultDataDir();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "--help", "-h" -> {
            out.print(help());
            return 0;
          }
          case "--port" -> {
            String v = value != null ? value : next(args, ++i, a);
            port = parsePort(v);
          }
          case "--data-dir" -> dataDir = Path.of(value != null ? value : next(args, ++i, a));
          default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see --help)");
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("clawbus kafka: " + e.getMessage());
      return 2;
    }

    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start(dataDir, port);
    } catch (Exception e) {
      err.println("clawbus kafka: " + (e instanceof IllegalStateException ? e.getMessage() : EmbeddedKafka.oneLine(e)));
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

  private static String next(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  private static int parsePort(String v) {
    try {
      int p = Integer.parseInt(v.trim());
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port must be a number between 0 and 65535, not '" + v + "'");
    }
  }
}
