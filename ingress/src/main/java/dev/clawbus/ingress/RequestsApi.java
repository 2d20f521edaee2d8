package dev.clawbus.ingress;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.CompletionAssembler;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.RequestState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;

/**
 * The resume API: a request's state and finished answer, its events as SSE from any point (then live
 * until {@code [DONE]}), and cancellation. Every node answers for every request: state and journal
 * live in the cluster.
 */
final class RequestsApi {
  private final Vertx vertx;
  private final Journal journal;
  private final long keepaliveMillis;

  RequestsApi(Vertx vertx, Journal journal, long keepaliveMillis) {
    this.vertx = vertx;
    this.journal = journal;
    this.keepaliveMillis = keepaliveMillis;
  }

  void mount(Router router) {
    router.get("/v1/requests/:id").handler(this::get);
    router.get("/v1/requests/:id/events").handler(this::events);
    router.post("/v1/requests/:id/cancel").handler(this::cancel);
  }

  private static OpenAiError notFound(String id) {
    return new OpenAiError(404, "invalid_request_error", "request_not_found", "id",
        "No request with id '" + id + "' (unknown, or older than the journal's retention).");
  }

  /** Looks up the request named in the path; answers 404 itself when there is none. */
  private void withState(RoutingContext ctx, BiConsumer<String, JsonObject> then) {
    String id = ctx.pathParam("id");
    journal.state(id).onComplete(ar -> {
      JsonObject state = ar.succeeded() ? ar.result() : null;
      if (state == null) {
        HttpErrors.send(ctx.response(), notFound(id));
      } else {
        then.accept(id, state);
      }
    });
  }

  private void get(RoutingContext ctx) {
    withState(ctx, (id, state) -> {
      if (!RequestState.DONE.equals(state.getString(RequestState.STATUS))) {
        json(ctx, state);
        return;
      }
      journal.read(id).onComplete(rec -> {
        if (rec.succeeded()) {
          CompletionAssembler assembler = new CompletionAssembler();
          for (StreamEvent e : rec.result().events()) {
            if (e.type() == StreamEvent.CHUNK) assembler.accept(new JsonObject(e.data()));
          }
          state.put("response", assembler.completion());
        }
        json(ctx, state);
      });
    });
  }

  /** SSE from after {@code ?starting_after=N} or {@code Last-Event-ID} (default: from the start). */
  private void events(RoutingContext ctx) {
    long after;
    try {
      String q = ctx.request().getParam("starting_after");
      String h = ctx.request().getHeader("Last-Event-ID");
      after = q != null ? Long.parseLong(q) : h != null ? Long.parseLong(h.trim()) : -1;
    } catch (NumberFormatException e) {
      HttpErrors.send(ctx.response(), OpenAiError.invalidRequest("starting_after",
          "starting_after and Last-Event-ID must be an event sequence number."));
      return;
    }
    withState(ctx, (id, state) -> {
      SseResponse sink = new SseResponse(vertx, ctx.response(), keepaliveMillis);
      sink.start(ChatCompletionsHandler.writerFor(id, state));
      EventFollower follower = new EventFollower(vertx, journal, id, after, sink);
      ctx.response().closeHandler(v -> follower.close());
      follower.follow();
      // A client that saw everything up to the end already gets an empty, ended stream.
      journal.read(id).onSuccess(rec -> {
        if (rec.terminal() && follower.endedBefore(rec.lastSeq())) {
          follower.close();
          sink.finish();
        }
      });
    });
  }

  private void cancel(RoutingContext ctx) {
    withState(ctx, (id, state) -> {
      String status = state.getString(RequestState.STATUS);
      if (RequestState.terminal(status)) {
        json(ctx, state);
        return;
      }
      // A queued request is marked so no dispatcher starts it; a running one is aborted where it runs.
      (RequestState.QUEUED.equals(status)
          ? journal.putState(state.put(RequestState.STATUS, RequestState.CANCELLED))
          : io.vertx.core.Future.succeededFuture())
          .onComplete(x -> {
            vertx.eventBus().publish(Addresses.CANCEL, id);
            json(ctx, state.put(RequestState.STATUS, RequestState.QUEUED.equals(status)
                ? RequestState.CANCELLED : "cancelling"));
          });
    });
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }
}
