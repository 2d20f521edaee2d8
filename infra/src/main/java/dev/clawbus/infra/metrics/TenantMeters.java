package dev.clawbus.infra.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One tenant's meters, built once and cached by {@link ClawbusMetrics#tenant(String)}. */
public final class TenantMeters {
  /** Histogram buckets (seconds) of queue wait and time to first token: what an alert on p95 needs. */
  static final Duration[] SECONDS_BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120),
      Duration.ofSeconds(300)};
  private static final int MAX_KINDS = 50;

  private final MeterRegistry registry;
  private final String tenant;
  private final Counter[] outcomes = new Counter[ClawbusMetrics.Outcome.values().length];
  private final Counter promptTokens;
  private final Counter completionTokens;
  private final Timer queueWait;
  private final Timer timeToFirstToken;
  private final DistributionSummary tokensPerSecond;
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

  TenantMeters(MeterRegistry registry, String tenant) {
    this.registry = registry;
    this.tenant = tenant;
    for (ClawbusMetrics.Outcome o : ClawbusMetrics.Outcome.values()) {
      outcomes[o.ordinal()] = Counter.builder("clawbus.requests").description("requests by how they ended")
          .tag("tenant", tenant).tag("outcome", o.tag).register(registry);
    }
    promptTokens = Counter.builder("clawbus.prompt.tokens").description("prompt tokens of finished requests")
        .tag("tenant", tenant).register(registry);
    completionTokens = Counter.builder("clawbus.completion.tokens").description("completion tokens generated")
        .tag("tenant", tenant).register(registry);
    queueWait = Timer.builder("clawbus.queue.wait").description("time from arrival to the start of the vLLM call")
        .tag("tenant", tenant).serviceLevelObjectives(SECONDS_BUCKETS).register(registry);
    timeToFirstToken = Timer.builder("clawbus.time.to.first.token")
        .description("time from arrival to the first token sent to the client").tag("tenant", tenant)
        .serviceLevelObjectives(SECONDS_BUCKETS).register(registry);
    tokensPerSecond = DistributionSummary.builder("clawbus.tokens.per.second")
        .description("completion tokens per second of generation, per request").tag("tenant", tenant)
        .register(registry);
  }

  public String tenant() {
    return tenant;
  }

  /** A request ended: how, and the tokens it used (from vLLM's usage; 0 when unknown). */
  public void finished(ClawbusMetrics.Outcome outcome, long promptTokens, long completionTokens) {
    outcomes[outcome.ordinal()].increment();
    if (promptTokens > 0) this.promptTokens.increment(promptTokens);
    if (completionTokens > 0) this.completionTokens.increment(completionTokens);
  }

  /** The request waited this long before its vLLM call started. */
  public void queueWait(long millis) {
    queueWait.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  /** The first token reached the client this long after the request arrived. */
  public void timeToFirstToken(long millis) {
    timeToFirstToken.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  /** {@code completionTokens} were generated in {@code millis} from first to last token. */
  public void generation(long completionTokens, long millis) {
    if (completionTokens > 0 && millis > 0) tokensPerSecond.record(completionTokens * 1000.0 / millis);
  }

  /** An error of this kind (a short code such as {@code vllm_unreachable}, {@code stall}, {@code vllm_5xx}). */
  public void error(String kind) {
    counter(errors, "clawbus.errors", "kind", kind, "errors by kind").increment();
  }

  /** A 429: the admission outcome's name ({@code rpm}, {@code tpm}, {@code queue_full}, …). */
  public void rejected(String reason) {
    counter(rejected, "clawbus.rejected", "reason", reason, "requests refused with 429, by reason").increment();
  }

  private Counter counter(Map<String, Counter> cache, String name, String tag, String value, String description) {
    Counter c = cache.get(value);
    if (c != null) return c;
    String v = cache.size() >= MAX_KINDS ? "other" : clean(value);
    return cache.computeIfAbsent(value, k -> Counter.builder(name).description(description).tag("tenant", tenant)
        .tag(tag, v).register(registry));
  }

  private static String clean(String s) {
    String v = s == null ? "unknown" : s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return v.isEmpty() ? "unknown" : v.length() > 40 ? v.substring(0, 40) : v;
  }
}
