package dev.clawbus.app.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;

/**
 * One chat completion, timed the way a client experiences it. A streamed answer is read like SDKs read
 * it: split on blank lines, {@code data:} payloads in order. The first token is the first chunk whose
 * delta carries non-empty content, reasoning or a tool call (the role chunk does not count); tokens are
 * the usage chunk's {@code completion_tokens} when present, else the count of such chunks. An answer
 * is an error unless it is HTTP 200 and ends with {@code [DONE]} without an error event.
 */
final class StreamingCall {
  private final Vertx vertx;
  private final SideStats stats;
  private final long timeoutMillis;
  private final boolean stream;
  private final Promise<Void> done = Promise.promise();
  private long start;
  private long firstToken = -1;
  private long lastToken;
  private long tokenChunks;
  private long usageTokens = -1;
  private boolean sawDone;
  private boolean over;
  private long timer = -1;
  private HttpClientRequest request;

  private StreamingCall(Vertx vertx, SideStats stats, long timeoutMillis, boolean stream) {
    this.vertx = vertx;
    this.stats = stats;
    this.timeoutMillis = timeoutMillis;
    this.stream = stream;
  }

  /** Runs one request; resolves (never fails) once it is recorded in {@code stats}. Call on the client's loop. */
  static Future<Void> run(Vertx vertx, HttpClient client, RequestOptions options, Buffer body, boolean stream,
      long timeoutMillis, SideStats stats) {
    StreamingCall c = new StreamingCall(vertx, stats, timeoutMillis, stream);
    c.start(client, options, body);
    return c.done.future();
  }

  private void start(HttpClient client, RequestOptions options, Buffer body) {
    start = System.nanoTime();
    timer = vertx.setTimer(timeoutMillis, t -> {
      timer = -1;
      if (request != null) request.reset();
      fail("no complete answer within " + timeoutMillis / 1000 + " s");
    });
    client.request(options).compose(req -> {
      request = req;
      return req.send(body);
    }).onComplete(ar -> {
      if (over) return;
      if (ar.failed()) {
        fail("request failed: " + ar.cause().getMessage());
      } else {
        onResponse(ar.result());
      }
    });
  }

  private void onResponse(HttpClientResponse resp) {
    if (resp.statusCode() != 200) {
      resp.body().onComplete(b -> fail("HTTP " + resp.statusCode() + ": "
          + (b.succeeded() ? abbreviate(b.result().toString()) : "")));
      return;
    }
    if (!stream) {
      resp.body().onComplete(b -> {
        if (over) return;
        if (b.failed()) {
          fail("body failed: " + b.cause().getMessage());
          return;
        }
        long now = System.nanoTime();
        try {
          JsonObject usage = b.result().toJsonObject().getJsonObject("usage");
          tokenChunks = 1;
          usageTokens = usage == null ? -1 : usage.getLong("completion_tokens", -1L);
        } catch (RuntimeException e) {
          fail("unreadable JSON answer");
          return;
        }
        firstToken = now;
        lastToken = now;
        sawDone = true;
        finish();
      });
      return;
    }
    resp.handler(RecordParser.newDelimited("\n\n", this::onEvent));
    resp.exceptionHandler(err -> fail("stream broke: " + err.getMessage()));
    resp.endHandler(v -> {
      if (!over) finish();
    });
  }

  private void onEvent(Buffer record) {
    if (over) return;
    long now = System.nanoTime();
    // Latin-1 decoding is a plain byte copy; only ASCII markers are searched for.
    String event = record.toString(StandardCharsets.ISO_8859_1);
    int data = event.indexOf("data:");
    if (data < 0) return; // a comment or keepalive line
    if (event.startsWith("[DONE]", skipSpace(event, data + 5))) {
      sawDone = true;
      return;
    }
    int payload = skipSpace(event, data + 5);
    if (event.startsWith("{\"error\"", payload)) {
      fail("error event: " + abbreviate(event.substring(payload)));
      return;
    }
    if (carriesToken(event)) {
      if (firstToken < 0) {
        firstToken = now;
      } else {
        stats.gapNanos.add(now - lastToken);
      }
      lastToken = now;
      tokenChunks++;
    }
    int usage = event.indexOf("\"completion_tokens\":");
    if (usage >= 0) {
      usageTokens = leadingLong(event, usage + "\"completion_tokens\":".length());
    }
  }

  static boolean carriesToken(String event) {
    return nonEmptyString(event, "\"content\":\"") || nonEmptyString(event, "\"reasoning_content\":\"")
        || event.contains("\"tool_calls\":[{");
  }

  private static boolean nonEmptyString(String event, String key) {
    int i = event.indexOf(key);
    return i >= 0 && i + key.length() < event.length() && event.charAt(i + key.length()) != '"';
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && s.charAt(i) == ' ') i++;
    return i;
  }

  private static long leadingLong(String s, int i) {
    long v = 0;
    boolean any = false;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      v = v * 10 + (s.charAt(i++) - '0');
      any = true;
    }
    return any ? v : -1;
  }

  private void finish() {
    if (!sawDone) {
      fail("stream ended without [DONE]");
      return;
    }
    if (firstToken < 0) {
      fail("answer without any token");
      return;
    }
    long tokens = usageTokens >= 0 ? usageTokens : tokenChunks;
    stats.requests++;
    stats.tokens += tokens;
    stats.ttftNanos.add(firstToken - start);
    stats.completionNanos.add(lastToken - start);
    long streaming = lastToken - firstToken;
    if (stream && tokens > 1 && streaming > 0) {
      stats.streamTokensPerSecond.add((long) ((tokens - 1) * 1e9 / streaming));
    }
    end(); // last: whoever waits on the round reads the stats right after
  }

  private void fail(String message) {
    if (over) return;
    stats.requests++;
    stats.error(message);
    end();
  }

  private void end() {
    over = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    done.complete();
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', ' ');
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }
}
