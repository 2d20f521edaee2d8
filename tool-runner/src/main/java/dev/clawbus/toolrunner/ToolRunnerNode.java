package dev.clawbus.toolrunner;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.kafka.KafkaTopics;
import dev.clawbus.toolrunner.NodeOptions.NodeSettings;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running {@code clawbus node}: a clustered Vert.x (a Hazelcast member of the clawbus cluster) with the
 * {@link ToolRunnerVerticle} and nothing else — no HTTP API, no Kafka consumer. Audit records go to Kafka directly
 * when {@code --kafka} is given, otherwise over the cluster to a serve node's {@link AuditWriterVerticle}.
 */
public final class ToolRunnerNode implements AutoCloseable {
  private final Vertx vertx;
  private final NodeSettings settings;
  private final List<String> warnings;

  private ToolRunnerNode(Vertx vertx, NodeSettings settings, List<String> warnings) {
    this.vertx = vertx;
    this.settings = settings;
    this.warnings = warnings;
  }

  /** Starts the node; blocking, so call it from a plain thread. Fails with a one-line message. */
  public static ToolRunnerNode start(NodeSettings s) throws Exception {
    List<String> warnings = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    ExecSigner signer = ExecSigner.fromFile(s.secretFile(), clock);
    if (ExecSigner.readableByOthers(s.secretFile())) {
      warnings.add("the exec secret file " + s.secretFile() + " is readable by other users (chmod 600 it)");
    }
    PathLookup lookup = PathLookup.system();
    ExecPolicy policy = switch (s.policy()) {
      case DENY -> ExecPolicy.deny(s.name());
      case FULL -> ExecPolicy.full(s.name());
      case ALLOWLIST -> {
        AllowList list = AllowList.load(s.allowFile(), lookup::find);
        warnings.addAll(list.warnings());
        if (list.size() == 0) {
          warnings.add("the allowlist " + s.allowFile() + " allows nothing");
        }
        yield ExecPolicy.allowlist(s.name(), list);
      }
    };
    Vertx vertx = null;
    try {
      vertx = ClusterSetup.clusteredVertx(s.cluster()).await(60, TimeUnit.SECONDS);
      AuditLog audit;
      if (s.kafka() != null) {
        KafkaTopics.ensure(vertx, s.kafka(), ClawbusConfig.defaults().requestPartitions()).await(30, TimeUnit.SECONDS);
        audit = AuditLog.kafka(vertx, s.kafka());
      } else {
        audit = AuditLog.bus(vertx, Duration.ofSeconds(10));
      }
      ToolRunnerVerticle.Setup setup = new ToolRunnerVerticle.Setup(s.name(), s.workdir(), policy, s.maxOutputBytes(),
          s.maxConcurrent(), signer, audit, lookup, clock, NodeRegistry.DEFAULT_STALE_AFTER);
      vertx.deployVerticle(new ToolRunnerVerticle(setup)).await(60, TimeUnit.SECONDS);
      return new ToolRunnerNode(vertx, s, List.copyOf(warnings));
    } catch (Exception e) {
      if (vertx != null) {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
      throw e;
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeSettings settings() {
    return settings;
  }

  /** Things worth telling the operator at start (allowlist lines skipped, a secret file others can read). */
  public List<String> warnings() {
    return warnings;
  }

  /** Kills running commands (their callers get 503), marks the node as left, and leaves the cluster. */
  @Override
  public void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
  }
}
