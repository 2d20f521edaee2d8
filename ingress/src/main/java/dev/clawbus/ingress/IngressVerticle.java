package dev.clawbus.ingress;

import dev.clawbus.infra.Version;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.node.NodeServices;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.kafka.KafkaTopics;
import com.hazelcast.core.HazelcastInstance;
import dev.clawbus.infra.vllm.ModelCatalog;
import dev.clawbus.infra.vllm.VllmEndpoint;
import dev.clawbus.toolrunner.ExecClient;
import dev.clawbus.toolrunner.NodeRegistry;
import dev.clawbus.responses.StoredResponses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible HTTP API. It never calls vLLM for chat completions or responses: those go over the event
 * bus to the transformer and come back as events; it does read vLLM's model list and health, and passes
 * other {@code /v1/*} endpoints through.
 */
public final class IngressVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);

  private final NodeServices node;
  /** Runs commands on node hosts ({@code /v1/nodes/{name}/exec}); null when exec is off. */
  private final ExecClient exec;
  private ClawbusConfig config;
  private HttpClient http;
  private VllmEndpoint endpoint;
  private ModelCatalog catalog;
  private HttpServer server;
  private ConnectionGuard guard;
  private HazelcastInstance hz;
  private Router router;

  public IngressVerticle(NodeServices node) {
    this(node, null);
  }

  /** @param exec the node's exec client, or null when exec is off ({@code serve} without the exec secret) */
  public IngressVerticle(NodeServices node, ExecClient exec) {
    this.node = node;
    this.exec = exec;
  }

  @Override
  public Future<?> start() {
    config = node.config();
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(3_000));
    endpoint = VllmEndpoint.parse(config.vllmUrl());
    catalog = new ModelCatalog(vertx, http, config);

    router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.get("/health").handler(this::health);
    router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/readyz").handler(this::ready);
    ApiKeyAuth auth = new ApiKeyAuth(node.tenants());
    // Prometheus text; an admin key when keys are configured (per-tenant usage is not for every tenant to see).
    router.get("/metrics").handler(node.metrics().handler(auth::admin));
    // Operators: dead letters, replay, timelines, and the dashboard (its own admin check).
    new AdminApi(vertx, node, auth, http, endpoint).mount(router);
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    for (String p : new String[] {"/v1/*", "/tokenize", "/detokenize", "/pooling", "/classify"}) {
      router.route(p).handler(auth);
      router.route(p).handler(bodies);
    }
    hz = node.hazelcast();
    Journal journal = node.journal();
    LiveRequests live = new LiveRequests();
    long keepaliveMillis = config.keepaliveSeconds() * 1000L;
    Submitter submitter = new Submitter(vertx, config, journal, node.store(), live);
    router.post("/v1/chat/completions").handler(new ChatCompletionsHandler(vertx, submitter, keepaliveMillis));
    new ResponsesApi(vertx, submitter, journal, node.store(),
        new StoredResponses(node.store(), journal, node.envelopes()), keepaliveMillis).mount(router);
    new RequestsApi(vertx, journal, node.store(), config.keepaliveSeconds() * 1000L).mount(router);
    new NodesApi(vertx, new NodeRegistry(vertx, hz, NodeRegistry.DEFAULT_STALE_AFTER), exec, auth::admin,
        config.keepaliveSeconds() * 1000L).mount(router);
    router.get("/v1/models").handler(ctx -> catalog.list().onSuccess(list -> json(ctx, 200, list)));
    new PassThroughHandler(http, endpoint).mount(router);
    router.errorHandler(404, ctx -> HttpErrors.send(ctx.response(), new OpenAiError(404,
        "invalid_request_error", "not_found", null, "Unknown path " + clip(ctx.request().path())
        + ": clawbus serves the OpenAI API under /v1 (see its README).")));
    router.errorHandler(405, this::failure);
    router.route().failureHandler(this::failure);

    // Connection hygiene in front of the router: request and idle timeouts, a connection limit.
    guard = ConnectionGuard.create(vertx, new HttpServerOptions().setHost(config.host()).setPort(config.port())
        .setCompressionSupported(false).setTcpNoDelay(true), router, ConnectionOptions.settings(config));
    server = guard.server();
    return live.start(vertx).compose(v -> server.listen());
  }

  @Override
  public Future<?> stop() {
    if (guard != null) guard.close();
    return server == null ? http.close() : server.close().eventually(http::close);
  }

  /**
   * The routes this instance serves, as Vert.x holds them (method set and path; a {@code *} route matches below it):
   * what the deployment files' probe and scrape paths are checked against.
   */
  public List<Route> routes() {
    return router.getRoutes();
  }

  /** The port actually bound (useful with port 0 in tests). */
  public int actualPort() {
    return server.actualPort();
  }

  private void health(RoutingContext ctx) {
    json(ctx, 200, new JsonObject().put("status", "ok").put("version", Version.VERSION)
        .put("vllm_url", config.vllmUrl()).put("node", config.nodeId())
        .put("member", hz.getCluster().getLocalMember().getUuid().toString())
        .put("cluster_size", hz.getCluster().getMembers().size())
        .put("kafka", config.kafka()));
  }

  /**
   * Ready when Kafka and vLLM answer. {@code ?vllm=optional} leaves vLLM out of the status (it stays in the body): a
   * Kubernetes readiness probe uses it, because every node shares the one vLLM and a node that cannot reach it still
   * queues requests durably until it is back ({@code --vllm-wait-seconds}); taking all nodes out of the Service while
   * vLLM restarts would refuse those requests instead.
   */
  private void ready(RoutingContext ctx) {
    boolean vllmOptional = "optional".equals(ctx.request().getParam("vllm"));
    Future<Boolean> vllm = http.request(endpoint.options(HttpMethod.GET, "/health").setTimeout(2_000))
        .compose(r -> r.send()).compose(r -> r.body().map(b -> r.statusCode() == 200)).otherwise(false);
    Future<Boolean> kafka = vertx.executeBlocking(() -> KafkaTopics.reachable(config.kafka(), Duration.ofSeconds(2)),
        false).otherwise(false);
    Future.join(vllm, kafka).onComplete(ar -> {
      boolean v = vllm.result();
      boolean k = kafka.result();
      boolean ready = k && (v || vllmOptional);
      json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "ready" : "not ready")
          .put("vllm", v ? "up" : "unreachable").put("kafka", k ? "up" : "unreachable"));
    });
  }

  /** Every failure gets OpenAI's error shape; an unexpected one is logged with the request id, never shown. */
  private void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    OpenAiError e;
    if (status == 413) {
      e = new OpenAiError(413, "invalid_request_error", "request_too_large", null,
          "Request body is larger than " + config.maxBodyBytes() + " bytes.");
    } else if (status == 405) {
      e = new OpenAiError(405, "invalid_request_error", "method_not_allowed", null,
          "Method " + ctx.request().method().name() + " is not allowed on " + clip(ctx.request().path()) + ".");
    } else if (status >= 400 && status < 500) {
      e = new OpenAiError(status, "invalid_request_error", null, null, "Bad request.");
    } else {
      String id = ctx.get(RequestIds.KEY);
      LOG.error("request {}: unexpected failure on {} {}", id, ctx.request().method(), ctx.request().path(),
          ctx.failure());
      e = OpenAiError.server(500, "internal_error", "clawbus failed to handle request " + id
          + "; the failure is logged under that id.");
    }
    HttpErrors.send(ctx.response(), e);
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "…" : s;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
