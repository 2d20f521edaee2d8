package dev.clawbus.toolrunner;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.contract.exec.NodeInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node hosts of the cluster: Hazelcast map {@value #MAP}, name → {@link NodeInfo} JSON. A node writes its entry
 * every {@link #HEARTBEAT}; a reader calls it {@link NodeStatus#ALIVE} only while the entry's Hazelcast member is in
 * the cluster and its last heartbeat (cluster time) is younger than the stale time — so a node that leaves or hangs is
 * gone at once or within seconds, and nothing waits for it. Entries of gone nodes stay listed for a day, then expire.
 * Every read is asynchronous and safe on an event loop.
 */
public final class NodeRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
  public static final String MAP = "clawbus.nodes";
  public static final Duration HEARTBEAT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(5);
  static final Duration ENTRY_TTL = Duration.ofHours(24);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, String> map;
  private final long staleAfterMs;

  public NodeRegistry(Vertx vertx, HazelcastInstance hz, Duration staleAfter) {
    this.vertx = vertx;
    this.hz = hz;
    this.map = hz.getMap(MAP);
    this.staleAfterMs = staleAfter.toMillis();
  }

  /** The registry as seen from a clustered Vert.x made by {@link ClusterSetup#clusteredVertx}. */
  public static NodeRegistry of(Vertx clusteredVertx) {
    return new NodeRegistry(clusteredVertx, ClusterSetup.hazelcast(clusteredVertx), DEFAULT_STALE_AFTER);
  }

  /** Every registered node with its state, by name. */
  public Future<List<NodeStatus>> list() {
    return vertx.executeBlocking(() -> new ArrayList<>(map.values()), false).map(values -> {
      List<NodeStatus> out = new ArrayList<>();
      for (String v : values) {
        NodeStatus s = status(v);
        if (s != null) {
          out.add(s);
        }
      }
      out.sort(Comparator.comparing(NodeStatus::name));
      return out;
    });
  }

  /** The node called {@code name}, or null if no such node registered (or its entry expired). */
  public Future<NodeStatus> get(String name) {
    return Future.fromCompletionStage(map.getAsync(name), context()).map(this::status);
  }

  public Future<Boolean> isAlive(String name) {
    return get(name).map(s -> s != null && s.alive());
  }

  /** Whether the Hazelcast member with this UUID is in the cluster now. Local, non-blocking. */
  public boolean memberPresent(String memberUuid) {
    for (Member m : hz.getCluster().getMembers()) {
      if (m.getUuid().toString().equals(memberUuid)) {
        return true;
      }
    }
    return false;
  }

  /** Hazelcast cluster time: the same clock on every member, which entries are written with. */
  public long clusterTime() {
    return hz.getCluster().getClusterTime();
  }

  public String localMember() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  HazelcastInstance hazelcast() {
    return hz;
  }

  /** Adds a membership listener; returns its registration for {@link #removeMembershipListener}. */
  UUID onMemberRemoved(java.util.function.Consumer<String> memberUuid) {
    return hz.getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
      @Override
      public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {}

      @Override
      public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
        memberUuid.accept(e.getMember().getUuid().toString());
      }
    });
  }

  void removeMembershipListener(UUID registration) {
    try {
      hz.getCluster().removeMembershipListener(registration);
    } catch (RuntimeException e) {
      // the member is shutting down
    }
  }

  private NodeStatus status(String text) {
    if (text == null) {
      return null;
    }
    NodeInfo info;
    try {
      info = NodeInfo.decode(text);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring a malformed entry in {}: {}", MAP, e.getMessage());
      return null;
    }
    return new NodeStatus(info, NodeStatus.stateOf(info, memberPresent(info.member()), clusterTime(), staleAfterMs));
  }

  // ---- the node's side ----

  /**
   * Claims {@code info.name()}. Fails if a live node of another member holds the name; a gone or stopped one is
   * replaced.
   */
  Future<Void> register(NodeInfo info) {
    return vertx.executeBlocking(() -> {
      for (int attempt = 0; attempt < 10; attempt++) {
        String prev = map.get(info.name());
        if (prev == null) {
          if (map.putIfAbsent(info.name(), info.encode(), ENTRY_TTL.toSeconds(), TimeUnit.SECONDS) == null) {
            return null;
          }
          continue;
        }
        NodeStatus old = status(prev);
        if (old != null && old.alive() && !old.info().member().equals(info.member())) {
          throw new IllegalStateException("node name '" + info.name() + "' is already taken by a running node on "
              + old.info().host() + "; choose another --name");
        }
        if (map.replace(info.name(), prev, info.encode())) {
          map.setTtl(info.name(), ENTRY_TTL.toSeconds(), TimeUnit.SECONDS);
          return null;
        }
      }
      throw new IllegalStateException("node name '" + info.name() + "' keeps changing hands; try again");
    }, false);
  }

  /** Rewrites the entry; fails (and writes nothing) if another member took the name over. */
  Future<Void> heartbeat(NodeInfo info) {
    return Future.fromCompletionStage(map.getAsync(info.name()), context()).compose(prev -> {
      if (prev != null && !info.member().equals(memberOf(prev))) {
        return Future.failedFuture("node name '" + info.name() + "' was taken over by another member");
      }
      return Future.fromCompletionStage(map.setAsync(info.name(), info.encode(), ENTRY_TTL.toSeconds(),
          TimeUnit.SECONDS), context());
    });
  }

  private static String memberOf(String entry) {
    try {
      return NodeInfo.decode(entry).member();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Context context() {
    return vertx.getOrCreateContext();
  }
}
