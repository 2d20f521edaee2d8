package dev.clawbus.infra.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.metrics.ClawbusMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hazelcast membership and the clustered Vert.x event bus of a clawbus node. Members find each other only through the
 * explicitly listed TCP addresses: no multicast, no cloud auto-detection, no call home, so a node on a laptop neither
 * joins strangers' clusters nor talks to the internet.
 */
public final class ClusterSetup {
  public static final String CLUSTER_NAME = "clawbus";

  /** Hazelcast reads this as a system property in code paths that do not see the instance's config. */
  private static final String PHONE_HOME = "hazelcast.phone.home.enabled";
  private static final String LOGGING_TYPE = "hazelcast.logging.type";

  private ClusterSetup() {}

  /**
   * Config of one member bound to {@code clusterHost:port} ({@code port} 0 = any free port) that joins
   * {@code members} (HOST:PORT each). Failure detection is tuned for loopback and LAN: a killed member is dropped
   * after about 5 s without heartbeats.
   */
  public static Config hazelcastConfig(String clusterHost, int port, List<String> members, String clusterName) {
    System.setProperty(PHONE_HOME, "false");
    // Some start-up warnings are logged before the instance's own config is read.
    if (System.getProperty(LOGGING_TYPE) == null) {
      System.setProperty(LOGGING_TYPE, "slf4j");
    }
    Config c = new Config();
    c.setClusterName(clusterName);

    c.setProperty(PHONE_HOME, "false");
    c.setProperty(LOGGING_TYPE, "slf4j");
    c.setProperty("hazelcast.health.monitoring.level", "OFF");
    // The owner (Vert.x's cluster manager, or our own close()) shuts the member down; a JVM hook racing it would
    // leave the event bus pointing at a dead member during shutdown.
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Bind to the cluster interface only, not to every interface of the machine.
    c.setProperty("hazelcast.local.localAddress", clusterHost);
    c.setProperty("hazelcast.socket.bind.any", "false");
    // Detection of dead members and of split clusters in seconds instead of minutes.
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // Join in about a second: the defaults wait 5-20 s for more members to show up before admitting one.
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "3");
    c.setProperty("hazelcast.graceful.shutdown.max.wait", "10");

    NetworkConfig net = c.getNetworkConfig();
    net.setPort(port);
    // A busy fixed port must fail loudly: silently moving to the next port would leave the other members' lists
    // pointing at the wrong member. Port 0 asks the system for a free port, so there is nothing to increment.
    net.setPortAutoIncrement(false);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    Set<String> all = new LinkedHashSet<>();
    if (port != 0) {
      all.add(clusterHost + ":" + port);
    }
    for (String m : members) {
      if (!m.isBlank()) {
        all.add(m.trim());
      }
    }
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(List.copyOf(all));

    // What Vert.x's default-cluster.xml declares for its own structures; a programmatic config must repeat it.
    c.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    c.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    c.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return c;
  }

  /**
   * A Vert.x instance that is a member of the clawbus cluster: Hazelcast on {@code cfg.clusterHost():clusterPort()}
   * joining {@code cfg.clusterMembers()}, event bus on the same host and a free port. {@code vertx.close()} leaves the
   * cluster and stops the Hazelcast member. Its metrics (Vert.x's and clawbus's) are in {@link ClawbusMetrics#of}.
   */
  public static Future<Vertx> clusteredVertx(ClawbusConfig cfg) {
    HazelcastCallbacks.install();
    Config hz = hazelcastConfig(cfg.clusterHost(), cfg.clusterPort(), cfg.clusterMembers(), CLUSTER_NAME);
    EventBusOptions bus = new EventBusOptions().setHost(cfg.clusterHost()).setPort(0)
        .setClusterPublicHost(cfg.clusterHost());
    ClawbusMetrics metrics = ClawbusMetrics.create();
    VertxOptions options = new VertxOptions().setEventBusOptions(bus).setMetricsOptions(metrics.vertxMetricsOptions());
    return Vertx.builder().with(options).withMetrics(metrics.vertxMetricsFactory())
        .withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
        .onSuccess(v -> ClawbusMetrics.attach(v, metrics))
        .onFailure(e -> metrics.close());
  }

  /** The Hazelcast member behind a Vert.x instance made by {@link #clusteredVertx}. */
  public static HazelcastInstance hazelcast(Vertx clusteredVertx) {
    ClusterManager cm = ((VertxInternal) clusteredVertx).clusterManager();
    if (!(cm instanceof HazelcastClusterManager hcm)) {
      throw new IllegalArgumentException("this Vert.x instance is not clustered with Hazelcast");
    }
    return hcm.getHazelcastInstance();
  }
}
