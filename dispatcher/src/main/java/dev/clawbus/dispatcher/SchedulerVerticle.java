package dev.clawbus.dispatcher;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.RunCommand;
import dev.clawbus.infra.contract.RunEnded;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.lifecycle.Transition;
import dev.clawbus.infra.limits.ClusterCap;
import dev.clawbus.infra.limits.MaxInflight;
import dev.clawbus.infra.limits.VllmMetricsPoller;
import dev.clawbus.infra.metrics.ClawbusMetrics;
import dev.clawbus.infra.node.NodeServices;
import dev.clawbus.infra.tenancy.Tenant;
import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where and when the requests of this node run: the requests it accepted ({@link Addresses#DISPATCH})
 * and the ones it takes over. Requests wait in a {@link FairQueue} (priority bands first, then weighted fairness
 * across tenants counted in tokens, first come first served within a tenant) and start only while this node holds
 * a slot of the cluster-wide cap ({@link ClusterCap}: no more requests in flight at vLLM than {@code --max-inflight}
 * across all nodes, and none while vLLM reports saturation); then they are handed to the node's runners. When a member leaves the cluster, every node looks for the requests it held
 * and one of them (the store's compare-and-set decides) takes each over at once; the Kafka consumer group
 * ({@link KafkaIntake}) is the slower path that finds anything else, and commits each request's offset once it
 * is terminal. One instance per node.
 */
public final class SchedulerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);
  /** How often this node's share of the cluster-wide cap is brought up to date (and at once when it needs more). */
  static final long CAP_SYNC_MILLIS = 200;
  static final long SATURATION_POLL_MILLIS = 1_000;
  /** vLLM's KV cache at least this full counts as saturated: new work waits here, not in vLLM's own queue. */
  static final double KV_CACHE_SATURATED = 0.95;

  /** A request waiting for, or holding, a slot. */
  private static final class Job {
    final RequestEnvelope envelope;
    final boolean fresh;
    final boolean resumed;
    Job(RequestEnvelope envelope, boolean fresh, boolean resumed) {
      this.envelope = envelope;
      this.fresh = fresh;
      this.resumed = resumed;
    }
  }

  private final NodeServices node;
  private final List<String> runners;
  private final Map<String, Job> running = new HashMap<>();
  private FairQueue<Job> queue;
  private ClusterCap cap;
  private VllmMetricsPoller saturation;
  private HttpClient http;
  private KafkaIntake intake;
  private UUID membershipListener;
  private int nextRunner;

  public SchedulerVerticle(NodeServices node, List<String> runnerAddresses) {
    this.node = node;
    this.runners = List.copyOf(runnerAddresses);
  }

  @Override
  public Future<?> start() {
    queue = new FairQueue<>();
    MaxInflight max = node.config().maxInflight();
    cap = new ClusterCap(vertx, node.hazelcast(), max.fixed(), () -> queue.queued(), () -> pump(null),
        CAP_SYNC_MILLIS);
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000));
    saturation = new VllmMetricsPoller(vertx, http, VllmEndpoint.parse(node.config().vllmUrl()), SATURATION_POLL_MILLIS,
        VllmMetricsPoller.applyTo(cap, max, KV_CACHE_SATURATED));
    ClawbusMetrics metrics = node.metrics();
    metrics.inflight(() -> queue.running());
    metrics.queued(() -> queue.queued());
    metrics.tenantCounts(() -> queue.counts());
    var bus = vertx.eventBus();
    Future<Void> a = bus.<RequestEnvelope>localConsumer(Addresses.DISPATCH, m -> admit(new Job(m.body(), true, false)))
        .completion();
    Future<Void> b = bus.<RunEnded>localConsumer(Addresses.RUN_ENDED, m -> ended(m.body())).completion();
    Future<Void> c = bus.<String>consumer(Addresses.CANCEL, m -> cancelled(m.body())).completion();
    membershipListener = node.hazelcast().getCluster().addMembershipListener(new MembershipListener() {
      @Override public void memberAdded(MembershipEvent e) {}
      @Override public void memberRemoved(MembershipEvent e) {
        String dead = e.getMember().getUuid().toString();
        context.runOnContext(v -> takeOverFrom(dead));
      }
    });
    Future<Void> d = Future.succeededFuture();
    if (node.config().durable() && node.producer() != null) {
      intake = new KafkaIntake(vertx, node, this::takeOver);
      d = intake.start();
    }
    return Future.all(a, b, c, d);
  }

  @Override
  public Future<?> stop() {
    if (membershipListener != null) node.hazelcast().getCluster().removeMembershipListener(membershipListener);
    saturation.close();
    return Future.all(cap.close(), intake == null ? Future.succeededFuture() : intake.stop()).eventually(http::close);
  }

  private Tenant tenantOf(Job job) {
    return node.tenants().tenant(job.envelope.tenant());
  }

  private void admit(Job job) {
    String key = job.envelope.key();
    if (!queue.add(key, tenantOf(job), job, job.envelope.estimatedTokens())) return; // queued or running already
    pump(job);
  }

  /** Starts what the fair order says, while this node holds slots of the cluster-wide cap. */
  private void pump(Job admitted) {
    while (queue.queued() > 0 && cap.tryAcquire()) {
      Job job = queue.next();
      if (job == null) {
        cap.release(); // what waits is held back by its tenant's max_concurrent
        return;
      }
      String key = job.envelope.key();
      running.put(key, job);
      Tenant tenant = tenantOf(job);
      node.limits().left(tenant, key);
      node.metrics().tenant(tenant.name()).queueWait(System.currentTimeMillis() - job.envelope.receivedAt());
      String runner = runners.get(Math.floorMod(nextRunner++, runners.size()));
      // Only a request admitted the moment it arrived races its vLLM call against being marked running;
      // anything that waited is marked first, so a cancel while it waited is never overtaken.
      vertx.eventBus().send(runner, new RunCommand(job.envelope, job == admitted && job.fresh, job.resumed));
    }
  }

  private void ended(RunEnded e) {
    Job job = running.remove(e.key());
    if (job != null) {
      queue.release(e.key(), e.actualTokens() > 0 ? e.actualTokens() : job.envelope.estimatedTokens());
      cap.release();
      node.limits().finished(tenantOf(job), job.envelope.estimatedTokens(), e.actualTokens());
    }
    if (intake != null) intake.runEnded(e.key(), e.status());
    pump(null);
  }

  /** A cancel (the store already says so): a request still waiting here leaves the queue. */
  private void cancelled(String key) {
    Job job = queue.queuedJob(key);
    if (job != null && queue.remove(key)) {
      node.limits().left(tenantOf(job), key);
    }
  }

  /** A member left: the requests it held are taken over, one taker each. */
  private void takeOverFrom(String deadMember) {
    node.store().heldBy(deadMember).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("requests of departed member {} unreadable: {}", deadMember, ar.cause().toString());
        return;
      }
      for (RequestRecord rec : ar.result()) {
        if (intake == null) continue;
        intake.envelopeOf(rec).onComplete(env -> {
          if (env.succeeded()) {
            takeOver(rec, env.result());
          } else {
            LOG.info("request {}: left to the consumer group ({})", rec.key(), env.cause().getMessage());
          }
        });
      }
    });
  }

  /** Takes {@code record} over from its dead holder (null: it has no record), and runs it here. */
  private void takeOver(RequestRecord record, RequestEnvelope env) {
    long now = System.currentTimeMillis();
    ErrorInfo cancelled = ErrorInfo.of(OpenAiError.cancelled());
    Future<dev.clawbus.infra.lifecycle.Lifecycle.Outcome> taken = record == null
        ? node.store().create(RequestRecord.queued(env, node.member(), node.nodeName()))
        : node.store().apply(env.key(), new Transition.Takeover(record.owner(), node.member(), node.nodeName(),
            cancelled, now));
    taken.onComplete(ar -> {
      if (ar.failed() || !ar.result().ok()) return; // another node took it, or it ended meanwhile
      RequestRecord now2 = ar.result().record();
      node.eventLog().timeline(env.key(), new TimelineEvent(now, "takeover", node.nodeName(),
          record == null ? "no record" : "from " + record.node()));
      if (now2.status() == Status.CANCELLED) {
        OpenAiError e = OpenAiError.cancelled();
        node.journal().endWithError(env.key(), e.status(), e.body().encode(), now2.finishedAt());
        if (intake != null) intake.runEnded(env.key(), Status.CANCELLED);
        return;
      }
      LOG.info("request {}: taken over from {}", env.key(), record == null ? "nobody" : record.node());
      node.metrics().takeover();
      admit(new Job(env.withOwner(node.member(), null), false, record != null));
    });
  }
}
