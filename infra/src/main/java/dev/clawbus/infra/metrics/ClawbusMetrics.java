package dev.clawbus.infra.metrics;

import dev.clawbus.infra.contract.OpenAiError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The metrics of one clawbus node: one Prometheus registry shared by every verticle ({@link #of(Vertx)}), with JVM,
 * Vert.x and Kafka client meters and clawbus's own, per tenant. Instrumentation points are typed methods; meters are
 * built once per tenant and cached, so recording costs a map lookup and an increment.
 *
 * <p>Metric names (Prometheus form): {@code clawbus_requests_total{tenant,outcome}},
 * {@code clawbus_prompt_tokens_total{tenant}}, {@code clawbus_completion_tokens_total{tenant}},
 * {@code clawbus_queue_wait_seconds{tenant}} (histogram), {@code clawbus_time_to_first_token_seconds{tenant}}
 * (histogram), {@code clawbus_tokens_per_second{tenant}} (summary), {@code clawbus_errors_total{tenant,kind}},
 * {@code clawbus_rejected_total{tenant,reason}} (429s), {@code clawbus_tenant_queued{tenant}},
 * {@code clawbus_tenant_running{tenant}}; node-wide {@code clawbus_inflight}, {@code clawbus_queued},
 * {@code clawbus_retries_total}, {@code clawbus_continuations_total}, {@code clawbus_takeovers_total},
 * {@code clawbus_journal_entries_total}, {@code clawbus_duplicates_cancelled_total}.
 */
public final class ClawbusMetrics implements Shareable, AutoCloseable {
  /** Tenants beyond this many distinct names (open mode lets clients name any) are counted as {@code other}. */
  public static final int MAX_TENANT_TAGS = 200;
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String LOCAL_MAP = "clawbus.metrics";

  /** How a request ended. */
  public enum Outcome {
    DONE, FAILED, CANCELLED, REJECTED;

    final String tag = name().toLowerCase();
  }

  private final PrometheusMeterRegistry registry;
  private final Map<String, TenantMeters> tenants = new ConcurrentHashMap<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Counter retries;
  private final Counter continuations;
  private final Counter takeovers;
  private final Counter journalEntries;
  private final Counter duplicatesCancelled;
  private final MultiGauge tenantQueued;
  private final MultiGauge tenantRunning;
  private volatile Supplier<Map<String, int[]>> tenantCounts;
  private final String registryName = "clawbus-" + System.identityHashCode(this);

  private ClawbusMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    retries = Counter.builder("clawbus.retries").description("vLLM calls retried after a failure").register(registry);
    continuations = Counter.builder("clawbus.continuations")
        .description("answers continued from the text so far after vLLM broke off").register(registry);
    takeovers = Counter.builder("clawbus.takeovers")
        .description("requests taken over from a node that left the cluster").register(registry);
    journalEntries = Counter.builder("clawbus.journal.entries").description("events written to the journal")
        .register(registry);
    duplicatesCancelled = Counter.builder("clawbus.duplicates.cancelled")
        .description("vLLM calls started ahead of the dedupe claim and cancelled: the request named another")
        .register(registry);
    tenantQueued = MultiGauge.builder("clawbus.tenant.queued").description("requests waiting, per tenant")
        .register(registry);
    tenantRunning = MultiGauge.builder("clawbus.tenant.running").description("requests at vLLM, per tenant")
        .register(registry);
  }

  /** A registry of its own with JVM meters; give it to {@link #vertxMetricsFactory()} and {@link #attach}. */
  public static ClawbusMetrics create() {
    return new ClawbusMetrics();
  }

  /** The node's metrics: the instance attached to this Vert.x, or a new one attached now. */
  public static ClawbusMetrics of(Vertx vertx) {
    LocalMap<String, ClawbusMetrics> m = vertx.sharedData().getLocalMap(LOCAL_MAP);
    ClawbusMetrics existing = m.get("node");
    if (existing != null) return existing;
    ClawbusMetrics created = create();
    existing = m.putIfAbsent("node", created);
    if (existing != null) {
      created.close();
      return existing;
    }
    return created;
  }

  /** Makes {@code metrics} the one {@link #of(Vertx)} returns (call when the Vert.x instance is built). */
  public static void attach(Vertx vertx, ClawbusMetrics metrics) {
    vertx.sharedData().<String, ClawbusMetrics>getLocalMap(LOCAL_MAP).put("node", metrics);
  }

  /** Shared as is between verticles (it is thread-safe). */
  @Override
  public Shareable copy() {
    return this;
  }

  /**
   * Vert.x options that turn on its Micrometer metrics (HTTP server and client, event bus, pools) with labels of
   * bounded cardinality: no request paths, no event-bus addresses (one per request would be unbounded).
   */
  public MetricsOptions vertxMetricsOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false).setRegistryName(registryName)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE,
            Label.EB_FAILURE));
  }

  /** For {@code Vertx.builder().withMetrics(...)}: Vert.x's meters go into this registry. */
  public VertxMetricsFactory vertxMetricsFactory() {
    return new MicrometerMetricsFactory(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Kafka producer metrics (of a Vert.x producer: pass {@code producer.unwrap()}); closing the result unbinds. */
  public AutoCloseable bindKafkaProducer(org.apache.kafka.clients.producer.Producer<?, ?> producer) {
    return bind(new KafkaClientMetrics(producer));
  }

  /** Kafka consumer metrics (of a Vert.x consumer: pass {@code consumer.unwrap()}); closing the result unbinds. */
  public AutoCloseable bindKafkaConsumer(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
    return bind(new KafkaClientMetrics(consumer));
  }

  private AutoCloseable bind(KafkaClientMetrics k) {
    k.bindTo(registry);
    synchronized (closeables) {
      closeables.add(k);
    }
    return () -> {
      k.close();
      synchronized (closeables) {
        closeables.remove(k);
      }
    };
  }

  /** Gauge of requests in flight at vLLM from this node (e.g. the cluster cap's in-use count). */
  public void inflight(IntSupplier s) {
    Gauge.builder("clawbus.inflight", s, IntSupplier::getAsInt).description("requests in flight at vLLM from this node")
        .strongReference(true).register(registry);
  }

  /** Gauge of requests waiting on this node (the fair queue's size). */
  public void queued(IntSupplier s) {
    Gauge.builder("clawbus.queued", s, IntSupplier::getAsInt).description("requests waiting on this node")
        .strongReference(true).register(registry);
  }

  /** Per-tenant {queued, running} counts (the fair queue's {@code counts()}), read at each scrape. */
  public void tenantCounts(Supplier<Map<String, int[]>> counts) {
    this.tenantCounts = counts;
  }

  /** The meters of one tenant (cached; hold on to it for the life of a request). */
  public TenantMeters tenant(String name) {
    TenantMeters t = tenants.get(name);
    if (t != null) return t;
    if (tenants.size() >= MAX_TENANT_TAGS) return tenants.computeIfAbsent("other", n -> new TenantMeters(registry, n));
    return tenants.computeIfAbsent(name, n -> new TenantMeters(registry, n));
  }

  public void retry() {
    retries.increment();
  }

  public void continuation() {
    continuations.increment();
  }

  public void takeover() {
    takeovers.increment();
  }

  /** A request started ahead of its claims turned out to name another one: its vLLM call was cancelled. */
  public void duplicateCancelled() {
    duplicatesCancelled.increment();
  }

  /** How many vLLM calls were started ahead and cancelled as duplicates. */
  public double duplicatesCancelled() {
    return duplicatesCancelled.count();
  }

  public void journalEntries(int n) {
    journalEntries.increment(n);
  }

  /** The Prometheus text of everything (format 0.0.4). */
  public String scrape() {
    Supplier<Map<String, int[]>> counts = tenantCounts;
    if (counts != null) {
      Map<String, int[]> c = counts.get();
      List<MultiGauge.Row<?>> q = new ArrayList<>(c.size());
      List<MultiGauge.Row<?>> r = new ArrayList<>(c.size());
      c.forEach((tenant, qr) -> {
        q.add(MultiGauge.Row.of(Tags.of("tenant", tenant), qr[0]));
        r.add(MultiGauge.Row.of(Tags.of("tenant", tenant), qr[1]));
      });
      tenantQueued.register(q, true);
      tenantRunning.register(r, true);
    }
    return registry.scrape();
  }

  /**
   * {@code GET /metrics}: the Prometheus text, when {@code allowed} says the caller may see it (an admin key when keys
   * are configured: the ingress decides and passes the decision); otherwise 401 in OpenAI's error shape. The scrape
   * runs off the event loop.
   */
  public Handler<RoutingContext> handler(Predicate<RoutingContext> allowed) {
    return ctx -> {
      if (!allowed.test(ctx)) {
        OpenAiError e = new OpenAiError(401, "invalid_request_error", "invalid_api_key", null,
            "The metrics need an admin key: send it as 'Authorization: Bearer <key>'.");
        ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
            .end(e.body().encode());
        return;
      }
      ctx.vertx().executeBlocking(this::scrape, false).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.response().putHeader("content-type", CONTENT_TYPE).end(ar.result());
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  @Override
  public void close() {
    synchronized (closeables) {
      for (AutoCloseable c : closeables) {
        try {
          c.close();
        } catch (Exception e) {
          // closing meters must not stop a shutdown
        }
      }
      closeables.clear();
    }
    registry.close();
  }
}
