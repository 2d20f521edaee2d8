package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.exec.ExecErrors;
import dev.clawbus.infra.contract.exec.ExecEvent;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import dev.clawbus.toolrunner.ExecClient;
import dev.clawbus.toolrunner.NodeRegistry;
import dev.clawbus.toolrunner.NodeStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The node hosts of the cluster, for admins: {@code GET /v1/nodes} lists the registry, and
 * {@code POST /v1/nodes/{name}/exec} runs one command on a node and answers its result as JSON, or as SSE when the
 * body says {@code "stream": true} or the request accepts {@code text/event-stream}. Admin keys only (403
 * {@code admin_required} for a tenant key; on loopback without keys everyone is admin). Listing works whether or not
 * this node has the exec secret; without it exec answers 503 {@code exec_disabled}. Every error is OpenAI-shaped.
 *
 * <p>The SSE form: {@code data: {"type":"output","stream":"stdout"|"stderr","text":…}} for each piece of output in
 * order, then {@code data: {"type":"result", …the JSON answer's fields…}} and {@code data: [DONE]}. Headers go out
 * with the first piece of output (or a {@code : keepalive} comment after the keepalive period without output), so
 * a failure before that is a plain HTTP error with its status; after it, an error event
 * {@code data: {"error":{…}}} ends the stream. Closing the connection does not stop the command.
 */
final class NodesApi {
  private static final Set<String> EXEC_FIELDS = Set.of("command", "workdir", "env", "timeoutSeconds", "stdin",
      "stream");

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final ExecClient exec;
  private final Predicate<RoutingContext> admin;
  private final long keepaliveMillis;

  /**
   * @param exec  the node's exec client; null when exec is off ({@code serve} without {@code --exec-secret-file})
   * @param admin whether a request may use admin endpoints ({@link ApiKeyAuth#admin})
   */
  NodesApi(Vertx vertx, NodeRegistry registry, ExecClient exec, Predicate<RoutingContext> admin,
      long keepaliveMillis) {
    this.vertx = vertx;
    this.registry = registry;
    this.exec = exec;
    this.admin = admin;
    this.keepaliveMillis = keepaliveMillis;
  }

  void mount(Router router) {
    router.get("/v1/nodes").handler(this::list);
    router.post("/v1/nodes/:name/exec").handler(this::exec);
  }

  static OpenAiError adminRequired() {
    return new OpenAiError(403, "permission_error", "admin_required", null,
        "Node hosts are for admins: use an admin key (--admin-keys or the tenants file's admin_keys).");
  }

  static OpenAiError execDisabled() {
    return OpenAiError.server(503, "exec_disabled", "exec is off on this clawbus node: start serve with "
        + "--exec-secret-file FILE (the secret its node hosts read) to run commands on node hosts.");
  }

  private boolean allowed(RoutingContext ctx) {
    if (admin.test(ctx)) return true;
    HttpErrors.send(ctx.response(), adminRequired());
    return false;
  }

  private void list(RoutingContext ctx) {
    if (!allowed(ctx)) return;
    registry.list().onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(ctx.response(), OpenAiError.server(503, "registry_unavailable",
            "the node registry could not be read now; retry."));
        return;
      }
      JsonArray data = new JsonArray();
      for (NodeStatus s : ar.result()) data.add(s.toJson());
      ctx.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("object", "list").put("data", data).encode());
    });
  }

  private void exec(RoutingContext ctx) {
    if (!allowed(ctx)) return;
    if (exec == null) {
      HttpErrors.send(ctx.response(), execDisabled());
      return;
    }
    JsonObject body = IngressBodies.jsonObject(ctx);
    if (body == null) return;
    ExecRequest request;
    boolean stream;
    try {
      stream = streamAsked(ctx, body);
      String name = ctx.pathParam("name");
      if (!ExecRequest.NODE_NAME.matcher(name).matches()) throw ExecErrors.unknownNode(clip(name));
      request = ExecRequest.fromApi(ctx.get(RequestIds.KEY), Caller.of(ctx).tenant(), name, body);
    } catch (OpenAiError e) {
      HttpErrors.send(ctx.response(), e);
      return;
    }
    if (stream) {
      new ExecStream(ctx.response()).run(request);
    } else {
      exec.exec(request, null).onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.response().putHeader("content-type", "application/json").end(ar.result().toApiJson().encode());
        } else {
          HttpErrors.send(ctx.response(), asError(ar.cause()));
        }
      });
    }
  }

  /** Checks the body's fields (unknown ones are a 400, so a typo cannot silently do nothing) and the stream form. */
  private static boolean streamAsked(RoutingContext ctx, JsonObject body) {
    for (String f : body.fieldNames()) {
      if (!EXEC_FIELDS.contains(f)) {
        throw OpenAiError.invalidRequest(clip(f), "Unrecognized request argument supplied: " + clip(f)
            + " (an exec request has command, workdir, env, timeoutSeconds, stdin and stream).");
      }
    }
    Object s = body.getValue("stream");
    if (s != null && !(s instanceof Boolean)) {
      throw OpenAiError.invalidRequest("stream", "'stream' must be true or false");
    }
    String accept = ctx.request().getHeader("accept");
    return Boolean.TRUE.equals(s) || accept != null && accept.contains("text/event-stream");
  }

  private static OpenAiError asError(Throwable t) {
    return t instanceof OpenAiError e ? e
        : OpenAiError.server(500, "internal_error", "clawbus failed while running the command; its outcome is unknown");
  }

  private static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  /** One command's output relayed as SSE. */
  private final class ExecStream {
    private final HttpServerResponse resp;
    private long timer = -1;
    private boolean done;

    ExecStream(HttpServerResponse resp) {
      this.resp = resp;
    }

    void run(ExecRequest request) {
      if (keepaliveMillis > 0) {
        timer = vertx.setPeriodic(keepaliveMillis, t -> write(": keepalive\n\n"));
      }
      exec.exec(request, this::output).onComplete(ar -> {
        done = true;
        if (timer >= 0) vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          ExecResult r = ar.result();
          write("data: " + r.toApiJson().put("type", "result").encode() + "\n\ndata: [DONE]\n\n");
          end();
        } else if (!resp.headWritten()) {
          HttpErrors.send(resp, asError(ar.cause()));
        } else {
          OpenAiError e = asError(ar.cause());
          write("data: " + e.body().encode() + "\n\n");
          end();
        }
      });
    }

    private void output(ExecEvent e) {
      if (done) return;
      write("data: " + new JsonObject().put("type", "output")
          .put("stream", e.stream() == ExecEvent.STDOUT ? "stdout" : "stderr").put("text", e.data()).encode()
          + "\n\n");
    }

    private void write(String text) {
      if (resp.ended() || resp.closed()) return;
      if (!resp.headWritten()) {
        resp.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
      }
      resp.write(Buffer.buffer(text));
    }

    private void end() {
      if (!resp.ended() && !resp.closed()) resp.end();
    }
  }
}
