package dev.clawbus.app;

import dev.clawbus.infra.Failures;
import dev.clawbus.infra.Version;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.toolrunner.NodeOptions;
import dev.clawbus.toolrunner.NodeOptions.NodeSettings;
import dev.clawbus.toolrunner.ToolRunnerNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code clawbus node}: joins the cluster as a node host that runs exec requests under its policy, until interrupted.
 */
final class NodeCommand {
  private NodeCommand() {}

  static int run(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      System.out.print("usage: clawbus node --name NAME --cluster-members HOST:PORT,... --exec-secret-file FILE "
          + "[options]\n\n"
          + "Joins the clawbus cluster and runs the exec requests signed by serve, under this node's policy.\n"
          + "Precedence: flags > environment > defaults.\n\n" + ClawbusConfig.help(NodeOptions.OPTIONS));
      return 0;
    }
    ToolRunnerNode node;
    try {
      node = start(args, System.getenv(), System.out, System.err);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      System.err.println("clawbus: could not start the node: " + Failures.oneLine(e));
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "clawbus-node-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Parses the options, joins the cluster and reports on {@code out}; the caller closes the node. */
  static ToolRunnerNode start(List<String> args, Map<String, String> env, PrintStream out, PrintStream err)
      throws Exception {
    NodeSettings s = NodeOptions.load(args, env);
    ToolRunnerNode node = ToolRunnerNode.start(s);
    for (String w : node.warnings()) {
      err.println("clawbus: warning: " + w);
    }
    out.println("clawbus " + Version.VERSION + " node '" + s.name() + "' joined the cluster via "
        + String.join(",", s.cluster().clusterMembers()) + " (policy " + s.policy().label() + ", workdir "
        + s.workdir() + ", audit " + (s.kafka() == null ? "via serve nodes" : "to Kafka " + s.kafka()) + ")");
    out.flush();
    return node;
  }
}
