package dev.clawbus.ingress;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Submission;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/chat/completions}, submitted by the {@link Submitter}: the answer is the journal's chunks as they are,
 * as SSE ({@link SseResponse}) or folded into one {@code chat.completion} ({@link JsonResponse}).
 */
final class ChatCompletionsHandler implements Handler<RoutingContext>, Submitter.Shape<ResponseSink> {
  private final Vertx vertx;
  private final Submitter submitter;
  private final long keepaliveMillis;

  ChatCompletionsHandler(Vertx vertx, Submitter submitter, long keepaliveMillis) {
    this.vertx = vertx;
    this.submitter = submitter;
    this.keepaliveMillis = keepaliveMillis;
  }

  @Override
  public void handle(RoutingContext ctx) {
    submitter.submit(ctx, Api.CHAT, this);
  }

  @Override
  public ResponseSink sink(HttpServerResponse resp, boolean stream) {
    return stream ? new SseResponse(vertx, resp, keepaliveMillis) : new JsonResponse(resp);
  }

  @Override
  public boolean opensWithReply() {
    return false;
  }

  @Override
  public boolean queued(ResponseSink sink, Submission.Queued q, HttpServerResponse resp) {
    if (sink instanceof SseResponse sse) sse.start(new ChunkWriter(q.completionId(), q.created(), q.model()));
    return true;
  }

  @Override
  public void immediate(ResponseSink sink, Submission sub, Submission.Immediate im) {
    ChunkWriter w = new ChunkWriter("chatcmpl-" + sub.id(), sub.receivedAt() / 1000, im.model());
    if (sink instanceof SseResponse sse) sse.start(w);
    JsonObject body = sub.body();
    boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
    boolean usage = body.getValue("stream_options") instanceof JsonObject so
        && Boolean.TRUE.equals(so.getValue("include_usage"));
    Submitter.ownAnswer(sink, w, im.text(), !stream || usage, System.currentTimeMillis());
  }

  @Override
  public Future<ResponseSink> attached(HttpServerResponse resp, RequestRecord existing, boolean stream) {
    ResponseSink sink = sink(resp, stream);
    if (sink instanceof SseResponse sse) sse.start(writerFor(existing));
    return Future.succeededFuture(sink);
  }

  static ChunkWriter writerFor(RequestRecord r) {
    return new ChunkWriter(r.completionId() == null ? "chatcmpl-" + r.id() : r.completionId(), r.created(),
        r.model());
  }
}
