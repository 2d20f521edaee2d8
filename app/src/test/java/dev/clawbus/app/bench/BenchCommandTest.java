package dev.clawbus.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.app.ClawbusNode;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.sim.SimOptions;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  private record Run(int exit, String out, String err) {}

  private static Run bench(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = BenchCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void measuresTheSimulatorAgainstItself() throws Exception {
    Vertx vertx = Vertx.vertx();
    VllmSimulator sim = new VllmSimulator(vertx, SimOptions.defaults().withPort(0).withStrict(true));
    try {
      sim.start().await(10, TimeUnit.SECONDS);
      Run r = bench("--target", sim.baseUrl(), "--direct", sim.baseUrl(), "--concurrency", "3", "--requests", "6",
          "--words", "12", "--tps", "600", "--ttft-ms", "40", "--rounds", "2", "--warmup", "1", "--json");
      assertEquals(0, r.exit(), r.err());
      JsonObject j = new JsonObject(r.out().trim());
      for (String side : List.of("target", "direct")) {
        JsonObject s = j.getJsonObject(side);
        assertEquals(6, s.getLong("requests"), side);
        assertEquals(0, s.getLong("errors"), side);
        assertEquals(72, s.getLong("tokens"), side + ": 6 answers of 12 tokens, from the usage chunks");
        assertTrue(s.getDouble("ttft_ms_p50") >= 40, side + " waits at least the simulated ttft: " + s);
        // 12 tokens at 600/s take ~18 ms after the first one.
        assertTrue(s.getDouble("completion_ms_p50") >= s.getDouble("ttft_ms_p50") + 10, s.encode());
      }
      assertEquals(14, sim.stats().getLong("completed"), "warm-up 1+1 and 6+6 measured");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void reportsErrorsAndUsage() {
    Run help = bench("--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("--concurrency"));
    Run bad = bench("--concurrency", "2");
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--target is required"), bad.err());
    // Nothing listens on port 9 of loopback: every request is an error, and the exit code says so.
    Run refused = bench("--target", "http://127.0.0.1:9", "--requests", "2", "--warmup", "0", "--rounds", "1");
    assertEquals(1, refused.exit());
    assertTrue(refused.out().contains("errors") && refused.out().contains("first target error"), refused.out());
  }

  @Test
  void clawbusWithDurabilityOffAnswersThroughTheBench(@TempDir Path dir) throws Exception {
    ClawbusConfig cfg = ClawbusConfig.defaults().with(ClawbusConfig.PORT, 0).with(ClawbusConfig.SIM, true)
        .with(ClawbusConfig.DATA_DIR, dir.toString()).with(ClawbusConfig.CLUSTER_PORT, 0)
        .with(ClawbusConfig.DURABILITY, "off");
    try (ClawbusNode node = ClawbusNode.start(cfg)) {
      Run r = bench("--target", node.url(), "--direct", node.simulator().baseUrl(), "--concurrency", "4",
          "--requests", "8", "--words", "20", "--tps", "2000", "--rounds", "2", "--warmup", "2", "--json");
      assertEquals(0, r.exit(), r.err() + r.out());
      JsonObject j = new JsonObject(r.out().trim());
      assertEquals(160, j.getJsonObject("target").getLong("tokens"), r.out());
      assertEquals(160, j.getJsonObject("direct").getLong("tokens"), r.out());
      assertTrue(j.getJsonObject("ratio").getDouble("tokens_per_s") > 0, r.out());
    }
  }
}
