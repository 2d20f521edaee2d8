package dev.clawbus.infra.tenancy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One tenant's share of the GPU: fair-queue weight and priority band, concurrency and queue caps, rate limits and the
 * models it may use. A limit of 0 means "no limit". Keys are not part of a tenant (see {@link Tenants}).
 *
 * @param name a name matching {@code [A-Za-z0-9._-]{1,64}} (it becomes part of request keys)
 * @param weight share of service inside its priority band (≥ 1; 2 gets twice the tokens of 1 under backlog)
 * @param priority band; a higher value is always served first (default 0, may be negative)
 * @param maxConcurrent most requests of this tenant running at vLLM at once, cluster-wide per node queue (0 = no cap)
 * @param maxQueued most requests of this tenant waiting, cluster-wide (0 = no cap)
 * @param rpm requests per minute (0 = unlimited)
 * @param tpm tokens per minute, prompt + completion (0 = unlimited)
 * @param models allowed model names; {@code *} matches any run of characters (default {@code ["*"]})
 * @param execNode node host that runs this tenant's exec tool calls (null = the cluster's default)
 */
public record Tenant(String name, int weight, int priority, int maxConcurrent, int maxQueued, int rpm, long tpm,
    List<String> models, String execNode) {

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** Tenant of requests made with an admin key. */
  public static final String ADMIN = "admin";
  /** Tenant of requests when no keys are configured and the client names none. */
  public static final String DEFAULT = "default";

  public Tenant {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("tenant name must match [A-Za-z0-9._-]{1,64}");
    }
    if (weight < 1) throw new IllegalArgumentException("weight must be at least 1");
    if (maxConcurrent < 0 || maxQueued < 0 || rpm < 0 || tpm < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
    models = List.copyOf(models == null ? List.of("*") : models);
  }

  /** A tenant with no limits, weight 1, priority 0, every model. */
  public static Tenant withDefaults(String name) {
    return new Tenant(name, 1, 0, 0, 0, 0, 0, List.of("*"), null);
  }

  /** Whether rpm or tpm applies (only such tenants cost a Hazelcast round trip at admission). */
  public boolean rateLimited() {
    return rpm > 0 || tpm > 0;
  }

  /** Whether admission has to consult cluster state for this tenant at all. */
  public boolean limited() {
    return rateLimited() || maxQueued > 0;
  }

  /** Whether the allow-list admits {@code model} ({@code *} matches any run of characters, case-sensitive). */
  public boolean allowsModel(String model) {
    if (model == null) return false;
    for (String p : models) {
      if (glob(p, model)) return true;
    }
    return false;
  }

  static boolean glob(String pattern, String s) {
    int p = 0;
    int i = 0;
    int star = -1;
    int mark = 0;
    while (i < s.length()) {
      if (p < pattern.length() && pattern.charAt(p) == '*') {
        star = p++;
        mark = i;
      } else if (p < pattern.length() && pattern.charAt(p) == s.charAt(i)) {
        p++;
        i++;
      } else if (star >= 0) {
        p = star + 1;
        i = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') p++;
    return p == pattern.length();
  }
}
