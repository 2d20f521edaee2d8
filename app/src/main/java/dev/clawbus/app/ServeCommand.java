package dev.clawbus.app;

import dev.clawbus.infra.Failures;
import dev.clawbus.infra.Version;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code clawbus serve}: runs one node until interrupted. */
final class ServeCommand {
  private ServeCommand() {}

  static int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print("usage: clawbus serve [options]\n\n"
          + "Runs a clawbus node. Precedence: flags > environment > config file > defaults.\n\n"
          + ClawbusConfig.help(ClawbusConfig.SERVE_OPTIONS));
      return 0;
    }
    ClawbusConfig cfg = ClawbusConfig.load(args, System.getenv(), ClawbusConfig.SERVE_OPTIONS);
    ClawbusNode node;
    try {
      node = ClawbusNode.start(cfg);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      System.err.println("clawbus: could not start: " + Failures.oneLine(e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "clawbus-shutdown"));
    ClawbusConfig c = node.config();
    for (String w : node.warnings()) {
      System.err.println("clawbus: warning: " + w);
    }
    System.out.println("clawbus " + Version.VERSION + " listening on " + node.url() + " (vLLM " + c.vllmUrl()
        + (c.sim() ? " [simulator]" : "") + ", Kafka " + c.kafka() + (cfg.embeddedKafka() ? " [embedded]" : "")
        + ", node " + c.nodeId() + ", exec " + (node.execEnabled() ? "on" : "off") + ")");
    System.out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
