package dev.clawbus.ingress;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.lifecycle.RequestStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A client's request handed to the pipeline, whatever its API: it goes to the transformer with this instance's address
 * for its events; the transformer validates it, claims its id and starts it, and replies once it is durable. A request
 * that names an existing one of the same tenant (its {@code Idempotency-Key} or {@code X-Request-Id}, or an identical
 * body within the dedupe window: clients retry after errors) is answered from that one's journal. A client that
 * disconnects does not cancel generation. What differs per API is its {@link Shape}: the sinks and how they open.
 */
final class Submitter {
  private static final long SUBMIT_TIMEOUT_MILLIS = 30_000;
  /** How long an attach waits for the record of a request that claimed its body a moment before. */
  private static final long RECORD_WAIT_MILLIS = 10_000;

  /** How one API answers: its sinks, and how they open for a new, an existing, or clawbus's own answer. */
  interface Shape<S extends ResponseSink> {
    /** The sink of a new request's answer, made before it is submitted. */
    S sink(HttpServerResponse resp, boolean stream);

    /**
     * Whether the sink can only be opened with the transformer's reply: events that arrive before it are then read
     * from the journal (see {@link EventFollower#hold}).
     */
    boolean opensWithReply();

    /** The request is queued: opens the sink; false when the client has its answer already (nothing to follow). */
    boolean queued(S sink, Submission.Queued q, HttpServerResponse resp);

    /** Opens the sink for clawbus's own answer ({@link #ownAnswer} follows). */
    void immediate(S sink, Submission sub, Submission.Immediate im);

    /**
     * A sink opened on an existing request's answer; null after answering the client otherwise (an error, or an
     * answer that needs no following).
     */
    Future<ResponseSink> attached(HttpServerResponse resp, RequestRecord existing, boolean stream);
  }

  private final Vertx vertx;
  private final ClawbusConfig config;
  private final Journal journal;
  private final RequestStore store;
  private final LiveRequests live;

  Submitter(Vertx vertx, ClawbusConfig config, Journal journal, RequestStore store, LiveRequests live) {
    this.vertx = vertx;
    this.config = config;
    this.journal = journal;
    this.store = store;
    this.live = live;
  }

  <S extends ResponseSink> void submit(RoutingContext ctx, Api api, Shape<S> shape) {
    JsonObject body = IngressBodies.jsonObject(ctx);
    if (body == null) return;
    Caller caller = Caller.of(ctx);
    String tenant = caller.tenant();
    Submission.IdSource source = Boolean.TRUE.equals(ctx.get(RequestIds.CLIENT_GIVEN))
        ? Submission.IdSource.CLIENT : Submission.IdSource.GENERATED;
    String id = ctx.get(RequestIds.KEY);
    String idemKey = ctx.request().getHeader("Idempotency-Key");
    if (idemKey != null && !idemKey.isBlank()) {
      if (idemKey.length() > 255) {
        HttpErrors.send(ctx.response(), OpenAiError.invalidRequest(null,
            "Invalid Idempotency-Key header: at most 255 characters."));
        return;
      }
      id = "k" + sha256(tenant, idemKey.getBytes(StandardCharsets.UTF_8)).substring(0, 31);
      source = Submission.IdSource.IDEMPOTENCY_KEY;
      ctx.response().putHeader(RequestIds.HEADER, id);
    }
    String hash = config.dedupeWindowSeconds() > 0 ? sha256(tenant, ctx.body().buffer().getBytes()) : null;
    boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
    S sink = shape.sink(ctx.response(), stream);
    String key = RequestRecord.key(tenant, id);
    // Registered before the request is handed on: its first events may arrive before the reply does.
    EventFollower follower = new EventFollower(vertx, journal, key, -1, sink).onClose(() -> live.remove(key));
    if (shape.opensWithReply()) follower.hold();
    live.add(key, follower);
    ctx.response().closeHandler(v -> follower.close());
    Submission sub = new Submission(id, source, tenant, api, body, hash, System.currentTimeMillis(),
        live.address(), null);
    vertx.eventBus().<Submission.Reply>request(Addresses.TRANSFORM, sub,
            new DeliveryOptions().setSendTimeout(SUBMIT_TIMEOUT_MILLIS))
        .onSuccess(reply -> {
          Submission.Reply r = reply.body();
          r.headers().forEach(ctx.response()::putHeader);
          if (r instanceof Submission.Refused no) {
            follower.close();
            HttpErrors.send(ctx.response(), no.status(), no.errorJson());
          } else if (r instanceof Submission.Queued q) {
            if (shape.queued(sink, q, ctx.response())) {
              follower.live();
            } else {
              follower.close();
            }
          } else if (r instanceof Submission.Attach a) {
            follower.close();
            attach(ctx, shape, a.key(), a.existing(), stream);
          } else if (r instanceof Submission.Immediate im) {
            shape.immediate(sink, sub, im);
            follower.close();
          }
        })
        .onFailure(err -> {
          follower.close();
          HttpErrors.send(ctx.response(), HttpErrors.fromBus(err));
        });
  }

  /** Answers from an existing request's journal and then live, in the shape this client asked for. */
  private void attach(RoutingContext ctx, Shape<?> shape, String key, RequestRecord known, boolean stream) {
    String id = key.substring(key.indexOf('/') + 1);
    ctx.response().putHeader(RequestIds.HEADER, id);
    (known != null ? Future.succeededFuture(known) : recordOf(key, System.currentTimeMillis() + RECORD_WAIT_MILLIS))
        .compose(rec -> {
          if (rec == null) {
            HttpErrors.send(ctx.response(), OpenAiError.server(503, "request_not_ready",
                "request " + id + " was claimed but never queued; retry."));
            return Future.succeededFuture(null);
          }
          return shape.attached(ctx.response(), rec, stream);
        })
        .onSuccess(sink -> {
          if (sink == null) return;
          EventFollower follower = new EventFollower(vertx, journal, key, -1, sink);
          ctx.response().closeHandler(v -> follower.close());
          follower.follow();
        }).onFailure(err -> HttpErrors.send(ctx.response(), HttpErrors.fromBus(err)));
  }

  /** A request that claimed its body a moment ago is still being stored: its record appears within moments. */
  private Future<RequestRecord> recordOf(String key, long deadline) {
    return store.get(key).compose(r -> r != null || System.currentTimeMillis() > deadline
        ? Future.succeededFuture(r)
        : vertx.timer(20).compose(t -> recordOf(key, deadline)));
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

  /**
   * An answer clawbus gives itself (the loop guard's stop), in the same events as a model's: every API's sink
   * renders it as it renders a model's answer.
   *
   * @param endedAt when it was given (epoch milliseconds): its DONE event carries it, as a model's answer's does
   */
  static void ownAnswer(ResponseSink sink, ChunkWriter w, String text, boolean usage, long endedAt) {
    long seq = 0;
    sink.accept(StreamEvent.chunk(seq++, w.role()));
    sink.accept(StreamEvent.chunk(seq++, w.content(text)));
    sink.accept(StreamEvent.chunk(seq++, w.finish("stop")));
    if (usage) {
      sink.accept(StreamEvent.chunk(seq++, w.usage(0, 0)));
    }
    sink.accept(StreamEvent.done(seq, endedAt));
  }
}
