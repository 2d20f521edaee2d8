package dev.clawbus.ingress;

import dev.clawbus.infra.contract.CompletionAssembler;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Answers a non-streaming request: the chunks are folded into one {@code chat.completion}. */
final class JsonResponse implements ResponseSink {
  private final HttpServerResponse resp;
  private final CompletionAssembler assembler = new CompletionAssembler();
  private boolean finished;

  JsonResponse(HttpServerResponse resp) {
    this.resp = resp;
  }

  @Override
  public boolean accept(StreamEvent e) {
    if (finished) return true;
    switch (e.type()) {
      case StreamEvent.CHUNK -> {
        assembler.accept(new JsonObject(e.data()));
        return false;
      }
      case StreamEvent.ERROR -> HttpErrors.send(resp, e.status(), e.data());
      default -> {
        if (!resp.closed() && !resp.ended()) {
          resp.putHeader("content-type", "application/json").end(assembler.completion().encode());
        }
      }
    }
    finished = true;
    return true;
  }

  @Override
  public void close() {}
}
