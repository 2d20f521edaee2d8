package dev.clawbus.sim;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** A plain HTTP/SSE client for the simulator tests: SSE is split with a RecordParser on blank lines. */
final class SimClient {
  /** A streamed answer: the {@code data:} payloads in order, whether the response ended cleanly. */
  record Sse(int status, List<String> data, boolean ended, Throwable failure, String body) {
    List<JsonObject> chunks() {
      List<JsonObject> out = new ArrayList<>();
      for (String d : data) if (!d.equals("[DONE]")) out.add(new JsonObject(d));
      return out;
    }

    String content() {
      StringBuilder sb = new StringBuilder();
      for (JsonObject c : chunks()) {
        if (c.getJsonArray("choices") == null || c.getJsonArray("choices").isEmpty()) continue;
        JsonObject delta = c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
        if (delta != null && delta.getString("content") != null) sb.append(delta.getString("content"));
      }
      return sb.toString();
    }
  }

  record Reply(int status, String contentType, String body) {
    JsonObject json() {
      if (body.isEmpty()) throw new AssertionError("empty body with status " + status);
      return new JsonObject(body);
    }
  }

  final HttpClient http;
  private final Context context;

  SimClient(Vertx vertx, int poolSize) {
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setConnectTimeout(2000),
        new PoolOptions().setHttp1MaxSize(poolSize));
  }

  Future<Sse> stream(int port, JsonObject body) {
    return stream(port, body, Promise.promise());
  }

  /** {@code firstData} completes when the first {@code data:} event arrives. */
  Future<Sse> stream(int port, JsonObject body, Promise<Void> firstData) {
    return onLoop(() -> http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/chat/completions")
        .compose(req -> req.putHeader("content-type", "application/json").send(body.toBuffer()))
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return resp.body().map(b -> new Sse(resp.statusCode(), List.of(), true, null, b.toString()));
          }
          Promise<Sse> p = Promise.promise();
          List<String> data = new ArrayList<>();
          RecordParser parser = RecordParser.newDelimited("\n\n", rec -> {
            String s = rec.toString();
            if (!s.startsWith("data: ")) throw new IllegalStateException("not an SSE data event: " + s);
            data.add(s.substring(6));
            firstData.tryComplete();
          });
          resp.handler(parser);
          resp.exceptionHandler(t -> p.tryComplete(new Sse(200, data, false, t, null)));
          resp.endHandler(v -> p.tryComplete(new Sse(200, data, true, null, null)));
          return p.future();
        }));
  }

  Future<Reply> send(HttpMethod method, int port, String path, JsonObject body) {
    return onLoop(() -> http.request(method, port, "127.0.0.1", path)
        .compose(req -> body == null ? req.send() : req.putHeader("content-type", "application/json")
            .send(body.toBuffer()))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.getHeader("content-type"),
            b.toString()))));
  }

  /**
   * Runs a request chain on the client's event loop. Built on the test thread, a chain may register its
   * body handler after the response has already been consumed, and read an empty body.
   */
  <T> Future<T> onLoop(Supplier<Future<T>> chain) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> chain.get().onComplete(p));
    return p.future();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out", e);
    }
  }
}
