package dev.clawbus.ingress;

import io.vertx.ext.web.RoutingContext;

/**
 * Who sent a request, as authentication established it: the tenant its key belongs to, and whether the key is
 * an admin key (which may see and cancel every tenant's requests).
 */
record Caller(String tenant, boolean admin) {
  static final String KEY = "clawbus.caller";

  static Caller of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
