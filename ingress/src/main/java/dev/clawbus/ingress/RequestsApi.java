package dev.clawbus.ingress;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.CompletionAssembler;
import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.lifecycle.Lifecycle;
import dev.clawbus.infra.lifecycle.RequestStore;
import dev.clawbus.infra.lifecycle.Transition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * The resume API: a request's state and finished answer, its events as SSE from any point (then live until
 * {@code [DONE]}), and cancellation. Every node answers for every request (state and journal live in the
 * cluster), and every lookup is scoped to the caller's tenant: another tenant's id is answered exactly like an
 * unknown one. Admin keys see every tenant's requests.
 */
final class RequestsApi {
  private final Vertx vertx;
  private final Journal journal;
  private final RequestStore store;
  private final long keepaliveMillis;

  RequestsApi(Vertx vertx, Journal journal, RequestStore store, long keepaliveMillis) {
    this.vertx = vertx;
    this.journal = journal;
    this.store = store;
    this.keepaliveMillis = keepaliveMillis;
  }

  void mount(Router router) {
    router.get("/v1/requests/:id").handler(this::get);
    router.get("/v1/requests/:id/events").handler(this::events);
    router.post("/v1/requests/:id/cancel").handler(this::cancel);
  }

  static OpenAiError notFound(String id) {
    return new OpenAiError(404, "invalid_request_error", "request_not_found", "id",
        "No request with id '" + clip(id) + "' (unknown, or older than the journal's retention).");
  }

  private static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  /**
   * The caller's request named in the path; answers 404 itself when there is none. An admin key finds a request
   * of any tenant (by {@code ?tenant=}, or by its id when only one tenant has it).
   */
  static void withRecord(RoutingContext ctx, RequestStore store, Consumer<RequestRecord> then) {
    String id = ctx.pathParam("id");
    withRecord(ctx, store, id, notFound(id), then);
  }

  /** As {@link #withRecord(RoutingContext, RequestStore, Consumer)} for request {@code id}, answering {@code notFound}. */
  static void withRecord(RoutingContext ctx, RequestStore store, String id, OpenAiError notFound,
      Consumer<RequestRecord> then) {
    Caller caller = Caller.of(ctx);
    Future<RequestRecord> found;
    if (caller.admin()) {
      String tenant = ctx.request().getParam("tenant");
      found = tenant != null ? store.get(RequestRecord.key(tenant, id))
          : store.find(null, null, id, 2).map(list -> list.size() == 1 ? list.get(0) : null);
    } else {
      found = store.get(RequestRecord.key(caller.tenant(), id));
    }
    found.onComplete(ar -> {
      RequestRecord r = ar.succeeded() ? ar.result() : null;
      if (r == null || r.deleted()) {
        HttpErrors.send(ctx.response(), notFound);
      } else {
        then.accept(r);
      }
    });
  }

  private void get(RoutingContext ctx) {
    withRecord(ctx, store, rec -> {
      JsonObject view = rec.publicView();
      if (rec.status() != Status.DONE) {
        json(ctx, view);
        return;
      }
      journal.read(rec.key()).onComplete(read -> {
        if (read.succeeded()) {
          CompletionAssembler assembler = new CompletionAssembler();
          for (StreamEvent e : read.result().recorded().events()) {
            if (e.type() == StreamEvent.CHUNK) assembler.accept(new JsonObject(e.data()));
          }
          view.put("response", assembler.completion());
        }
        json(ctx, view);
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
      if (after < -1) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      HttpErrors.send(ctx.response(), OpenAiError.invalidRequest("starting_after",
          "starting_after and Last-Event-ID must be an event sequence number."));
      return;
    }
    withRecord(ctx, store, rec -> {
      SseResponse sink = new SseResponse(vertx, ctx.response(), keepaliveMillis);
      sink.start(ChatCompletionsHandler.writerFor(rec));
      EventFollower follower = new EventFollower(vertx, journal, rec.key(), after, sink);
      ctx.response().closeHandler(v -> follower.close());
      follower.follow();
      // A client that saw everything up to the end already gets an empty, ended stream.
      journal.read(rec.key()).onSuccess(read -> {
        if (read.recorded().terminal() && follower.endedBefore(read.recorded().lastSeq())) {
          follower.close();
          sink.finish();
        }
      });
    });
  }

  /**
   * Cancels the caller's request. A queued one is cancelled at once and never runs (the store's compare-and-set
   * guarantees no dispatcher can start it afterwards); a running one has the cancel noted and its vLLM call is
   * aborted where it runs (or by whoever takes it over, if that node dies first).
   */
  private void cancel(RoutingContext ctx) {
    withRecord(ctx, store, rec -> stop(vertx, store, journal, rec,
        new Transition.Cancel(ErrorInfo.of(OpenAiError.cancelled()), System.currentTimeMillis())).onComplete(ar -> {
          if (ar.failed()) {
            HttpErrors.send(ctx.response(), storeUnavailable());
          } else if (ar.result().record() == null) {
            HttpErrors.send(ctx.response(), notFound(rec.id()));
          } else {
            json(ctx, ar.result().record().publicView());
          }
        }));
  }

  static OpenAiError storeUnavailable() {
    return OpenAiError.server(503, "store_unavailable", "the request could not be changed now; retry.");
  }

  /**
   * Applies a transition that stops a request ({@link Transition.Cancel}, {@link Transition.Delete}) and does what it
   * implies: a queued request it cancelled gets its terminal error event in the journal here (nobody runs it, and
   * nobody ever will: its waiting clients need the ending), and a live one's run is told to stop.
   */
  static Future<Lifecycle.Outcome> stop(Vertx vertx, RequestStore store, Journal journal, RequestRecord rec,
      Transition t) {
    return store.apply(rec.key(), t).compose(out -> {
      RequestRecord after = out.record();
      if (!out.changed() || after == null || rec.status().terminal()) return Future.succeededFuture(out);
      vertx.eventBus().publish(Addresses.CANCEL, after.key());
      if (after.status() != Status.CANCELLED) return Future.succeededFuture(out);
      OpenAiError e = OpenAiError.cancelled();
      return journal.endWithError(after.key(), e.status(), e.body().encode(), after.finishedAt()).otherwiseEmpty()
          .map(out);
    });
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }
}
