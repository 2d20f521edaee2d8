package dev.clawbus.ingress;

import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.ops.Times;
import dev.clawbus.infra.tenancy.Tenant;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The decisions of the admin API, without I/O: what a query or a replay asks for (every mistake an OpenAI-shaped
 * 400 naming the parameter), and which dead letters a replay means.
 */
final class AdminQueries {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  /** Most dead letters one replay call sends again (the CLI sends larger sets in several calls). */
  static final int MAX_REPLAY = 1000;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._\\-]{1,128}");

  private AdminQueries() {}

  /** A stretch of time and a tenant: {@code since}/{@code until} epoch ms (null: open), tenant (null: all). */
  record Range(Long since, Long until, String tenant, int limit) {
    boolean keeps(String key) {
      return tenant == null || key != null && key.startsWith(tenant + "/");
    }
  }

  /** One request named by a replay: its id, and its tenant when named ({@code tenant/id}, or the call's tenant). */
  record Target(String tenant, String id) {
    String label() {
      return tenant == null ? id : tenant + "/" + id;
    }
  }

  /** A replay: by ids (then {@code range} only bounds the search) or by filter, forced or not, for real or not. */
  record ReplayAsk(List<Target> ids, Range range, boolean force, boolean dryRun) {
    boolean byIds() {
      return ids != null;
    }

    /** Whether the dead letter with Kafka key {@code key} may be one this replay means (read before decoding). */
    boolean mayMean(String key) {
      if (key == null) return false;
      if (!byIds()) return range.keeps(key);
      int slash = key.indexOf('/');
      String id = key.substring(slash + 1);
      String tenant = slash < 0 ? null : key.substring(0, slash);
      for (Target t : ids) {
        if (t.id().equals(id) && (t.tenant() == null || t.tenant().equals(tenant))) return true;
      }
      return false;
    }
  }

  /** What a replay does with one request: send {@code letter} again, or report {@code problem}. */
  record Item(Target target, DeadLetter letter, String problem) {}

  static Range range(MultiMap params, Clock clock) {
    Long since = time(params.get("since"), "since", clock);
    Long until = time(params.get("until"), "until", clock);
    if (since != null && until != null && until <= since) {
      throw OpenAiError.invalidRequest("until", "until must be later than since.");
    }
    return new Range(since, until, tenant(params.get("tenant")), limit(params.get("limit")));
  }

  /** {@code ?status=} of the requests list: one of the states, or null for any. */
  static Status status(String s) {
    if (s == null || s.isEmpty()) return null;
    try {
      return Status.parse(s);
    } catch (IllegalArgumentException e) {
      throw OpenAiError.invalidRequest("status", "status must be one of queued, running, done, failed, cancelled.");
    }
  }

  static String tenant(String t) {
    if (t == null || t.isEmpty()) return null;
    if (!Tenant.NAME.matcher(t).matches()) {
      throw OpenAiError.invalidRequest("tenant", "tenant must be 1-64 letters, digits, dots, underscores or dashes.");
    }
    return t;
  }

  static int limit(String s) {
    if (s == null || s.isEmpty()) return DEFAULT_LIMIT;
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 1 && n <= MAX_LIMIT) return n;
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw OpenAiError.invalidRequest("limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ".");
  }

  private static Long time(String value, String param, Clock clock) {
    if (value == null || value.isEmpty()) return null;
    try {
      return Times.parse(value, clock);
    } catch (IllegalArgumentException e) {
      throw OpenAiError.invalidRequest(param, param + ": " + e.getMessage() + ".");
    }
  }

  /**
   * The body of {@code POST /admin/replay}: {@code {"ids":["id" | "tenant/id", …], "tenant"?}} or a filter
   * {@code {"since", "until"?, "tenant"?}}; {@code "force"} and {@code "dry_run"} booleans; with ids, {@code since}
   * and {@code until} only narrow the search.
   */
  static ReplayAsk replayAsk(JsonObject body, Clock clock) {
    if (body == null) throw OpenAiError.invalidRequest(null, "The body must be a JSON object.");
    for (String f : body.fieldNames()) {
      if (!Set.of("ids", "tenant", "since", "until", "force", "dry_run").contains(f)) {
        throw OpenAiError.invalidRequest(f, "Unknown parameter: '" + clip(f) + "'.");
      }
    }
    boolean force = flag(body, "force");
    boolean dryRun = flag(body, "dry_run");
    String tenant = body.getValue("tenant") instanceof String s ? tenant(s) : null;
    if (body.getValue("tenant") != null && !(body.getValue("tenant") instanceof String)) {
      throw OpenAiError.invalidRequest("tenant", "tenant must be a string.");
    }
    Long since = time(string(body, "since"), "since", clock);
    Long until = time(string(body, "until"), "until", clock);
    if (since != null && until != null && until <= since) {
      throw OpenAiError.invalidRequest("until", "until must be later than since.");
    }
    Range range = new Range(since, until, tenant, MAX_REPLAY);
    Object ids = body.getValue("ids");
    if (ids == null) {
      if (since == null) {
        throw OpenAiError.invalidRequest("ids", "Name the requests to replay: \"ids\", or a filter with \"since\".");
      }
      return new ReplayAsk(null, range, force, dryRun);
    }
    if (!(ids instanceof JsonArray a) || a.isEmpty()) {
      throw OpenAiError.invalidRequest("ids", "ids must be a non-empty array of request ids.");
    }
    if (a.size() > MAX_REPLAY) {
      throw OpenAiError.invalidRequest("ids", "At most " + MAX_REPLAY + " ids per call.");
    }
    Set<Target> targets = new LinkedHashSet<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof String s)) throw OpenAiError.invalidRequest("ids", "ids must be strings.");
      int slash = s.indexOf('/');
      String t = slash < 0 ? tenant : s.substring(0, slash);
      String id = s.substring(slash + 1);
      if (slash >= 0 && (t.isEmpty() || !Tenant.NAME.matcher(t).matches()) || !ID.matcher(id).matches()) {
        throw OpenAiError.invalidRequest("ids", "'" + clip(s) + "' is not a request id (or tenant/id).");
      }
      targets.add(new Target(t, id));
    }
    return new ReplayAsk(List.copyOf(targets), range, force, dryRun);
  }

  /**
   * Which dead letters {@code ask} means among {@code letters} (read in the order written): the latest dead letter of
   * each request key. An id that names no dead letter, or dead letters of several tenants, is a problem to report.
   */
  static List<Item> resolve(ReplayAsk ask, List<DeadLetter> letters) {
    Map<String, DeadLetter> latest = new LinkedHashMap<>();
    for (DeadLetter d : letters) {
      if (ask.mayMean(d.key())) {
        latest.remove(d.key());
        latest.put(d.key(), d);
      }
    }
    List<Item> out = new ArrayList<>();
    if (!ask.byIds()) {
      for (DeadLetter d : latest.values()) {
        out.add(new Item(new Target(d.tenant(), d.id()), d, d.replayable() ? null
            : "the dead letter holds no readable request"));
      }
      return out;
    }
    for (Target t : ask.ids()) {
      List<DeadLetter> found = new ArrayList<>();
      for (DeadLetter d : latest.values()) {
        if (t.id().equals(d.id()) && (t.tenant() == null || t.tenant().equals(d.tenant()))) found.add(d);
      }
      if (found.isEmpty()) {
        out.add(new Item(t, null, "not in the dead-letter topic" + (ask.range().since() == null ? ""
            : " in the time given")));
      } else if (found.size() > 1) {
        Set<String> tenants = new TreeSet<>();
        found.forEach(d -> tenants.add(d.tenant()));
        out.add(new Item(t, null, "dead letters of several tenants " + tenants + " have this id: name it as tenant/id"));
      } else {
        DeadLetter d = found.get(0);
        out.add(new Item(new Target(d.tenant(), d.id()), d, d.replayable() ? null
            : "the dead letter holds no readable request"));
      }
    }
    return out;
  }

  private static boolean flag(JsonObject body, String name) {
    Object v = body.getValue(name);
    if (v == null) return false;
    if (!(v instanceof Boolean b)) throw OpenAiError.invalidRequest(name, name + " must be true or false.");
    return b;
  }

  private static String string(JsonObject body, String name) {
    Object v = body.getValue(name);
    if (v == null) return null;
    if (!(v instanceof String s)) {
      throw OpenAiError.invalidRequest(name, name + " must be a string: ISO-8601, epoch milliseconds or a time ago.");
    }
    return s;
  }

  private static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  /** A dead letter as the admin API lists it: everything but the request body (unless {@code full}). */
  static JsonObject view(DeadLetter d, String replayedAs, boolean full) {
    JsonObject j = new JsonObject().put("id", d.id()).put("tenant", d.tenant()).put("key", d.key())
        .put("reason", d.reason()).put("attempts", d.attempts())
        .put("error", d.error() == null ? null : d.error().toJson()).put("received_at", d.receivedAt())
        .put("failed_at", d.failedAt()).put("node", d.node()).put("replayed_as", replayedAs)
        .put("replayable", d.replayable());
    if (d.envelope() != null) {
      j.put("model", d.envelope().model()).put("api", d.envelope().api().wire()).put("stream", d.envelope().stream())
          .put("replay_of", d.envelope().replayOf());
      if (full) j.put("request", d.envelope().body());
    }
    if (full && d.unreadable() != null) j.put("unreadable", d.unreadable());
    return j;
  }
}
