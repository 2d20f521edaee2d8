package dev.clawbus.ingress;

import com.hazelcast.map.IMap;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.RequestState;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/chat/completions}. A request that names an existing one (same {@code Idempotency-Key}
 * or {@code X-Request-Id}, or an identical body from the same tenant within the dedupe window: clients
 * retry after errors) attaches to it and is answered from its journal. Otherwise the request is handed
 * to the transformer with this instance's address for its events, and the transformer replies once it
 * is durable in Kafka. A client that disconnects does not cancel generation.
 */
final class ChatCompletionsHandler implements Handler<RoutingContext> {
  private static final long SUBMIT_TIMEOUT_MILLIS = 30_000;
  private static final long STATE_WAIT_MILLIS = 10_000;
  static final String DEDUPE_MAP = "clawbus.dedupe";

  private final Vertx vertx;
  private final ClawbusConfig config;
  private final Journal journal;
  private final IMap<String, String> dedupe;
  private final LiveRequests live;

  ChatCompletionsHandler(Vertx vertx, ClawbusConfig config, Journal journal, IMap<String, String> dedupe,
      LiveRequests live) {
    this.vertx = vertx;
    this.live = live;
    this.config = config;
    this.journal = journal;
    this.dedupe = dedupe;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      HttpErrors.send(ctx.response(), OpenAiError.invalidRequest(null, "We could not parse the JSON body of your "
          + "request. The OpenAI API expects a JSON object as the payload."));
      return;
    }
    String tenant = ctx.get(ApiKeyAuth.TENANT);
    String idemKey = ctx.request().getHeader("Idempotency-Key");
    String id = ctx.get(RequestIds.KEY);
    if (idemKey != null && !idemKey.isBlank()) {
      id = "k" + sha256(tenant, idemKey.getBytes(StandardCharsets.UTF_8)).substring(0, 31);
      ctx.response().putHeader(RequestIds.HEADER, id);
    }
    boolean named = idemKey != null || Boolean.TRUE.equals(ctx.get(RequestIds.CLIENT_GIVEN));
    boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
    ResponseSink sink = stream
        ? new SseResponse(vertx, ctx.response(), config.keepaliveSeconds() * 1000L)
        : new JsonResponse(ctx.response());
    JsonObject request = body;
    String requestId = id;
    Future<String> existing = named ? claimed(id) : duplicateOf(tenant, ctx, id);
    existing.otherwiseEmpty().onComplete(ar -> {
      if (ar.result() != null) {
        attach(ctx, ar.result(), sink);
      } else {
        submit(ctx, requestId, tenant, request, sink);
      }
    });
  }

  private void submit(RoutingContext ctx, String id, String tenant, JsonObject body, ResponseSink sink) {
    EventFollower follower = new EventFollower(vertx, journal, id, -1, sink).onClose(() -> live.remove(id));
    live.add(id, follower);
    ctx.response().closeHandler(v -> follower.close());
    JsonObject submission = Submission.request(id, tenant, System.currentTimeMillis(), body, live.address());
    vertx.eventBus().<JsonObject>request(Addresses.TRANSFORM, submission,
            new DeliveryOptions().setSendTimeout(SUBMIT_TIMEOUT_MILLIS))
        .onSuccess(reply -> {
          JsonObject r = reply.body();
          ChunkWriter writer = new ChunkWriter(r.getString(Submission.COMPLETION_ID, "chatcmpl-" + id),
              r.getLong(Submission.CREATED, System.currentTimeMillis() / 1000), r.getString(Submission.MODEL));
          sink.start(writer);
          if (r.containsKey(Submission.IMMEDIATE)) {
            answerDirectly(sink, writer, r.getString(Submission.IMMEDIATE), body);
            follower.close();
          }
        })
        .onFailure(err -> {
          follower.close();
          HttpErrors.send(ctx.response(), HttpErrors.fromBus(err));
        });
  }

  /**
   * The id when another request already claimed it (it then attaches), or null when this one is first.
   * A claim, not a state lookup: two retries a few milliseconds apart must not both generate.
   */
  private Future<String> claimed(String id) {
    return vertx.executeBlocking(() -> dedupe.putIfAbsent("id:" + id, id, config.journalRetentionSeconds(),
        TimeUnit.SECONDS), false);
  }

  /** Answers from an existing request's journal and then live, in the shape this client asked for. */
  private void attach(RoutingContext ctx, String id, ResponseSink sink) {
    ctx.response().putHeader(RequestIds.HEADER, id);
    stateOf(id, System.currentTimeMillis() + STATE_WAIT_MILLIS).onSuccess(state -> {
      if (state == null) {
        HttpErrors.send(ctx.response(), OpenAiError.server(503, "request_not_ready",
            "request " + id + " was claimed but never queued; retry"));
        return;
      }
      sink.start(writerFor(id, state));
      EventFollower follower = new EventFollower(vertx, journal, id, -1, sink);
      ctx.response().closeHandler(v -> follower.close());
      follower.follow();
    }).onFailure(err -> HttpErrors.send(ctx.response(), HttpErrors.fromBus(err)));
  }

  /** The first request may still be on its way to the queue: its state appears within moments. */
  private Future<JsonObject> stateOf(String id, long deadline) {
    return journal.state(id).compose(s -> s != null || System.currentTimeMillis() > deadline
        ? Future.succeededFuture(s)
        : vertx.timer(50).compose(t -> stateOf(id, deadline)));
  }

  static ChunkWriter writerFor(String id, JsonObject state) {
    return new ChunkWriter(state.getString(RequestState.COMPLETION_ID, "chatcmpl-" + id),
        state.getLong(RequestState.CREATED, 0L), state.getString(RequestState.MODEL));
  }

  /**
   * The id of a live or finished request with the same body from the same tenant within the window, or
   * null. Failed ones are not reused: a client retrying after an error wants a new attempt.
   */
  private Future<String> duplicateOf(String tenant, RoutingContext ctx, String id) {
    int window = config.dedupeWindowSeconds();
    if (window <= 0) {
      return Future.succeededFuture(null);
    }
    String key = sha256(tenant, ctx.body().buffer().getBytes());
    return vertx.executeBlocking(() -> dedupe.putIfAbsent(key, id, window, TimeUnit.SECONDS), false)
        .compose(previous -> previous == null ? Future.succeededFuture(null) : journal.state(previous).map(s -> {
          // No state yet: the first is still on its way to the queue, attach to it.
          String status = s == null ? null : s.getString(RequestState.STATUS);
          return RequestState.FAILED.equals(status) || RequestState.CANCELLED.equals(status) ? null : previous;
        }));
  }

  static String sha256(String prefix, byte[] body) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(prefix.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0);
      return HexFormat.of().formatHex(d.digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An answer clawbus gives itself (the loop guard's stop), in the same event form as a model's. */
  private static void answerDirectly(ResponseSink sink, ChunkWriter w, String text, JsonObject body) {
    long seq = 0;
    sink.accept(StreamEvent.chunk(seq++, w.role()));
    sink.accept(StreamEvent.chunk(seq++, w.content(text)));
    sink.accept(StreamEvent.chunk(seq++, w.finish("stop")));
    JsonObject so = body.getJsonObject("stream_options");
    if (!Boolean.TRUE.equals(body.getValue("stream")) || (so != null && so.getBoolean("include_usage", false))) {
      sink.accept(StreamEvent.chunk(seq++, w.usage(0, 0)));
    }
    sink.accept(StreamEvent.done(seq));
  }
}
