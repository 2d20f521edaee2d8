package dev.clawbus.app.ops;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code clawbus dlq list}: the dead letters of a running node's cluster, from its admin API. */
public final class DlqCommand {
  static final String USAGE = """
      usage: clawbus dlq list [--since T] [--until T] [--tenant X] [--limit N] [--json] [--url URL] [--admin-key KEY]

      Lists requests that failed for good (Kafka clawbus.requests.dlq), newest first: when, whose, how many
      attempts, why, and whether they were replayed. T is ISO-8601 (2026-11-29T10:00:00Z), epoch
      milliseconds, or a time ago (30m, 1h, 2d).

        --since T / --until T   only those that failed in that time
        --tenant X              only tenant X's
        --limit N               at most N (default 100, newest)
        --json                  the admin API's JSON, with the original requests
      """ + OpsOptions.COMMON;

  private DlqCommand() {}

  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return OpsCommand.run("dlq", USAGE, Set.of("--since", "--until", "--tenant", "--limit", "--json"), args, env,
        out, err, (o, client) -> {
          if (o.positional().size() != 1 || !o.positional().get(0).equals("list")) {
            err.println("clawbus dlq: say 'clawbus dlq list' (see clawbus dlq --help)");
            return 2;
          }
          StringBuilder q = new StringBuilder("/admin/dlq?limit=").append(o.limit());
          if (o.since() != null) q.append("&since=").append(o.since());
          if (o.until() != null) q.append("&until=").append(o.until());
          if (o.tenant() != null) q.append("&tenant=").append(AdminClient.enc(o.tenant()));
          if (o.json()) q.append("&full=true");
          JsonObject list = client.get(q.toString());
          if (o.json()) {
            out.println(list.encodePrettily());
          } else {
            OpsText.dlq(list, ZoneId.systemDefault()).forEach(out::println);
          }
          return 0;
        });
  }
}
