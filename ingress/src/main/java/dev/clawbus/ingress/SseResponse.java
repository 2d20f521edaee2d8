package dev.clawbus.ingress;

import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Relays a chat completion's events as Server-Sent Events, each as it is in the journal: {@code id: <seq>} (so a
 * client can resume) and {@code data: <chunk>}. The keepalive is an empty-delta chunk of the same completion.
 */
final class SseResponse extends SseSink {
  private ChunkWriter writer;

  SseResponse(Vertx vertx, HttpServerResponse resp, long keepaliveMillis) {
    super(vertx, resp, keepaliveMillis);
  }

  /** The request is queued: keepalive chunks use this writer's id, created and model. */
  void start(ChunkWriter writer) {
    this.writer = writer;
    startKeepalive();
  }

  @Override
  protected void keepalive(Buffer b) {
    SseBytes.ascii(b, SseBytes.DATA);
    SseBytes.utf8(b, writer.keepalive());
    SseBytes.ascii(b, SseBytes.END);
  }

  @Override
  protected void append(Buffer b, StreamEvent e) {
    if (e.type() != StreamEvent.ERROR) {
      SseBytes.ascii(b, SseBytes.ID);
      SseBytes.decimal(b, e.seq());
      SseBytes.ascii(b, SseBytes.NL);
    }
    SseBytes.ascii(b, SseBytes.DATA);
    SseBytes.utf8(b, e.data());
    SseBytes.ascii(b, SseBytes.END);
  }
}
