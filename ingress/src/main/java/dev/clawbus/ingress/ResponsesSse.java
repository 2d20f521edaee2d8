package dev.clawbus.ingress;

import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.responses.ResponseContext;
import dev.clawbus.responses.ResponsesStreamTranslator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * A Responses API stream: the request's journal events translated into {@code event: <type>} / {@code data: <json>}
 * frames with contiguous {@code sequence_number}s (no {@code id:} lines). While nothing else is written the keepalive
 * period brings first the opening events ({@code response.created}, {@code response.in_progress}), then
 * {@code event: keepalive} / {@code data: {"type":"keepalive","sequence_number":<last sent>}}: a data event for
 * OpenClaw's idle timer, the one unknown type the OpenAI SDKs let through. A background stream opens at once (its
 * client learns the id to resume with); any other opens with its first event, so an error before it is an HTTP error.
 */
final class ResponsesSse extends SseSink implements ResponsesSink {
  private final StringBuilder frames = new StringBuilder(512);
  private ResponsesStreamTranslator translator;
  private Long completedAt;

  ResponsesSse(Vertx vertx, HttpServerResponse resp, long keepaliveMillis) {
    super(vertx, resp, keepaliveMillis);
  }

  @Override
  public void open(ResponseContext ctx, long startingAfter, Long completedAt) {
    this.translator = new ResponsesStreamTranslator(ctx, startingAfter);
    this.completedAt = completedAt;
    if (ctx.background()) {
      Buffer b = Buffer.buffer(1024);
      translator.start(frames);
      flush(b);
      write(b);
    }
    startKeepalive();
  }

  @Override
  protected void append(Buffer b, StreamEvent e) {
    if (e.terminal()) translator.completedAt(completedAt != null ? completedAt : System.currentTimeMillis() / 1000);
    translator.accept(e, frames);
    flush(b);
  }

  @Override
  protected void keepalive(Buffer b) {
    if (translator.lastSequenceNumber() < 0) translator.start(frames);
    if (frames.length() == 0) translator.keepalive(frames);
    flush(b);
  }

  private void flush(Buffer b) {
    if (frames.length() == 0) return;
    SseBytes.utf8(b, frames);
    frames.setLength(0);
  }
}
