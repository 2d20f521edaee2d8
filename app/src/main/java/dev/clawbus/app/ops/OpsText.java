package dev.clawbus.app.ops;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** What the operator commands print, from the admin API's JSON. Pure: the time zone is given. */
final class OpsText {
  private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  private OpsText() {}

  /** {@code clawbus dlq list}: one line per dead letter, newest first, then a count. */
  static List<String> dlq(JsonObject list, ZoneId zone) {
    List<String> out = new ArrayList<>();
    JsonArray data = list.getJsonArray("data", new JsonArray());
    if (data.isEmpty()) {
      out.add("no dead letters");
      return out;
    }
    out.add(String.format("%-19s  %-12s  %-26s  %-8s  %-12s  %s", "FAILED (" + zone.getId() + ")", "TENANT", "ID",
        "ATTEMPTS", "REPLAYED AS", "REASON"));
    for (int i = 0; i < data.size(); i++) {
      JsonObject d = data.getJsonObject(i);
      JsonObject e = d.getJsonObject("error");
      String reason = (e != null && e.getString("code") != null ? e.getString("code") + ": " : "")
          + nz(d.getString("reason"));
      out.add(String.format("%-19s  %-12s  %-26s  %-8d  %-12s  %s", dayTime(d.getLong("failed_at", 0L), zone),
          nz(d.getString("tenant")), d.getString("id") == null ? d.getString("key") : d.getString("id"),
          d.getInteger("attempts", 0), d.getString("replayed_as") == null ? "-" : d.getString("replayed_as"),
          clip(reason, 100)));
    }
    out.add(data.size() + " dead letter" + (data.size() == 1 ? "" : "s"));
    return out;
  }

  /** {@code clawbus inspect}: the request, then its timeline, one event per line. */
  static List<String> timeline(JsonObject t, ZoneId zone) {
    List<String> out = new ArrayList<>();
    JsonObject rec = t.getJsonObject("record");
    out.add("request " + t.getString("id") + " (tenant " + t.getString("tenant") + "): " + nz(t.getString("status")));
    List<String> facts = new ArrayList<>();
    if (rec != null) {
      facts.add("model " + rec.getString("model"));
      facts.add(rec.getBoolean("stream", false) ? "streaming" : "not streaming");
      facts.add("received " + dayTime(rec.getLong("received_at", 0L), zone) + " " + zone.getId());
      facts.add(rec.getInteger("attempts", 0) + " run" + (rec.getInteger("attempts", 0) == 1 ? "" : "s"));
    }
    if (t.getString("replay_of") != null) facts.add("replay of " + t.getString("replay_of"));
    if (t.getString("replayed_as") != null) facts.add("replayed as " + t.getString("replayed_as"));
    if (!facts.isEmpty()) out.add("  " + String.join(", ", facts));
    JsonArray events = t.getJsonArray("events", new JsonArray());
    for (int i = 0; i < events.size(); i++) {
      JsonObject e = events.getJsonObject(i);
      out.add(String.format("  %s  %-16s %-14s %s", time(e.getLong("at", 0L), zone), e.getString("kind"),
          nz(e.getString("node")), nz(e.getString("detail"))));
    }
    if (events.isEmpty()) out.add("  (no events in Kafka for this request)");
    JsonObject err = rec == null ? null : rec.getJsonObject("error");
    if (err != null && "failed".equals(t.getString("status"))) {
      out.add("  why: " + err.getString("message") + " (" + err.getInteger("status") + " " + err.getString("code") + ")");
    }
    return out;
  }

  /** One line per request replayed, skipped or failed, then the summary. */
  static List<String> replay(List<JsonObject> results, boolean dryRun) {
    List<String> out = new ArrayList<>();
    int replayed = 0;
    int skipped = 0;
    int failed = 0;
    for (JsonObject r : results) {
      String who = (r.getString("tenant") == null ? "" : r.getString("tenant") + "/") + r.getString("id");
      String reason = r.getString("reason");
      switch (r.getString("outcome", "failed")) {
        case "replayed" -> {
          replayed++;
          out.add("  " + who + " -> " + r.getString("new_id") + (reason == null ? "" : " (" + reason + ")"));
        }
        case "would_replay" -> {
          replayed++;
          out.add("  " + who + " would be replayed" + (reason == null ? "" : " (" + reason + ")"));
        }
        case "skipped" -> {
          skipped++;
          out.add("  " + who + " skipped: " + nz(reason));
        }
        default -> {
          failed++;
          out.add("  " + who + " failed: " + nz(reason));
        }
      }
    }
    out.add((dryRun ? "dry run: would replay " : "replayed ") + replayed + ", skipped " + skipped + ", failed "
        + failed);
    return out;
  }

  /** A progress bar of {@code width} cells: {@code [#####.....] 5/10}. */
  static String progress(int done, int total, int width) {
    int filled = total <= 0 ? width : (int) ((long) done * width / total);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total;
  }

  private static String dayTime(long ms, ZoneId zone) {
    return ms <= 0 ? "-" : DAY_TIME.format(Instant.ofEpochMilli(ms).atZone(zone));
  }

  private static String time(long ms, ZoneId zone) {
    return ms <= 0 ? "            " : TIME.format(Instant.ofEpochMilli(ms).atZone(zone));
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String clip(String s, int n) {
    return s.length() > n ? s.substring(0, n) + "…" : s;
  }
}
