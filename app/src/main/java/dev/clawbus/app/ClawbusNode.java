package dev.clawbus.app;

import dev.clawbus.dispatcher.RunnerVerticle;
import dev.clawbus.dispatcher.SchedulerVerticle;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.node.NodeServices;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.journal.JournalRebuilder;
import dev.clawbus.broker.EmbeddedKafka;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.kafka.KafkaTopics;
import dev.clawbus.sim.SimOptions;
import dev.clawbus.sim.VllmSimulator;
import dev.clawbus.ingress.IngressVerticle;
import dev.clawbus.transformer.ReplayVerticle;
import dev.clawbus.transformer.TransformerVerticle;
import dev.clawbus.toolrunner.AuditWriterVerticle;
import dev.clawbus.toolrunner.ExecClient;
import dev.clawbus.toolrunner.ExecSigner;
import dev.clawbus.toolrunner.NodeRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One clawbus node: the embedded broker (unless an external Kafka is given), a clustered Vert.x on
 * Hazelcast, optionally the vLLM simulator, and the pipeline's verticles. {@code clawbus serve} runs
 * one; end-to-end tests start them in-process.
 */
public final class ClawbusNode implements AutoCloseable {
  static final int INGRESS_INSTANCES = Math.max(2, Runtime.getRuntime().availableProcessors());

  /** Runners per node: per-token work spreads over the event loops. */
  static final int RUNNER_INSTANCES = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final ClawbusConfig config;
  private final Vertx vertx;
  private final NodeServices services;
  private final EmbeddedKafka kafka;
  private final VllmSimulator sim;
  private final int port;
  private final ExecClient exec;
  private final List<String> warnings;

  private ClawbusNode(ClawbusConfig config, Vertx vertx, NodeServices services, EmbeddedKafka kafka,
      VllmSimulator sim, int port, ExecClient exec, List<String> warnings) {
    this.config = config;
    this.vertx = vertx;
    this.services = services;
    this.kafka = kafka;
    this.sim = sim;
    this.port = port;
    this.exec = exec;
    this.warnings = warnings;
  }

  /** Starts a node; blocking, so call it from a plain thread. Fails with a one-line message. */
  public static ClawbusNode start(ClawbusConfig cfg) throws Exception {
    if (cfg.port() != 0) {
      ensurePortFree(cfg.host(), cfg.port());
    }
    List<String> warnings = new ArrayList<>();
    // The exec secret is read once, here, before anything starts: a bad file stops serve with one line naming it.
    ExecSigner signer = null;
    if (!cfg.execSecretFile().isBlank()) {
      Path secret = Path.of(cfg.execSecretFile());
      signer = ExecSigner.fromFile(secret, Clock.systemUTC());
      if (ExecSigner.readableByOthers(secret)) {
        warnings.add("the exec secret file " + secret + " is readable by other users (chmod 600 it)");
      }
    }
    EmbeddedKafka kafka = null;
    Vertx vertx = null;
    NodeServices services = null;
    ExecClient exec = null;
    try {
      if (cfg.embeddedKafka()) {
        kafka = EmbeddedKafka.start(cfg.dataDir().resolve("kafka"), 0);
        cfg = cfg.with(ClawbusConfig.KAFKA, kafka.bootstrapServers());
      }
      vertx = await(ClusterSetup.clusteredVertx(cfg));
      await(KafkaTopics.ensure(vertx, cfg.kafka(), cfg.requestPartitions()));
      VllmSimulator sim = null;
      if (cfg.sim()) {
        sim = new VllmSimulator(vertx, SimOptions.defaults().withPort(0).withStrict(true));
        await(sim.start());
        cfg = cfg.with(ClawbusConfig.VLLM_URL, sim.baseUrl());
      }
      if (cfg.port() == 0) {
        cfg = cfg.with(ClawbusConfig.PORT, LocalPorts.free(cfg.host()));
      }
      services = NodeServices.start(vertx, cfg);
      JournalRebuilder.rebuild(services.store(), services.journal(), services.replays(), cfg.kafka(),
          Duration.ofSeconds(30));
      if (signer != null) exec = new ExecClient(vertx, NodeRegistry.of(vertx), signer);
      deploy(vertx, services, exec);
      return new ClawbusNode(cfg, vertx, services, kafka, sim, cfg.port(), exec, List.copyOf(warnings));
    } catch (Exception e) {
      if (exec != null) exec.close();
      if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
      if (services != null) services.close();
      if (kafka != null) kafka.close();
      throw e;
    }
  }

  /**
   * The pipeline's verticles: the transformer (and its replays of dead letters), one runner per core and the scheduler that feeds them, and one
   * ingress instance per core (Vert.x shares the port among them), so HTTP parsing, SSE writes and per-token
   * work spread over the event loops instead of queueing on one; and the writer of node hosts' audit records.
   *
   * @param exec the node's exec client (the tool loop in the runners, {@code /v1/nodes/{name}/exec} in the
   *     ingress), or null when exec is off
   */
  static void deploy(Vertx vertx, NodeServices services, ExecClient exec) throws Exception {
    // Node hosts without their own Kafka send audit records here; a node runs nothing it could not audit.
    await(vertx.deployVerticle(new AuditWriterVerticle(services.config().kafka())));
    await(vertx.deployVerticle(new TransformerVerticle(services)));
    await(vertx.deployVerticle(new ReplayVerticle(services)));
    List<String> runners = new ArrayList<>();
    for (int i = 0; i < RUNNER_INSTANCES; i++) {
      String address = Addresses.runner(UUID.randomUUID().toString());
      await(vertx.deployVerticle(new RunnerVerticle(services, address, exec)));
      runners.add(address);
    }
    await(vertx.deployVerticle(new SchedulerVerticle(services, runners)));
    await(vertx.deployVerticle(() -> new IngressVerticle(services, exec), new DeploymentOptions()
        .setInstances(INGRESS_INSTANCES)));
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.await(60, TimeUnit.SECONDS);
  }

  private static void ensurePortFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new ConfigException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "); is another clawbus running? choose another --port");
    }
  }

  public ClawbusConfig config() { return config; }
  public Vertx vertx() { return vertx; }
  public int port() { return port; }
  public String url() { return "http://" + config.host() + ":" + port; }
  public VllmSimulator simulator() { return sim; }

  public NodeServices services() { return services; }
  /** Whether this node runs exec (it has the exec secret): {@code /v1/nodes/{name}/exec} and the tool loop. */
  public boolean execEnabled() { return exec != null; }
  /** Things worth telling the operator at start (a secret file others can read). */
  public List<String> warnings() { return warnings; }

  @Override
  public void close() {
    if (exec != null) exec.close();
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
    services.close();
    if (kafka != null) kafka.close();
  }
}
