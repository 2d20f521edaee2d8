package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Other {@code /v1/*} endpoints (completions, embeddings, tokenize, …) go to vLLM as they are: clawbus
 * adds durability to chat completions and stays out of the way of the rest.
 */
final class PassThroughHandler implements Handler<RoutingContext> {
  private static final Set<String> FORWARDED = Set.of("content-type", "accept", "traceparent", "user-agent");

  private final HttpClient http;
  private final VllmEndpoint endpoint;

  PassThroughHandler(HttpClient http, VllmEndpoint endpoint) {
    this.http = http;
    this.endpoint = endpoint;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest in = ctx.request();
    http.request(endpoint.options(in.method(), in.uri()).setTimeout(600_000))
        .compose(req -> {
          in.headers().forEach((k, v) -> {
            if (FORWARDED.contains(k.toLowerCase())) req.putHeader(k, v);
          });
          return ctx.body().isEmpty() ? req.send() : req.send(ctx.body().buffer());
        })
        .onSuccess(resp -> {
          ctx.response().setStatusCode(resp.statusCode());
          String ct = resp.getHeader("content-type");
          if (ct != null) ctx.response().putHeader("content-type", ct);
          resp.pipeTo(ctx.response());
        })
        .onFailure(err -> HttpErrors.send(ctx.response(), OpenAiError.server(502, "vllm_unreachable",
            "vLLM at " + endpoint.url() + " is unreachable: " + err.getMessage())));
  }
}
