package dev.clawbus.infra.tenancy;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.Option;
import dev.clawbus.infra.config.Option.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of GPU sharing. They belong in {@link ClawbusConfig#SERVE_OPTIONS}; {@link #MAX_INFLIGHT} replaces
 * {@link ClawbusConfig#MAX_INFLIGHT} (same flag, now cluster-wide and accepting {@code auto}).
 */
public final class TenancyOptions {
  private TenancyOptions() {}

  public static final Option TENANTS = new Option("tenants", "CLAWBUS_TENANTS", "",
      "tenants file (JSON, or YAML for .yaml/.yml): keys, weights, priorities, limits per tenant", Kind.STRING);
  public static final Option ADMIN_KEYS = new Option("admin-keys", "CLAWBUS_ADMIN_KEYS", "",
      "comma-separated admin keys: every tenant's requests, /admin/* and /metrics", Kind.STRING);
  public static final Option MAX_INFLIGHT = new Option("max-inflight", "CLAWBUS_MAX_INFLIGHT", "256",
      "most requests in flight at vLLM for the whole cluster, or 'auto' (vLLM's max_num_seqs when its /metrics "
          + "shows it)", Kind.STRING);
  public static final Option MAX_QUEUED = new Option("max-queued", "CLAWBUS_MAX_QUEUED", "0",
      "most requests waiting for vLLM, all tenants together, cluster-wide (429 above; 0 = no limit)", Kind.INT);

  /** In --help order. */
  public static final List<Option> ALL = List.of(TENANTS, ADMIN_KEYS, MAX_INFLIGHT, MAX_QUEUED);

  /**
   * The node's tenants: the tenants file (if any) merged with {@code --api-keys} and {@code --admin-keys}. Throws a
   * one-line ConfigException for any mistake; call it when {@code serve} starts.
   */
  public static Tenants tenants(ClawbusConfig cfg) {
    String file = cfg.json().getString(TENANTS.key(), "");
    Tenants fromFile = file.isBlank() ? Tenants.open() : Tenants.load(Path.of(file));
    return fromFile.merge(Tenants.fromApiKeys(cfg.apiKeys(), adminKeys(cfg)));
  }

  public static List<String> adminKeys(ClawbusConfig cfg) {
    List<String> keys = new ArrayList<>();
    for (String k : cfg.json().getString(ADMIN_KEYS.key(), "").split(",")) {
      if (!k.isBlank()) keys.add(k.trim());
    }
    return keys;
  }

  /** {@code --max-queued}: 0 means no overall queue limit. */
  public static int maxQueued(ClawbusConfig cfg) {
    return cfg.json().getInteger(MAX_QUEUED.key(), 0);
  }
}
