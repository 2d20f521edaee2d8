package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reading request bodies: a JSON object, or a 400 in OpenAI's words. */
final class IngressBodies {
  private IngressBodies() {}

  /** The body as a JSON object; null after answering 400 when it is not one. */
  static JsonObject jsonObject(RoutingContext ctx) {
    JsonObject body = null;
    try {
      if (ctx.body().buffer() != null && ctx.body().length() > 0) {
        Object v = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
        body = v instanceof JsonObject o ? o : null;
      }
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      HttpErrors.send(ctx.response(), OpenAiError.invalidRequest(null, "We could not parse the JSON body of your "
          + "request. The OpenAI API expects a JSON object as the payload."));
    }
    return body;
  }
}
