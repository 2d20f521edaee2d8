package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Bearer-key authentication; the key names the tenant that fair scheduling shares vLLM among. Without
 * configured keys (loopback only) everyone is let in and may name a tenant in {@code X-Clawbus-Tenant}.
 */
final class ApiKeyAuth implements Handler<RoutingContext> {
  static final String TENANT = "clawbus.tenant";
  private static final String TENANT_HEADER = "X-Clawbus-Tenant";

  private final Map<String, String> keys;

  ApiKeyAuth(Map<String, String> keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (keys.isEmpty()) {
      String t = ctx.request().getHeader(TENANT_HEADER);
      ctx.put(TENANT, t == null || t.isBlank() || t.length() > 64 ? "default" : t);
      ctx.next();
      return;
    }
    String auth = ctx.request().getHeader("authorization");
    String key = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
    String tenant = key == null ? null : lookup(key);
    if (tenant == null) {
      HttpErrors.send(ctx.response(), OpenAiError.unauthorized());
      return;
    }
    ctx.put(TENANT, tenant);
    ctx.next();
  }

  /** Constant-time comparison, so response timing does not leak key prefixes. */
  private String lookup(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Map.Entry<String, String> e : keys.entrySet()) {
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) found = e.getValue();
    }
    return found;
  }
}
