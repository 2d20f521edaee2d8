package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Bearer-key authentication; the key names the tenant whose requests it may see and that fair scheduling shares
 * vLLM among. Without configured keys (loopback only) everyone is let in and may name a tenant in
 * {@code X-Clawbus-Tenant}.
 */
final class ApiKeyAuth implements Handler<RoutingContext> {
  private static final String TENANT_HEADER = "X-Clawbus-Tenant";
  /** Tenant names become part of request keys: no slash, bounded. */
  static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Map<String, String> keys;

  ApiKeyAuth(Map<String, String> keys) {
    this.keys = keys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (keys.isEmpty()) {
      String t = ctx.request().getHeader(TENANT_HEADER);
      if (t != null && !TENANT.matcher(t).matches()) {
        HttpErrors.send(ctx.response(), OpenAiError.invalidRequest(null, "Invalid " + TENANT_HEADER
            + " header: 1-64 letters, digits, dots, underscores or dashes."));
        return;
      }
      ctx.put(Caller.KEY, new Caller(t == null ? "default" : t, false));
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
    ctx.put(Caller.KEY, new Caller(tenant, false));
    ctx.next();
  }

  /** Constant-time comparison over every key, so response timing does not leak key prefixes. */
  private String lookup(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Map.Entry<String, String> e : keys.entrySet()) {
      if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) found = e.getValue();
    }
    return found;
  }
}
