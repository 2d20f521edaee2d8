package dev.clawbus.toolrunner;

import dev.clawbus.infra.contract.exec.NodeInfo;
import io.vertx.core.json.JsonObject;

/**
 * A registry entry with the reader's verdict: {@link #ALIVE}, {@link #GONE} (its cluster member left, or no heartbeat
 * for longer than the registry's stale time) or {@link #LEFT} (it stopped cleanly).
 */
public record NodeStatus(NodeInfo info, String state) {
  public static final String ALIVE = "alive";
  public static final String GONE = "gone";
  public static final String LEFT = "left";

  /**
   * The verdict, I/O-free. {@code memberPresent}: the entry's Hazelcast member is in the cluster now;
   * {@code nowClusterMs}: Hazelcast cluster time (the clock the node wrote {@code lastSeen} with).
   */
  public static String stateOf(NodeInfo info, boolean memberPresent, long nowClusterMs, long staleAfterMs) {
    if (info.leftAt() > 0) {
      return LEFT;
    }
    if (!memberPresent || nowClusterMs - info.lastSeen() > staleAfterMs) {
      return GONE;
    }
    return ALIVE;
  }

  public boolean alive() {
    return ALIVE.equals(state);
  }

  public String name() {
    return info.name();
  }

  /** One entry of {@code GET /v1/nodes}: the registry entry plus {@code state}. */
  public JsonObject toJson() {
    return info.toJson().put("state", state);
  }

  /** "is not connected (gone, last seen 42 s ago)" — for error messages. */
  public String describe(long nowClusterMs) {
    long ago = Math.max(0, nowClusterMs - (LEFT.equals(state) ? info.leftAt() : info.lastSeen())) / 1000;
    return LEFT.equals(state) ? "stopped " + ago + " s ago" : "is not connected (last seen " + ago + " s ago)";
  }
}
