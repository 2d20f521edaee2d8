package dev.clawbus.app.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code clawbus replay}: sends failed requests again, by id or by time, through a running node's admin API. Each is
 * started as a new request of its tenant (its new id printed) that links back to the original; one already replayed
 * is skipped unless {@code --force}. Many go in batches, with a progress bar on stderr.
 */
public final class ReplayCommand {
  static final String USAGE = """
      usage: clawbus replay ID... [--force] [--dry-run] [--json] [--url URL] [--admin-key KEY]
             clawbus replay --since T [--until T] [--tenant X] [--force] [--dry-run] [--json] ...

      Replays dead letters (Kafka clawbus.requests.dlq): each request is sent again under a new id of the
      same tenant, which can read the answer at GET /v1/requests/{new id}. An ID may be written TENANT/ID
      when several tenants used it. T is ISO-8601, epoch milliseconds, or a time ago (30m, 1h, 2d).

        --since T / --until T   every dead letter of that time (with IDs: only where to look)
        --tenant X              only tenant X's
        --force                 replay even what was replayed before
        --dry-run               say what would be replayed, replay nothing
        --json                  the results as JSON
      Exit status: 0 when everything asked for was replayed (or, by time, replayed or skipped), 1 otherwise.
      """ + OpsOptions.COMMON;

  /** Requests per call of the admin API: the progress bar moves once per batch. */
  static final int BATCH = 20;
  static final int BAR_WIDTH = 30;

  private ReplayCommand() {}

  public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return OpsCommand.run("replay", USAGE, Set.of("--since", "--until", "--tenant", "--force", "--dry-run", "--json"),
        args, env, out, err, (o, client) -> {
          boolean byIds = !o.positional().isEmpty();
          if (!byIds && o.since() == null) {
            err.println("clawbus replay: name request ids, or --since T (see clawbus replay --help)");
            return 2;
          }
          List<JsonObject> results = new ArrayList<>();
          List<String> todo = new ArrayList<>();
          if (byIds) {
            todo.addAll(o.positional());
          } else {
            // What the filter means, decided by the node; then the ones to replay go in batches like ids.
            JsonObject plan = client.post("/admin/replay", filter(o).put("dry_run", true).put("force", o.force()));
            for (JsonObject r : list(plan)) {
              if ("would_replay".equals(r.getString("outcome")) && !o.dryRun()) {
                todo.add(r.getString("tenant") + "/" + r.getString("id"));
              } else {
                results.add(r);
              }
            }
          }
          boolean bar = todo.size() > 1 && !o.json();
          for (int i = 0; i < todo.size(); i += BATCH) {
            List<String> batch = todo.subList(i, Math.min(todo.size(), i + BATCH));
            JsonObject body = new JsonObject().put("ids", new JsonArray(new ArrayList<>(batch)))
                .put("force", o.force()).put("dry_run", o.dryRun());
            if (o.since() != null) body.put("since", String.valueOf(o.since()));
            if (o.until() != null) body.put("until", String.valueOf(o.until()));
            if (o.tenant() != null) body.put("tenant", o.tenant());
            results.addAll(list(client.post("/admin/replay", body)));
            if (bar) err.print("\r" + OpsText.progress(Math.min(todo.size(), i + BATCH), todo.size(), BAR_WIDTH));
          }
          if (bar) err.println();
          int skipped = 0;
          int failed = 0;
          for (JsonObject r : results) {
            String outcome = r.getString("outcome", "failed");
            if (outcome.equals("skipped")) skipped++;
            if (!outcome.equals("skipped") && !outcome.equals("replayed") && !outcome.equals("would_replay")) failed++;
          }
          if (o.json()) {
            out.println(new JsonObject().put("dry_run", o.dryRun()).put("results", new JsonArray(new ArrayList<>(results)))
                .encodePrettily());
          } else {
            OpsText.replay(results, o.dryRun()).forEach(out::println);
          }
          return failed > 0 || byIds && skipped > 0 ? 1 : 0;
        });
  }

  private static JsonObject filter(OpsOptions o) {
    JsonObject f = new JsonObject().put("since", String.valueOf(o.since()));
    if (o.until() != null) f.put("until", String.valueOf(o.until()));
    if (o.tenant() != null) f.put("tenant", o.tenant());
    return f;
  }

  private static List<JsonObject> list(JsonObject answer) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray a = answer.getJsonArray("results", new JsonArray());
    for (int i = 0; i < a.size(); i++) out.add(a.getJsonObject(i));
    return out;
  }
}
