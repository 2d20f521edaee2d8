package dev.clawbus.infra.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.parsetools.RecordParser;

/**
 * Reads a {@code text/event-stream} body and hands each event's {@code data:} payload to a handler.
 * A {@link RecordParser} split on blank lines (the WebClient SSE codec was seen to hang a relay), with
 * CRLF tolerated; comment lines and other fields ({@code id:}, {@code event:}) are ignored.
 */
public final class SseReader {
  private SseReader() {}

  /** Starts reading; {@code onData} gets each payload (e.g. a JSON chunk or {@code [DONE]}). */
  public static void read(HttpClientResponse response, Handler<String> onData) {
    RecordParser parser = RecordParser.newDelimited("\n\n", record -> dispatch(record, onData));
    response.handler(parser);
  }

  static void dispatch(Buffer record, Handler<String> onData) {
    String event = record.toString();
    if (event.indexOf('\r') >= 0) {
      event = event.replace("\r", "");
    }
    String data = null;
    int start = 0;
    int len = event.length();
    while (start < len) {
      int end = event.indexOf('\n', start);
      if (end < 0) end = len;
      if (event.startsWith("data:", start)) {
        int v = start + 5;
        if (v < end && event.charAt(v) == ' ') v++;
        String line = event.substring(v, end);
        data = data == null ? line : data + "\n" + line;
      }
      start = end + 1;
    }
    if (data != null) {
      onData.handle(data);
    }
  }
}
