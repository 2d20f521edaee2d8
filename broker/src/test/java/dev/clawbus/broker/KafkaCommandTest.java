package dev.clawbus.broker;

import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.kafka.KafkaTopics;

import dev.clawbus.infra.testing.NonDaemonThreads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaCommandTest {
  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  @Test
  void helpExitsZero() {
    assertEquals(0, KafkaCommand.run(List.of("--help"), out, err));
    assertTrue(out().startsWith("Usage: clawbus kafka"), out());
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertEquals(2, KafkaCommand.run(List.of("--prot", "1"), out, err));
    assertEquals("clawbus kafka: unknown option '--prot' (see --help)\n", err());
  }

  @Test
  void portInUseIsOneLineAndExitOne(@TempDir Path dir) throws Exception {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      int port = busy.getLocalPort();
      assertEquals(1, KafkaCommand.run(List.of("--port", String.valueOf(port), "--data-dir", dir.toString()), out, err));
      assertEquals("clawbus kafka: cannot start Kafka: port " + port + " on 127.0.0.1 is already in use\n", err());
      assertEquals("", out());
    }
  }

  @Test
  void servesUntilStoppedAndLeavesNoThreadsBehind(@TempDir Path dir) throws Exception {
    NonDaemonThreads threads = NonDaemonThreads.snapshot();
    int port = LocalPorts.free("127.0.0.1");
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> KafkaCommand.run(
        List.of("--port=" + port, "--data-dir", dir.toString()), out, err, stop, false));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!out().contains("\n") && !exit.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals("Kafka listening on 127.0.0.1:" + port + "\n", out(), err());
    assertTrue(KafkaTopics.reachable("127.0.0.1:" + port, Duration.ofSeconds(5)));

    stop.complete(null);
    assertEquals(0, exit.get(30, TimeUnit.SECONDS));
    assertEquals("", err());

    // Broker threads must end with close(), or an embedding JVM would never exit.
    assertEquals(Set.of(), threads.leakedAfter(5));
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }
}
