package dev.clawbus.app.ops;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the operator commands share: options, the admin client, and how a failure is told (one line, exit 1). */
final class OpsCommand {
  /** The command itself, once its options are read. */
  interface Body {
    int run(OpsOptions o, AdminClient client) throws AdminClient.Failure;
  }

  private OpsCommand() {}

  static int run(String name, String usage, Set<String> flags, List<String> args, Map<String, String> env,
      PrintStream out, PrintStream err, Body body) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(usage);
      return 0;
    }
    OpsOptions o;
    try {
      o = OpsOptions.parse(args, flags, env, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      err.println("clawbus " + name + ": " + e.getMessage() + " (see clawbus " + name + " --help)");
      return 2;
    }
    try {
      return body.run(o, new AdminClient(o.url(), o.adminKey(), Duration.ofSeconds(120)));
    } catch (AdminClient.Failure f) {
      err.println("clawbus " + name + ": " + f.getMessage());
      return 1;
    } finally {
      out.flush();
    }
  }
}
