package dev.clawbus.ingress;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.lifecycle.RequestStore;
import dev.clawbus.infra.lifecycle.Transition;
import dev.clawbus.responses.ResponseAssembler;
import dev.clawbus.responses.ResponseContext;
import dev.clawbus.responses.ResponseIds;
import dev.clawbus.responses.StoredResponses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * OpenAI's Responses API on the chat pipeline. {@code POST /v1/responses} is submitted like a chat request (the
 * transformer translates it and replies with the response's context); its answer is the journal's chat chunks
 * translated into the Responses shape, streamed ({@link ResponsesSse}) or whole ({@link ResponsesJson}); a background
 * request is answered at once with the queued response. Then, on any node: {@code GET /v1/responses/{id}} (the
 * response as it is now), {@code ?stream=true&starting_after=N} (its events after N, then live to the end),
 * {@code POST /v1/responses/{id}/cancel} and {@code DELETE /v1/responses/{id}}. Every lookup is scoped to the caller's
 * tenant: another tenant's response id is a 404 exactly like an unknown one.
 */
final class ResponsesApi implements Submitter.Shape<ResponsesSink> {
  /** How long a cancel waits for the run to end before it answers with the response as it is. */
  static final long CANCEL_WAIT_MILLIS = 5_000;
  private static final long CANCEL_POLL_MILLIS = 25;

  private final Vertx vertx;
  private final Submitter submitter;
  private final Journal journal;
  private final RequestStore store;
  private final StoredResponses responses;
  private final long keepaliveMillis;

  ResponsesApi(Vertx vertx, Submitter submitter, Journal journal, RequestStore store, StoredResponses responses,
      long keepaliveMillis) {
    this.vertx = vertx;
    this.submitter = submitter;
    this.journal = journal;
    this.store = store;
    this.responses = responses;
    this.keepaliveMillis = keepaliveMillis;
  }

  void mount(Router router) {
    router.post("/v1/responses").handler(ctx -> submitter.submit(ctx, Api.RESPONSES, this));
    router.get("/v1/responses/:id").handler(this::retrieve);
    router.post("/v1/responses/:id/cancel").handler(this::cancel);
    router.delete("/v1/responses/:id").handler(this::delete);
  }

  static OpenAiError notFound(String responseId) {
    String id = responseId.length() > 80 ? responseId.substring(0, 80) + "…" : responseId;
    return new OpenAiError(404, "invalid_request_error", null, null, "Response with id '" + id + "' not found.");
  }

  // ---------------------------------------------------------------- POST /v1/responses

  @Override
  public ResponsesSink sink(HttpServerResponse resp, boolean stream) {
    return stream ? new ResponsesSse(vertx, resp, keepaliveMillis) : new ResponsesJson(resp);
  }

  @Override
  public boolean opensWithReply() {
    return true;
  }

  @Override
  public boolean queued(ResponsesSink sink, Submission.Queued q, HttpServerResponse resp) {
    ResponseContext ctx = ResponseContext.fromJson(q.apiRequest());
    if (ctx.background() && sink instanceof ResponsesJson) {
      // Durable now: the client polls or resumes it by id.
      json(resp, new ResponseAssembler(ctx).json());
      return false;
    }
    sink.open(ctx, -1, null);
    return true;
  }

  @Override
  public void immediate(ResponsesSink sink, Submission sub, Submission.Immediate im) {
    sink.open(ResponseContext.fromJson(im.apiRequest()), -1, null);
    Submitter.ownAnswer(sink, new ChunkWriter("chatcmpl-" + sub.id(), sub.receivedAt() / 1000, im.model()),
        im.text(), true, System.currentTimeMillis());
  }

  /**
   * The POST names an existing request (its id, idempotency key, or an identical body a moment ago): that response,
   * as this client asked for it. A background request without streaming gets the response as it is now.
   */
  @Override
  public Future<ResponseSink> attached(HttpServerResponse resp, RequestRecord existing, boolean stream) {
    return responses.load(existing).compose(s -> {
      if (s == null) {
        HttpErrors.send(resp, new OpenAiError(409, "invalid_request_error", "request_id_in_use", null,
            "Request id '" + existing.id() + "' belongs to another request (a chat completion or a deleted "
                + "response); send this one with another X-Request-Id or Idempotency-Key."));
        return Future.succeededFuture(null);
      }
      if (s.context().background() && !stream) {
        return responses.current(s).map(a -> {
          json(resp, a.json());
          return null;
        });
      }
      ResponsesSink sink = sink(resp, stream);
      sink.open(s.context(), -1, ResponseAssembler.completedAt(s.record()));
      return Future.succeededFuture(sink);
    });
  }

  // ---------------------------------------------------------------- by id

  /** The caller's readable response named in the path; answers 404 (or 503) itself otherwise. */
  private void withResponse(RoutingContext ctx, Consumer<StoredResponses.Stored> then) {
    String responseId = ctx.pathParam("id");
    String requestId = ResponseIds.requestId(responseId);
    if (requestId == null) {
      HttpErrors.send(ctx.response(), notFound(responseId));
      return;
    }
    RequestsApi.withRecord(ctx, store, requestId, notFound(responseId), rec -> responses.of(rec).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(ctx.response(), RequestsApi.storeUnavailable());
      } else if (ar.result() == null) {
        HttpErrors.send(ctx.response(), notFound(responseId));
      } else {
        then.accept(ar.result());
      }
    }));
  }

  /** {@code GET /v1/responses/{id}}: the response now; with {@code stream=true}, its events after starting_after. */
  private void retrieve(RoutingContext ctx) {
    boolean stream = "true".equals(ctx.request().getParam("stream"));
    long after;
    try {
      String q = ctx.request().getParam("starting_after");
      after = q == null ? -1 : Long.parseLong(q);
      if (after < -1) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      HttpErrors.send(ctx.response(), OpenAiError.invalidRequest("starting_after",
          "Invalid 'starting_after': expected the sequence number of an event (an integer, 0 or more)."));
      return;
    }
    withResponse(ctx, s -> {
      if (!stream) {
        responses.current(s).onComplete(ar -> {
          if (ar.failed()) HttpErrors.send(ctx.response(), RequestsApi.storeUnavailable());
          else json(ctx.response(), ar.result().json());
        });
        return;
      }
      ResponsesSse sink = new ResponsesSse(vertx, ctx.response(), keepaliveMillis);
      sink.open(s.context(), after, ResponseAssembler.completedAt(s.record()));
      EventFollower follower = new EventFollower(vertx, journal, s.key(), -1, sink);
      ctx.response().closeHandler(v -> follower.close());
      follower.follow();
      if (s.record().status().terminal()) {
        // Ended without an ending in the journal (it could not be queued): the record's error ends the stream.
        journal.read(s.key()).onSuccess(read -> {
          if (!read.recorded().terminal() && s.record().error() != null) {
            OpenAiError e = s.record().error().toError();
            follower.deliverAll(List.of(StreamEvent.error(read.recorded().lastSeq() + 1, e.status(),
                e.body().encode())));
          }
        });
      }
    });
  }

  /**
   * {@code POST /v1/responses/{id}/cancel}: a queued response is cancelled at once, a running one has its run stopped
   * (as {@code /v1/requests/{id}/cancel}); the answer is the response once it has ended (status {@code cancelled}),
   * or as it is after {@link #CANCEL_WAIT_MILLIS}. A finished response is answered as it is.
   */
  private void cancel(RoutingContext ctx) {
    stopThen(ctx, now -> new Transition.Cancel(ErrorInfo.of(OpenAiError.cancelled()), now),
        s -> ended(s, System.currentTimeMillis() + CANCEL_WAIT_MILLIS).map(ResponseAssembler::json));
  }

  /** Applies a transition that stops the response named in the path, then answers with what {@code answer} makes. */
  private void stopThen(RoutingContext ctx, LongFunction<Transition> transition,
      Function<StoredResponses.Stored, Future<String>> answer) {
    withResponse(ctx, s -> RequestsApi.stop(vertx, store, journal, s.record(),
        transition.apply(System.currentTimeMillis())).compose(out -> answer.apply(s)).onComplete(ar -> {
          if (ar.failed()) HttpErrors.send(ctx.response(), RequestsApi.storeUnavailable());
          else json(ctx.response(), ar.result());
        }));
  }

  /** The response once its journal has ended, or as it is at the deadline. */
  private Future<ResponseAssembler> ended(StoredResponses.Stored s, long deadline) {
    return journal.read(s.key()).compose(read -> {
      if (read.recorded().terminal() || System.currentTimeMillis() > deadline) {
        return store.get(s.key()).map(rec -> ResponseAssembler.of(s.context(), rec == null ? s.record() : rec,
            read.recorded().events()));
      }
      return vertx.timer(CANCEL_POLL_MILLIS).compose(t -> ended(s, deadline));
    });
  }

  /**
   * {@code DELETE /v1/responses/{id}}: the record is marked deleted (a transition of the store, copied to Kafka like
   * every change, so the mark survives a restart) and the response is no longer found by any lookup; a queued or
   * running response is cancelled first. A finished answer's journal leaves memory at once; a copy archived in Kafka
   * is no longer read and goes with Kafka's retention.
   */
  private void delete(RoutingContext ctx) {
    stopThen(ctx, now -> new Transition.Delete(ErrorInfo.of(OpenAiError.cancelled()), now), s -> {
      // A finished answer leaves memory now; one that was still queued or running ends cancelled, and its journal
      // leaves memory with the usual tail once it has ended. An answer whose journal has ended counts as finished
      // even if its record does not say so yet: its client can have the whole answer a moment before the run's end
      // is recorded.
      Future<Void> forgotten = s.record().status().terminal() ? journal.forget(s.key()).otherwiseEmpty()
          : journal.read(s.key()).compose(r -> r.recorded().terminal() ? journal.forget(s.key())
              : Future.<Void>succeededFuture()).otherwiseEmpty();
      return forgotten.map(x -> new JsonObject().put("id", s.context().responseId()).put("object", "response.deleted")
          .put("deleted", true).encode());
    });
  }

  private static void json(HttpServerResponse resp, String body) {
    if (resp.ended() || resp.closed()) return;
    resp.putHeader("content-type", "application/json").end(body);
  }
}
