package dev.clawbus.app.ops;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code clawbus inspect ID}: a request's timeline from Kafka, through a running node's admin API. */
public final class InspectCommand {
  static final String USAGE = """
      usage: clawbus inspect ID [--tenant X] [--json] [--url URL] [--admin-key KEY]

      Prints what happened to request ID, from Kafka clawbus.events: received, queued, each run and
      the node it ran on, failed attempts and why, continuations, takeovers, exec steps, and how it ended.

        --tenant X    the tenant, when the id exists in several
        --json        the admin API's JSON
      """ + OpsOptions.COMMON;

  private InspectCommand() {}

  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return OpsCommand.run("inspect", USAGE, Set.of("--tenant", "--json"), args, env, out, err, (o, client) -> {
      if (o.positional().size() != 1) {
        err.println("clawbus inspect: name one request id (see clawbus inspect --help)");
        return 2;
      }
      String id = o.positional().get(0);
      JsonObject t = client.get("/admin/requests/" + AdminClient.enc(id) + "/timeline"
          + (o.tenant() == null ? "" : "?tenant=" + AdminClient.enc(o.tenant())));
      if (o.json()) {
        out.println(t.encodePrettily());
      } else {
        OpsText.timeline(t, ZoneId.systemDefault()).forEach(out::println);
      }
      return 0;
    });
  }
}
