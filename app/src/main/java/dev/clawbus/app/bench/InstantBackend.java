package dev.clawbus.app.bench;

import dev.clawbus.infra.Failures;
import dev.clawbus.parser.JsonText;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code clawbus instant-vllm}: a backend that answers every chat completion with one recorded vLLM answer,
 * as fast as the socket takes it: the answer's SSE bytes are encoded once at start and each request gets
 * them in {@value #SLICE}-byte writes, the next one as soon as the connection's write queue drains. It costs
 * next to no CPU per token, so a benchmark against it measures the proxy, not the backend. It runs on every
 * core (one server instance per event loop, all on the same port).
 *
 * <p>The answer is vLLM's streaming shape (role chunk, one chunk per token, a finish chunk with
 * {@code stop_reason}, the usage chunk when {@code stream_options.include_usage} is set, {@code [DONE]}), by
 * default the simulator's deterministic text of {@code --words} tokens, or the {@code data:} lines of a
 * recorded SSE body ({@code --record FILE}). Requests are not validated and {@code max_tokens} is not
 * honoured: every answer is the same. {@code stream:false} gets the same answer as one JSON object. Also
 * serves {@code /health}, {@code /v1/models} (with {@code max_model_len}) and {@code /tokenize} (a count of
 * a quarter of the body's bytes), which clawbus calls.
 */
public final class InstantBackend {
  static final int SLICE = 64 * 1024;

  static final String USAGE = """
      usage: clawbus instant-vllm [options]
        --host H              address to listen on (default 127.0.0.1)
        --port N              port (default 8000; 0 = any free port)
        --words N             tokens in the answer (default 200), one word each, the simulator's text
        --record FILE         replay this recorded SSE body instead (its data: lines; the usage chunk, if any,
                              is sent only to requests with stream_options.include_usage)
        --model ID            model name in /v1/models and the chunks (default clawbus-sim)
        --max-model-len N     context window reported by /v1/models (default 32768)
        --instances N         server instances, one per event loop (default: the number of cores)
        --help                this text
      Every chat completion gets the same answer, as fast as the client reads it.""";

  /** The pre-encoded answers. */
  record Answer(List<Buffer> withUsage, List<Buffer> withoutUsage, Buffer whole, int tokens) {}

  private InstantBackend() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    String host = "127.0.0.1";
    int port = 8000;
    int words = 200;
    String record = null;
    String model = "clawbus-sim";
    int maxModelLen = 32768;
    int instances = Runtime.getRuntime().availableProcessors();
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--host" -> host = value(args, ++i, a);
          case "--port" -> port = number(args, ++i, a, 0);
          case "--words" -> words = number(args, ++i, a, 1);
          case "--record" -> record = value(args, ++i, a);
          case "--model" -> model = value(args, ++i, a);
          case "--max-model-len" -> maxModelLen = number(args, ++i, a, 16);
          case "--instances" -> instances = number(args, ++i, a, 1);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("instant-vllm: " + e.getMessage() + " (see --help)");
      return 2;
    }
    Answer answer;
    try {
      answer = record == null ? generated(model, words) : recorded(Files.readString(Path.of(record)), model);
    } catch (IOException | IllegalArgumentException e) {
      err.println("instant-vllm: cannot read " + record + ": " + Failures.oneLine(e));
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    int bound;
    try {
      bound = start(vertx, host, port, instances, answer, model, maxModelLen).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("instant-vllm: cannot listen on " + host + ":" + port + ": " + Failures.oneLine(e));
      vertx.close();
      return 1;
    }
    out.println("instant vLLM backend listening on http://" + host + ":" + bound + " model " + model + ", "
        + answer.tokens() + "-token answer, " + instances + " instance(s)");
    out.flush();
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // going away anyway
      }
      forever.countDown();
    }, "instant-vllm-shutdown"));
    try {
      forever.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Listens with {@code instances} servers on one port (0 = a free one); resolves with the port. */
  public static Future<Integer> start(Vertx vertx, String host, int port, int instances, Answer answer, String model,
      int maxModelLen) {
    InstantBackend backend = new InstantBackend();
    Buffer models = new JsonObject().put("object", "list").put("data", new JsonArray().add(new JsonObject()
        .put("id", model).put("object", "model").put("created", 0).put("owned_by", "vllm").put("root", model)
        .put("max_model_len", maxModelLen))).toBuffer();
    Handler<HttpServerRequest> handler = req -> backend.handle(req, answer, models, maxModelLen);
    if (port != 0) return deployAll(vertx, host, port, instances, handler);
    return onAFreePort(vertx, host, instances, handler, 5);
  }

  /**
   * Vert.x shares one listening socket between servers on the same host and port, but not port 0 (each instance
   * would get its own; Vert.x 5's HTTP server refuses the negative ports its TCP server shares), so a free port is
   * picked first. Another socket can take it before the bind: then another is picked.
   */
  private static Future<Integer> onAFreePort(Vertx vertx, String host, int instances, Handler<HttpServerRequest> handler,
      int tries) {
    int picked;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      picked = s.getLocalPort();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return deployAll(vertx, host, picked, instances, handler).recover(e -> tries > 1 && e instanceof java.net.BindException
        ? onAFreePort(vertx, host, instances, handler, tries - 1) : Future.failedFuture(e));
  }

  private static Future<Integer> deployAll(Vertx vertx, String host, int port, int instances,
      Handler<HttpServerRequest> handler) {
    Future<Integer> all = deploy(vertx, host, port, handler);
    for (int i = 1; i < instances; i++) all = all.compose(p -> deploy(vertx, host, port, handler));
    return all;
  }

  private static Future<Integer> deploy(Vertx vertx, String host, int port, Handler<HttpServerRequest> handler) {
    int[] bound = {port};
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
            .setCompressionSupported(false)).requestHandler(handler).listen()
            .onSuccess(s -> bound[0] = s.actualPort());
      }
    }).map(id -> bound[0]);
  }

  private void handle(HttpServerRequest req, Answer answer, Buffer models, int maxModelLen) {
    String path = req.path();
    HttpServerResponse resp = req.response();
    switch (path) {
      case "/health" -> resp.end();
      case "/v1/models" -> resp.putHeader("content-type", "application/json").end(models);
      case "/tokenize" -> req.body().onSuccess(b -> resp.putHeader("content-type", "application/json")
          .end(new JsonObject().put("count", b.length() / 4).put("max_model_len", maxModelLen).encode()));
      case "/v1/chat/completions" -> req.body().onSuccess(b -> chat(resp, b, answer));
      default -> resp.setStatusCode(404).putHeader("content-type", "application/json").end("{\"detail\":\"Not Found\"}");
    }
  }

  private void chat(HttpServerResponse resp, Buffer body, Answer answer) {
    JsonObject req;
    try {
      req = body.toJsonObject();
    } catch (RuntimeException e) {
      resp.setStatusCode(400).putHeader("content-type", "application/json")
          .end("{\"object\":\"error\",\"message\":\"JSON decode error\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");
      return;
    }
    if (!Boolean.TRUE.equals(req.getValue("stream"))) {
      resp.putHeader("content-type", "application/json").end(answer.whole());
      return;
    }
    boolean usage = req.getValue("stream_options") instanceof JsonObject so
        && Boolean.TRUE.equals(so.getValue("include_usage"));
    resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
    pump(resp, usage ? answer.withUsage() : answer.withoutUsage(), 0);
  }

  /** Writes slices while the socket takes them; continues from the drain handler. */
  private static void pump(HttpServerResponse resp, List<Buffer> slices, int from) {
    int i = from;
    while (i < slices.size() - 1) {
      if (resp.closed()) return;
      resp.write(slices.get(i++));
      if (resp.writeQueueFull()) {
        int next = i;
        resp.drainHandler(v -> pump(resp, slices, next));
        return;
      }
    }
    if (!resp.closed()) resp.end(slices.get(slices.size() - 1));
  }

  // ------------------------------------------------------------------ the answer

  /** The simulator's deterministic text of {@code words} tokens, in vLLM's streaming shape. */
  public static Answer generated(String model, int words) {
    String text = VllmSimulator.answerText(7L, words);
    List<String> tokens = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        tokens.add(text.substring(start, i));
        start = i;
      }
    }
    String head = "{\"id\":\"chatcmpl-instant0000000000000000000000\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1780000000,\"model\":" + JsonText.quote(new StringBuilder(), model) + ",\"choices\":";
    List<String> data = new ArrayList<>();
    data.add(head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}");
    for (String t : tokens) {
      data.add(head + "[{\"index\":0,\"delta\":{\"content\":" + JsonText.quote(new StringBuilder(), t)
          + "},\"logprobs\":null,\"finish_reason\":null}]}");
    }
    data.add(head + "[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":null}]}");
    String usage = head + "[],\"usage\":{\"prompt_tokens\":64,\"total_tokens\":" + (64 + tokens.size())
        + ",\"completion_tokens\":" + tokens.size() + "}}";
    return build(data, usage, text, model, tokens.size());
  }

  /** The {@code data:} lines of a recorded SSE body; a chunk with {@code "usage"} and no choices is the usage chunk. */
  public static Answer recorded(String sse, String model) {
    List<String> data = new ArrayList<>();
    String usage = null;
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    for (String line : sse.split("\r?\n")) {
      if (!line.startsWith("data:")) continue;
      String d = line.substring(5).trim();
      if (d.equals("[DONE]")) continue;
      JsonObject chunk = new JsonObject(d);
      JsonArray choices = chunk.getJsonArray("choices");
      if ((choices == null || choices.isEmpty()) && chunk.containsKey("usage")) {
        usage = d;
        continue;
      }
      data.add(d);
      JsonObject delta = choices == null || choices.isEmpty() ? null : choices.getJsonObject(0).getJsonObject("delta");
      String c = delta == null ? null : delta.getString("content");
      if (c != null && !c.isEmpty()) {
        text.append(c);
        tokens++;
      }
    }
    if (data.isEmpty()) throw new IllegalArgumentException("no data: lines");
    return build(data, usage, text.toString(), model, tokens);
  }

  private static Answer build(List<String> data, String usage, String text, String model, int tokens) {
    StringBuilder sse = new StringBuilder();
    for (String d : data) sse.append("data: ").append(d).append("\n\n");
    String without = sse + "data: [DONE]\n\n";
    String with = usage == null ? without : sse + "data: " + usage + "\n\n" + "data: [DONE]\n\n";
    JsonObject whole = new JsonObject().put("id", "chatcmpl-instant").put("object", "chat.completion")
        .put("created", 1780000000).put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", text))
            .put("logprobs", null).put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", 64).put("completion_tokens", tokens)
            .put("total_tokens", 64 + tokens));
    return new Answer(slices(with), slices(without), whole.toBuffer(), tokens);
  }

  static List<Buffer> slices(String sse) {
    byte[] b = sse.getBytes(StandardCharsets.UTF_8);
    List<Buffer> out = new ArrayList<>();
    for (int i = 0; i < b.length; i += SLICE) {
      out.add(Buffer.buffer(java.util.Arrays.copyOfRange(b, i, Math.min(b.length, i + SLICE))));
    }
    return out;
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size() || args.get(i).startsWith("--")) throw new IllegalArgumentException(flag + " needs a value");
    return args.get(i);
  }

  private static int number(List<String> args, int i, String flag, int min) {
    String v = value(args, i, flag);
    try {
      int n = Integer.parseInt(v);
      if (n < min) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a whole number >= " + min + ", got '" + v + "'");
    }
  }
}
