package dev.clawbus.infra.contract.exec;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node host's entry in the cluster's node registry (Hazelcast map {@code clawbus.nodes}, stored as this JSON text).
 * The node rewrites it every heartbeat; readers decide from it, the cluster's membership and the cluster time whether
 * the node is alive. Times are Hazelcast cluster time (epoch ms, the same on every member).
 *
 * @param name      the node's name ({@code --name})
 * @param member    the Hazelcast member UUID of the node's process; when that member leaves, the node is gone
 * @param host      the machine's host name
 * @param os        operating system name, version and architecture
 * @param policy    {@code deny}, {@code allowlist} or {@code full}
 * @param version   clawbus version of the node
 * @param startedAt when the node registered
 * @param lastSeen  its latest heartbeat
 * @param leftAt    when it stopped cleanly; 0 while running
 * @param running   the commands it is running now
 */
public record NodeInfo(String name, String member, String host, String os, String policy, String version,
    long startedAt, long lastSeen, long leftAt, List<Running> running) {
  /** Commands in the registry are cut to this many characters. */
  public static final int COMMAND_PREVIEW = 200;

  public NodeInfo {
    running = running == null ? List.of() : List.copyOf(running);
  }

  /** One command being run: who asked, what, since when. */
  public record Running(String requestId, String tenant, String command, long startedAt) {
    public static Running of(String requestId, String tenant, String command, long startedAt) {
      String preview = command.length() <= COMMAND_PREVIEW ? command : command.substring(0, COMMAND_PREVIEW) + "…";
      return new Running(requestId, tenant, preview, startedAt);
    }
  }

  public NodeInfo seen(long at, List<Running> now) {
    return new NodeInfo(name, member, host, os, policy, version, startedAt, at, leftAt, now);
  }

  public NodeInfo left(long at) {
    return new NodeInfo(name, member, host, os, policy, version, startedAt, lastSeen, at, List.of());
  }

  public JsonObject toJson() {
    JsonArray r = new JsonArray();
    for (Running x : running) {
      r.add(new JsonObject().put("request_id", x.requestId()).put("tenant", x.tenant()).put("command", x.command())
          .put("started_at", x.startedAt()));
    }
    return new JsonObject().put("name", name).put("member", member).put("host", host).put("os", os)
        .put("policy", policy).put("version", version).put("started_at", startedAt).put("last_seen", lastSeen)
        .put("left_at", leftAt).put("running", r);
  }

  /** Reads a registry entry; throws IllegalArgumentException when the text is not one. */
  public static NodeInfo fromJson(JsonObject j) {
    try {
      List<Running> running = new ArrayList<>();
      JsonArray r = j.getJsonArray("running", new JsonArray());
      for (int i = 0; i < r.size(); i++) {
        JsonObject x = r.getJsonObject(i);
        running.add(new Running(x.getString("request_id"), x.getString("tenant"), x.getString("command"),
            x.getLong("started_at", 0L)));
      }
      NodeInfo n = new NodeInfo(j.getString("name"), j.getString("member"), j.getString("host"), j.getString("os"),
          j.getString("policy"), j.getString("version"), j.getLong("started_at", 0L), j.getLong("last_seen", 0L),
          j.getLong("left_at", 0L), running);
      if (n.name == null || n.member == null) {
        throw new IllegalArgumentException("node entry without name or member");
      }
      return n;
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("not a node entry: " + e.getMessage());
    }
  }

  public static NodeInfo decode(String text) {
    try {
      return fromJson(new JsonObject(text));
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException("node entry is not JSON");
    }
  }

  public String encode() {
    return toJson().encode();
  }
}
