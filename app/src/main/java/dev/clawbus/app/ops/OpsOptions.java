package dev.clawbus.app.ops;

import dev.clawbus.infra.ops.Times;
import dev.clawbus.infra.tenancy.Tenant;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of the operator commands ({@code dlq}, {@code replay}, {@code inspect}), parsed and checked; a mistake
 * is an {@link IllegalArgumentException} with a message for people. Common to all: {@code --url URL} (default
 * {@value #DEFAULT_URL}) and {@code --admin-key KEY} (default: the environment's {@value #KEY_ENV}).
 */
record OpsOptions(URI url, String adminKey, boolean json, Long since, Long until, String tenant, boolean dryRun,
    boolean force, int limit, List<String> positional) {

  static final String DEFAULT_URL = "http://127.0.0.1:8003";
  static final String KEY_ENV = "CLAWBUS_ADMIN_KEY";
  static final String COMMON = """
        --url URL          the clawbus node's HTTP address (default %s)
        --admin-key KEY    an admin key (default: $%s); not needed on loopback without keys
      """.formatted(DEFAULT_URL, KEY_ENV);

  /**
   * Parses {@code args}, accepting only the flags in {@code allowed} (besides {@code --url}, {@code --admin-key}).
   * Times are ISO-8601, epoch milliseconds or a time ago ({@code 30m}, {@code 1h}).
   */
  static OpsOptions parse(List<String> args, Set<String> allowed, Map<String, String> env, Clock clock) {
    URI url = url(DEFAULT_URL);
    String key = env.get(KEY_ENV);
    boolean json = false;
    boolean dryRun = false;
    boolean force = false;
    Long since = null;
    Long until = null;
    String tenant = null;
    int limit = 100;
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--") && !a.equals("--url") && !a.equals("--admin-key") && !allowed.contains(a)) {
        throw new IllegalArgumentException("unknown option " + a);
      }
      switch (a) {
        case "--url" -> url = url(value(args, ++i, a));
        case "--admin-key" -> key = value(args, ++i, a);
        case "--json" -> json = true;
        case "--dry-run" -> dryRun = true;
        case "--force" -> force = true;
        case "--since" -> since = time(value(args, ++i, a), a, clock);
        case "--until" -> until = time(value(args, ++i, a), a, clock);
        case "--tenant" -> {
          tenant = value(args, ++i, a);
          if (!Tenant.NAME.matcher(tenant).matches()) {
            throw new IllegalArgumentException("--tenant: 1-64 letters, digits, dots, underscores or dashes");
          }
        }
        case "--limit" -> {
          String v = value(args, ++i, a);
          try {
            limit = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            limit = 0;
          }
          if (limit < 1 || limit > 1000) throw new IllegalArgumentException("--limit: a whole number from 1 to 1000");
        }
        default -> {
          if (a.startsWith("-")) throw new IllegalArgumentException("unknown option " + a);
          positional.add(a);
        }
      }
    }
    if (since != null && until != null && until <= since) {
      throw new IllegalArgumentException("--until must be later than --since");
    }
    if (key != null && key.isBlank()) key = null;
    return new OpsOptions(url, key, json, since, until, tenant, dryRun, force, limit, List.copyOf(positional));
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) throw new IllegalArgumentException(flag + " needs a value");
    return args.get(i);
  }

  private static Long time(String v, String flag, Clock clock) {
    try {
      return Times.parse(v, clock);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage());
    }
  }

  private static URI url(String v) {
    try {
      URI u = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
      if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url: '" + v + "' is not an http(s) URL like " + DEFAULT_URL);
    }
  }
}
