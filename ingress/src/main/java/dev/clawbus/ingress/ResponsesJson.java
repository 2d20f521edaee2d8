package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.responses.ResponseAssembler;
import dev.clawbus.responses.ResponseContext;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a non-streaming Responses request with the whole response object. An error before the model produced
 * anything (a vLLM 400, vLLM unreachable) is an HTTP error in OpenAI's shape; once it has, the answer is the response
 * with its status ({@code failed}, {@code cancelled}, {@code incomplete}, {@code completed}).
 */
final class ResponsesJson implements ResponsesSink {
  private final HttpServerResponse resp;
  private ResponseAssembler assembler;
  private Long completedAt;
  private boolean output;
  private boolean finished;

  ResponsesJson(HttpServerResponse resp) {
    this.resp = resp;
  }

  @Override
  public void open(ResponseContext ctx, long startingAfter, Long completedAt) {
    this.assembler = new ResponseAssembler(ctx);
    this.completedAt = completedAt;
  }

  @Override
  public boolean accept(StreamEvent e) {
    if (finished) return true;
    if (e.type() == StreamEvent.ERROR && !output && e.status() != OpenAiError.CANCELLED_STATUS) {
      finished = true;
      HttpErrors.send(resp, e.status(), e.data());
      return true;
    }
    output |= e.type() == StreamEvent.CHUNK;
    if (e.terminal()) assembler.completedAt(completedAt != null ? completedAt : System.currentTimeMillis() / 1000);
    assembler.accept(e);
    if (!e.terminal()) return false;
    finished = true;
    if (!resp.closed() && !resp.ended()) {
      resp.putHeader("content-type", "application/json").end(assembler.json());
    }
    return true;
  }

  @Override
  public void close() {}
}
