package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.tenancy.Principal;
import dev.clawbus.infra.tenancy.Tenant;
import dev.clawbus.infra.tenancy.Tenants;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Bearer-key authentication against the node's tenants (the tenants file, {@code --api-keys}, admin keys): the key
 * names the tenant whose requests it may see and that fair scheduling shares vLLM among, or an admin. Keys are
 * compared in constant time and never logged. Without configured keys (loopback only) everyone is let in and may
 * name a tenant in {@code X-Clawbus-Tenant}.
 */
final class ApiKeyAuth implements Handler<RoutingContext> {
  private static final String TENANT_HEADER = "X-Clawbus-Tenant";

  private final Tenants tenants;

  ApiKeyAuth(Tenants tenants) {
    this.tenants = tenants;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = authenticate(ctx);
    if (caller != null) {
      ctx.put(Caller.KEY, caller);
      ctx.next();
    }
  }

  /** The caller, or null after answering 400/401 itself. */
  Caller authenticate(RoutingContext ctx) {
    if (!tenants.keysConfigured()) {
      String t = ctx.request().getHeader(TENANT_HEADER);
      if (t != null && !Tenant.NAME.matcher(t).matches()) {
        HttpErrors.send(ctx.response(), OpenAiError.invalidRequest(null, "Invalid " + TENANT_HEADER
            + " header: 1-64 letters, digits, dots, underscores or dashes."));
        return null;
      }
      return new Caller(t == null ? Tenant.DEFAULT : t, false);
    }
    Optional<Principal> p = tenants.authenticateHeader(ctx.request().getHeader("authorization"));
    if (p.isEmpty()) {
      HttpErrors.send(ctx.response(), OpenAiError.unauthorized());
      return null;
    }
    return new Caller(p.get().tenantName(), p.get().admin());
  }

  /** Whether this request may read an admin-only resource: any caller when no keys exist (loopback), else admins. */
  boolean admin(RoutingContext ctx) {
    return adminCheck(ctx) == AdminCheck.ADMIN;
  }

  /** What an admin-only resource makes of this request's key: an admin, a tenant's key (403), or no known key (401). */
  enum AdminCheck { ADMIN, NOT_ADMIN, UNKNOWN_KEY }

  AdminCheck adminCheck(RoutingContext ctx) {
    if (!tenants.keysConfigured()) return AdminCheck.ADMIN;
    return tenants.authenticateHeader(ctx.request().getHeader("authorization"))
        .map(p -> p.admin() ? AdminCheck.ADMIN : AdminCheck.NOT_ADMIN).orElse(AdminCheck.UNKNOWN_KEY);
  }
}
