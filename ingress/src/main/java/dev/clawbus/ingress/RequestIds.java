package dev.clawbus.ingress;

import dev.clawbus.infra.contract.IdGenerator;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Gives every request an id and every response an {@code X-Request-Id} header. A well-formed id sent
 * by the client is kept, so its logs and ours line up; anything else is replaced.
 */
final class RequestIds implements Handler<RoutingContext> {
  static final String KEY = "clawbus.requestId";
  /** True when the id came from the client: a later POST with it attaches to the same request. */
  static final String CLIENT_GIVEN = "clawbus.requestIdGiven";
  static final String HEADER = "X-Request-Id";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_\\-]{8,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    boolean valid = given != null && SAFE.matcher(given).matches();
    String id = valid ? given : newId();
    ctx.put(KEY, id);
    ctx.put(CLIENT_GIVEN, valid);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  static String newId() {
    return IdGenerator.newRequestId();
  }
}
