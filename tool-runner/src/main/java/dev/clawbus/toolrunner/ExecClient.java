package dev.clawbus.toolrunner;

import dev.clawbus.infra.Failures;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.exec.ExecErrors;
import dev.clawbus.infra.contract.exec.ExecEvent;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's side of exec: signs a request, sends it to the node, relays the output while the command runs and
 * answers with the node's signed result. It watches the node while it waits: when the node's Hazelcast member leaves,
 * or its registry entry goes stale or changes hands, the call fails at once with a 502 {@code node_gone}, instead of
 * waiting out the command's timeout. Every failure is an {@link OpenAiError} the HTTP API can send as it is:
 * <ul>
 *   <li>404 {@code node_not_found}: no such node;</li>
 *   <li>503 {@code node_unavailable}: registered but not connected (the command did not run);</li>
 *   <li>502 {@code node_gone}: the node left while the command ran (outcome unknown);</li>
 *   <li>403 {@code exec_denied}, 400 {@code invalid_exec_request}, 429 {@code node_busy}, 503
 *   {@code audit_unavailable} or {@code node_stopping}: the node's answer;</li>
 *   <li>502 {@code exec_signature_rejected}: the node refused the signature (different secrets, or clocks more than
 *   60 s apart); 502 {@code node_bad_answer}: a malformed or unverifiable answer; 504 {@code node_timeout}.</li>
 * </ul>
 * Thread-safe; call it from any Vert.x context. One instance per gateway process; {@link #close()} with it.
 */
public final class ExecClient implements AutoCloseable {
  /** Beyond the command's own timeout, how long to wait for the node's answer. */
  public static final Duration ANSWER_GRACE = Duration.ofSeconds(30);
  private static final long WATCH_MS = 1000;
  /** After the result, how long streamed output still on its way may take. */
  private static final long EVENTS_WAIT_MS = 2000;

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final ExecSigner signer;
  private final Map<Call, Boolean> calls = new ConcurrentHashMap<>();
  private final UUID membership;

  public ExecClient(Vertx vertx, NodeRegistry registry, ExecSigner signer) {
    this.vertx = vertx;
    this.registry = registry;
    this.signer = signer;
    this.membership = registry.onMemberRemoved(member -> {
      for (Call c : calls.keySet()) {
        if (c.member.equals(member)) {
          c.fail(ExecErrors.nodeGone(c.node, "left the cluster"));
        }
      }
    });
  }

  /**
   * Runs {@code request} (unsigned; its {@code node} says where) and completes with the node's result.
   *
   * @param output called on the caller's context with each piece of output, in order, while the command runs; null
   *               for no streaming (the result still has all output)
   */
  public Future<ExecResult> exec(ExecRequest request, Handler<ExecEvent> output) {
    // Everything of one call (registry read, output consumer, reply, timers) runs on the caller's context.
    Context ctx = vertx.getOrCreateContext();
    Promise<ExecResult> answer = Promise.promise();
    ctx.runOnContext(v -> registry.get(request.node()).compose(status -> {
      if (status == null) {
        return Future.<ExecResult>failedFuture(ExecErrors.unknownNode(request.node()));
      }
      if (!status.alive()) {
        return Future.<ExecResult>failedFuture(ExecErrors.nodeUnavailable(request.node(),
            status.describe(registry.clusterTime())));
      }
      return new Call(ctx, request, status.info().member(), output).start();
    }).onComplete(answer));
    return answer.future();
  }

  /** Commands this client waits for now. */
  public int pending() {
    return calls.size();
  }

  @Override
  public void close() {
    registry.removeMembershipListener(membership);
    for (Call c : calls.keySet()) {
      c.fail(OpenAiError.server(503, "gateway_stopping", "clawbus is shutting down; the command's outcome is unknown"));
    }
  }

  private final class Call {
    private final Context ctx;
    private final String node;
    private final String member;
    private final Handler<ExecEvent> output;
    private final Promise<ExecResult> promise = Promise.promise();
    private ExecRequest request;
    private MessageConsumer<String> consumer;
    private final TreeMap<Integer, ExecEvent> early = new TreeMap<>();
    private int nextSeq;
    private ExecResult result;
    private long watchTimer = -1;
    private long eventsTimer = -1;

    Call(Context ctx, ExecRequest request, String member, Handler<ExecEvent> output) {
      this.ctx = ctx;
      this.request = request;
      this.node = request.node();
      this.member = member;
      this.output = output;
    }

    Future<ExecResult> start() {
      calls.put(this, Boolean.TRUE);
      Future<Void> ready = Future.succeededFuture();
      if (output != null) {
        String address = ExecEvent.address(UUID.randomUUID().toString());
        consumer = vertx.eventBus().consumer(address, this::onEvent);
        ready = consumer.completion();
        request = request.withStreamTo(address);
      }
      ready.onComplete(r -> {
        if (promise.future().isComplete()) {
          return; // failed while the output address was being registered
        }
        if (r.failed()) {
          fail(OpenAiError.server(500, "internal_error", "cannot receive output: " + Failures.oneLine(r.cause())));
          return;
        }
        ExecRequest signed = signer.sign(request);
        request = signed;
        long waitMs = signed.timeoutSeconds() * 1000L + ANSWER_GRACE.toMillis();
        vertx.eventBus().<JsonObject>request(Addresses.exec(node), signed.toJson(),
            new DeliveryOptions().setSendTimeout(waitMs)).onComplete(ar -> {
              if (ar.succeeded()) {
                onResult(ar.result().body());
              } else {
                fail(fromBus(ar.cause(), waitMs));
              }
            });
        watchTimer = vertx.setPeriodic(WATCH_MS, t -> watch());
      });
      return promise.future().andThen(x -> ctx.runOnContext(v -> cleanUp()));
    }

    private void watch() {
      registry.get(node).onSuccess(s -> {
        if (s == null) {
          fail(ExecErrors.nodeGone(node, "disappeared from the registry"));
        } else if (!s.info().member().equals(member)) {
          fail(ExecErrors.nodeGone(node, "was restarted"));
        } else if (!s.alive()) {
          fail(ExecErrors.nodeGone(node, s.describe(registry.clusterTime())));
        }
      });
    }

    private void onEvent(Message<String> m) {
      ExecEvent e;
      try {
        e = ExecEvent.decode(m.body());
      } catch (IllegalArgumentException bad) {
        return;
      }
      if (e.seq() < nextSeq || !e.requestId().equals(request.id())) {
        return;
      }
      early.put(e.seq(), e);
      while (!early.isEmpty() && early.firstKey() == nextSeq) {
        ExecEvent next = early.pollFirstEntry().getValue();
        nextSeq++;
        if (!promise.future().isComplete()) {
          output.handle(next);
        }
      }
      if (result != null && nextSeq >= result.events()) {
        promise.tryComplete(result);
      }
    }

    private void onResult(JsonObject body) {
      ExecResult r;
      try {
        r = ExecResult.fromJson(body);
      } catch (OpenAiError e) {
        fail(e);
        return;
      }
      if (!signer.resultValid(request, r)) {
        fail(ExecErrors.badAnswer("node '" + node + "' answered with a result that does not verify with the exec "
            + "secret"));
        return;
      }
      if (output == null || nextSeq >= r.events()) {
        promise.tryComplete(r);
        return;
      }
      result = r; // some output is still on its way
      eventsTimer = vertx.setTimer(EVENTS_WAIT_MS, t -> promise.tryComplete(r));
    }

    private OpenAiError fromBus(Throwable err, long waitedMs) {
      if (err instanceof ReplyException re) {
        if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 400) {
          OpenAiError e;
          try {
            e = OpenAiError.fromBody(re.failureCode(), new JsonObject(re.getMessage()));
          } catch (RuntimeException notJson) {
            return ExecErrors.badAnswer("node '" + node + "' failed: " + Failures.firstLine(re.getMessage()));
          }
          if (e.status() == 401) {
            return new OpenAiError(502, "server_error", ExecErrors.SIGNATURE_REJECTED, null,
                "node '" + node + "' refused the request: " + e.getMessage());
          }
          return e;
        }
        if (re.failureType() == ReplyFailure.NO_HANDLERS) {
          return ExecErrors.nodeUnavailable(node, "is not taking commands (starting or stopping)");
        }
        if (re.failureType() == ReplyFailure.TIMEOUT) {
          return ExecErrors.noAnswer(node, waitedMs);
        }
      }
      return ExecErrors.badAnswer("node '" + node + "' failed: " + Failures.oneLine(err));
    }

    /** From any thread. */
    void fail(OpenAiError e) {
      ctx.runOnContext(v -> promise.tryFail(e));
    }

    private void cleanUp() {
      calls.remove(this);
      if (watchTimer >= 0) {
        vertx.cancelTimer(watchTimer);
      }
      if (eventsTimer >= 0) {
        vertx.cancelTimer(eventsTimer);
      }
      if (consumer != null) {
        consumer.unregister();
      }
    }
  }
}
