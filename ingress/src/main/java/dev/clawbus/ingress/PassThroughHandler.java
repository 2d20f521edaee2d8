package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.vllm.VllmEndpoint;
import dev.clawbus.infra.vllm.VllmErrors;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/**
 * The documented vLLM endpoints that clawbus passes through as they are, after the client's key was checked:
 * clawbus adds durability to chat completions and Responses and stays out of the way of these. Nothing else is
 * forwarded: any other path is clawbus's own 404. A vLLM error comes back in OpenAI's error shape.
 */
final class PassThroughHandler implements Handler<RoutingContext> {
  /** POST endpoints of vLLM's OpenAI-compatible server that are forwarded. */
  static final List<String> FORWARDED_PATHS = List.of("/v1/completions", "/v1/embeddings", "/tokenize",
      "/detokenize", "/v1/score", "/v1/rerank", "/pooling", "/classify");
  private static final Set<String> FORWARDED_HEADERS = Set.of("content-type", "accept", "traceparent", "user-agent");

  private final HttpClient http;
  private final VllmEndpoint endpoint;

  PassThroughHandler(HttpClient http, VllmEndpoint endpoint) {
    this.http = http;
    this.endpoint = endpoint;
  }

  void mount(Router router) {
    for (String path : FORWARDED_PATHS) {
      router.post(path).handler(this);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest in = ctx.request();
    http.request(endpoint.options(in.method(), in.path()).setTimeout(600_000))
        .compose(req -> {
          in.headers().forEach((k, v) -> {
            if (FORWARDED_HEADERS.contains(k.toLowerCase())) req.putHeader(k, v);
          });
          return ctx.body().isEmpty() ? req.send() : req.send(ctx.body().buffer());
        })
        .onSuccess(resp -> {
          if (resp.statusCode() >= 400) {
            resp.body().onComplete(b -> HttpErrors.send(ctx.response(),
                VllmErrors.fromResponse(resp.statusCode(), b.succeeded() ? b.result() : null)));
            return;
          }
          ctx.response().setStatusCode(resp.statusCode());
          String ct = resp.getHeader("content-type");
          if (ct != null) ctx.response().putHeader("content-type", ct);
          resp.pipeTo(ctx.response());
        })
        .onFailure(err -> HttpErrors.send(ctx.response(), OpenAiError.server(502, "vllm_unreachable",
            "vLLM at " + endpoint.url() + " is unreachable.")));
  }
}
