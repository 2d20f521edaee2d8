package dev.clawbus.sim;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for vLLM's OpenAI-compatible server, for tests, chaos drills and benchmarks without a GPU.
 *
 * <h2>Endpoints (as vLLM)</h2>
 * {@code GET /health} (200, empty), {@code GET /v1/models}, {@code POST /tokenize} ({@code prompt} or
 * {@code messages}), {@code GET /metrics} (Prometheus text), {@code GET /version}, and
 * {@code POST /v1/chat/completions}, streaming (role chunk, one chunk per token, finish chunk, usage chunk
 * with {@code stream_options.include_usage}, {@code data: [DONE]}) or not. Errors use vLLM's body
 * {@code {"object":"error","message","type","param","code"}}: 400 for validation, context overflow and
 * {@code continue_final_message} together with {@code add_generation_prompt} (which defaults to true, as
 * in vLLM), 404 for an unknown model. With {@link SimOptions#strict()} it also rejects, like older vLLM, every
 * top-level field it does not know ({@code store}, {@code max_completion_tokens}, ...), the {@code developer}
 * role, content-part arrays and {@code strict} in tool functions. Otherwise {@code max_completion_tokens}
 * is read as {@code max_tokens}.
 *
 * <h2>What it answers</h2>
 * By default {@link SimOptions#defaultWords()} words of deterministic text ({@link #answerText}), one word per
 * token, seeded by a hash of the conversation's roles and texts. With {@code continue_final_message} the
 * final assistant message is left out of the seed, so the same full answer is regenerated and only the part
 * after that prefix is streamed (the prefix may end mid-word); {@code max_tokens} counts new tokens only.
 * Generation stops at {@code max_tokens} (or the context window) with {@code finish_reason: "length"}.
 *
 * <h2>Directives</h2>
 * The last user message may carry one or more {@code [[sim key=value ...]]} blocks (values: a bare word, a JSON
 * string in double quotes, or a JSON object). Keys:
 * <ul>
 *   <li>{@code words=N} length of the deterministic text, {@code seed=N} its seed;</li>
 *   <li>{@code tps=N} tokens per second, {@code ttft_ms=N} time to first token;</li>
 *   <li>{@code text="..."} or {@code text_b64=...} (UTF-8) answer exactly this text (cut into tokens by
 *       the simulator's tokenizer), e.g. any tool-call format a parser test needs the model to print;</li>
 *   <li>{@code tool=NAME args={...} [mode=structured|xml] [id=ID]} one tool call per block: structured
 *       {@code tool_calls} deltas as vLLM streams them (first delta with index, id, type, name and empty
 *       arguments, then argument fragments; finish reason {@code tool_calls}), or Qwen3-Coder XML printed in
 *       the content ({@code <tool_call>\n<function=exec>\n<parameter=command>\nls\n</parameter>\n...});
 *       {@code mode} alone in a block sets the default for the other blocks;</li>
 *   <li>{@code turn=N} in a tool block: the call is made in round N of an agent loop (round 1 answers the user
 *       message, each run of {@code tool} messages after it starts the next round), so a test scripts several
 *       tool calls one after the other;</li>
 *   <li>{@code after_tool="..."} what the model answers in a later round that has no tool call of its own, with
 *       {@code {result}} replaced by the content of the last {@code tool} message (a final answer quoting a tool's
 *       output);</li>
 *   <li>{@code error=STATUS} answer with that status and a vLLM error body instead of generating;
 *       {@code error_after=N} fail mid-stream after N tokens ({@code data: {"error":{...}}}, then
 *       {@code [DONE]}).</li>
 * </ul>
 * A tool directive without {@code text}/{@code words} produces no content. Once {@code tool} messages follow
 * the user message, its {@code text} directive and its tools of round 1 are spent and the model answers in plain
 * words (or {@code after_tool}), so agent loops end. Unknown keys are a 400, so typos show. Example: {@code [[sim words=200 seed=7 tps=3000 ttft_ms=50]]},
 * {@code [[sim tool=exec args={"command":"ls -la"} mode=xml]]}.
 *
 * <h2>Chaos and inspection</h2>
 * {@link #chaos()} in process, or over HTTP on the main port and on the optional admin port
 * ({@link SimOptions#adminPort()}, which stays up during a crash): {@code GET /sim/requests} (the last
 * {@value #LOG_SIZE} chat bodies, oldest first), {@code GET /sim/stats}, {@code POST /sim/reset},
 * {@code POST /sim/crash?after_tokens=N&down_ms=D} (no {@code after_tokens}: now; no {@code down_ms}: until
 * {@code /sim/up}), {@code POST /sim/up}, {@code POST /sim/hang?after_tokens=N}, {@code POST /sim/resume},
 * {@code POST /sim/fail?count=K&status=S}, {@code POST /sim/unavailable?ms=D}.
 *
 * <h2>Cost</h2>
 * All state lives on one event loop of its own (a deployed verticle). One shared {@value #TICK_MS} ms ticker
 * drives every generation and writes all tokens due per stream in one write; token strings are shared
 * constants and each stream reuses one builder.
 */
public final class VllmSimulator {
  private static final Logger LOG = LoggerFactory.getLogger(VllmSimulator.class);
  static final int LOG_SIZE = 200;
  static final long TICK_MS = 5;

  private final Vertx vertx;
  private final SimOptions options;
  private final SimChaos chaos = new SimChaos(this);
  private final ArrayDeque<JsonObject> log = new ArrayDeque<>();
  /** When each request of {@link #log} arrived ({@code System.nanoTime()}), in the same order. */
  private final ArrayDeque<Long> arrivals = new ArrayDeque<>();
  private final long startedAt = System.currentTimeMillis() / 1000;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong crashes = new AtomicLong();
  private final AtomicLong prefixMismatches = new AtomicLong();
  private final AtomicLong promptTokensTotal = new AtomicLong();
  private final AtomicLong generationTokensTotal = new AtomicLong();
  private final AtomicInteger running = new AtomicInteger();
  /** The most requests generating at once since start (or since {@link #resetPeak()}). */
  private final AtomicInteger peakRunning = new AtomicInteger();

  // Event-loop confined from here on.
  private volatile Context context;
  private String deploymentId;
  private HttpServer server;
  private final Set<HttpConnection> connections = new HashSet<>();
  private final List<SimGeneration> active = new ArrayList<>();
  private long tickerId = -1;
  private long batchNanos;
  private long downTimerId = -1;
  private volatile boolean up;
  private volatile int port;
  private volatile int adminPort = -1;
  private volatile boolean stopped;

  public VllmSimulator(Vertx vertx, SimOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.port = options.port();
  }

  /** Listens (port 0 = a free port) and resolves with the bound port. */
  public Future<Integer> start() {
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        VllmSimulator.this.context = context;
        Future<?> admin = options.adminPort() < 0 ? Future.succeededFuture() : listenAdmin();
        return admin.compose(v -> listen());
      }

      @Override
      public Future<?> stop() {
        stopped = true;
        up = false;
        stopTicker();
        if (downTimerId >= 0) vertx.cancelTimer(downTimerId);
        return Future.succeededFuture();
      }
    }).map(id -> {
      deploymentId = id;
      return port;
    });
  }

  public Future<Void> stop() {
    String id = deploymentId;
    if (id == null) return Future.succeededFuture();
    deploymentId = null;
    return vertx.undeploy(id);
  }

  public int port() {
    return port;
  }

  /** The admin listener's port, or -1 when there is none. */
  public int adminPort() {
    return adminPort;
  }

  public String baseUrl() {
    return "http://" + options.host() + ":" + port;
  }

  public SimOptions options() {
    return options;
  }

  /** The simulator's own event-loop context (for tests that measure its thread). */
  Context context() {
    return context;
  }

  /** False while crashed or "loading" (the port refuses connections). */
  public boolean isUp() {
    return up;
  }

  public SimChaos chaos() {
    return chaos;
  }

  /** The chat bodies received (valid or not), oldest first, at most {@value #LOG_SIZE}. */
  public List<JsonObject> requests() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** When each request of {@link #requests()} arrived, as {@code System.nanoTime()}, in the same order. */
  public List<Long> arrivals() {
    synchronized (log) {
      return List.copyOf(arrivals);
    }
  }

  /**
   * Counters: {@code received} chat requests, {@code started} generations, {@code completed}, {@code aborted}
   * (client went away or crash), {@code failed} (error answers), {@code crashes}, {@code prefix_mismatches}
   * (continuations whose assistant prefix was not a prefix of the answer), {@code running}, {@code up}.
   */
  public JsonObject stats() {
    return new JsonObject().put("received", received.get()).put("started", started.get())
        .put("completed", completed.get()).put("aborted", aborted.get()).put("failed", failed.get())
        .put("crashes", crashes.get()).put("prefix_mismatches", prefixMismatches.get())
        .put("running", running.get()).put("peak_running", peakRunning.get()).put("up", up);
  }

  /** Starts a new high-water mark of requests generating at once. */
  public void resetPeak() {
    peakRunning.set(running.get());
  }

  /** The full default answer the simulator gives to {@code messages} (a trailing assistant message is treated as
   * a continuation prefix and left out), honouring a {@code seed} directive. */
  public static String answerText(JsonArray messages, int words) {
    return DeterministicText.text(seedFor(messages), words);
  }

  /** The default answer for a seed given with {@code [[sim seed=N]]}. */
  public static String answerText(long seed, int words) {
    return DeterministicText.text(seed, words);
  }

  /** The seed the simulator derives from a conversation (trailing assistant message excluded). */
  public static long seedFor(JsonArray messages) {
    SimDirectives d = SimDirectives.of(messages);
    if (d.seed() != null) return d.seed();
    int n = messages.size();
    if (n > 0 && messages.getValue(n - 1) instanceof JsonObject last && "assistant".equals(last.getString("role"))) {
      n--;
    }
    return SimAnswer.seedOf(messages, n);
  }

  // ---------------------------------------------------------------- listeners

  private HttpServerOptions serverOptions(int p) {
    return new HttpServerOptions().setHost(options.host()).setPort(p).setReuseAddress(true).setTcpNoDelay(true)
        .setCompressionSupported(false);
  }

  private Future<Integer> listen() {
    HttpServer s = vertx.createHttpServer(serverOptions(port));
    s.connectionHandler(conn -> {
      connections.add(conn);
      conn.closeHandler(v -> connections.remove(conn));
    });
    s.requestHandler(this::handle);
    return s.listen().map(bound -> {
      server = bound;
      port = bound.actualPort();
      up = true;
      return port;
    });
  }

  private Future<Integer> listenAdmin() {
    HttpServer s = vertx.createHttpServer(serverOptions(options.adminPort()));
    s.requestHandler(req -> {
      if (req.path().startsWith("/sim/")) handleAdmin(req, true);
      else sendDetail(req.response(), 404, "Not Found");
    });
    return s.listen().map(bound -> {
      adminPort = bound.actualPort();
      return adminPort;
    });
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) r.run();
    else context.runOnContext(v -> r.run());
  }

  /** Cuts every connection and closes the port; back after {@code downMillis} unless negative. */
  Future<Void> goDown(long downMillis, boolean crash) {
    Promise<Void> p = Promise.promise();
    if (context == null) return Future.failedFuture("simulator not started");
    onContext(() -> {
      if (downTimerId >= 0) {
        vertx.cancelTimer(downTimerId);
        downTimerId = -1;
      }
      if (crash) crashes.incrementAndGet();
      if (!up) {
        scheduleComeBack(downMillis);
        p.complete();
        return;
      }
      up = false;
      for (SimGeneration g : active) aborted(g);
      active.clear();
      stopTicker();
      // The listener goes first, so a client that sees its connection cut already finds the port closed.
      HttpServer s = server;
      server = null;
      Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
      closed.onComplete(ar -> {
        for (HttpConnection c : new ArrayList<>(connections)) c.close();
        connections.clear();
        scheduleComeBack(downMillis);
        p.complete();
      });
    });
    return p.future();
  }

  private void scheduleComeBack(long downMillis) {
    if (downMillis >= 0 && !stopped) {
      downTimerId = vertx.setTimer(Math.max(1, downMillis), t -> {
        downTimerId = -1;
        comeUp();
      });
    }
  }

  Future<Void> comeUp() {
    if (context == null) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    onContext(() -> {
      if (downTimerId >= 0) {
        vertx.cancelTimer(downTimerId);
        downTimerId = -1;
      }
      if (up || stopped) {
        p.complete();
        return;
      }
      relisten(p, 0);
    });
    return p.future();
  }

  /** The old socket may linger for a moment after close; retry binding the same port briefly. */
  private void relisten(Promise<Void> p, int attempt) {
    listen().onComplete(ar -> {
      if (ar.succeeded()) p.complete();
      else if (attempt < 50 && !stopped) vertx.setTimer(20, t -> relisten(p, attempt + 1));
      else p.fail(ar.cause());
    });
  }

  void clearLogAndCounters() {
    synchronized (log) {
      log.clear();
    }
    for (AtomicLong a : List.of(received, started, completed, aborted, failed, crashes, prefixMismatches)) a.set(0);
  }

  // ---------------------------------------------------------------- routing

  private void handle(HttpServerRequest req) {
    String path = req.path();
    switch (path) {
      case "/health" -> {
        if (only(req, HttpMethod.GET)) req.response().setStatusCode(200).end();
      }
      case "/v1/models" -> {
        if (only(req, HttpMethod.GET)) sendJson(req.response(), 200, models());
      }
      case "/metrics" -> {
        if (only(req, HttpMethod.GET)) {
          req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics());
        }
      }
      case "/version" -> {
        if (only(req, HttpMethod.GET)) sendJson(req.response(), 200, new JsonObject().put("version", "0.8.5-sim"));
      }
      case "/tokenize" -> {
        if (only(req, HttpMethod.POST)) req.body().onSuccess(b -> tokenize(req.response(), b));
      }
      case "/v1/chat/completions" -> {
        if (only(req, HttpMethod.POST)) req.body().onSuccess(b -> chat(req.response(), b));
      }
      default -> {
        if (path.startsWith("/sim/")) handleAdmin(req, false);
        else sendDetail(req.response(), 404, "Not Found");
      }
    }
  }

  private boolean only(HttpServerRequest req, HttpMethod method) {
    if (req.method().equals(method)) return true;
    sendDetail(req.response(), 405, "Method Not Allowed");
    return false;
  }

  /** FastAPI's own errors (routing) are {@code {"detail": ...}}, not vLLM's error object. */
  private static void sendDetail(HttpServerResponse resp, int status, String detail) {
    sendJson(resp, status, new JsonObject().put("detail", detail));
  }

  private static void sendJson(HttpServerResponse resp, int status, Object json) {
    if (resp.ended() || resp.closed()) return;
    Buffer body = json instanceof JsonObject o ? o.toBuffer() : ((JsonArray) json).toBuffer();
    resp.setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  void sendError(HttpServerResponse resp, VllmError e) {
    sendJson(resp, e.status, e.body());
  }

  // ---------------------------------------------------------------- chat

  private void chat(HttpServerResponse resp, Buffer raw) {
    JsonObject body;
    try {
      body = raw.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      failed.incrementAndGet();
      sendError(resp, VllmError.badRequest("JSON decode error: the body is not a JSON object"));
      return;
    }
    received.incrementAndGet();
    synchronized (log) {
      if (log.size() == LOG_SIZE) {
        log.removeFirst();
        arrivals.removeFirst();
      }
      log.addLast(body);
      arrivals.addLast(System.nanoTime());
    }
    int failStatus = chaos.takeFailure();
    if (failStatus > 0) {
      failed.incrementAndGet();
      sendError(resp, new VllmError(failStatus, "Simulated failure (sim failNext " + failStatus + ")."));
      return;
    }
    SimGeneration g;
    try {
      g = plan(resp, body);
    } catch (VllmError e) {
      failed.incrementAndGet();
      sendError(resp, e);
      return;
    } catch (SimDirectives.DirectiveException e) {
      failed.incrementAndGet();
      sendError(resp, VllmError.badRequest(e.getMessage()));
      return;
    } catch (RuntimeException e) {
      // a field of an unexpected type deep in the body (pydantic would have said 400 too)
      failed.incrementAndGet();
      sendError(resp, VllmError.badRequest("Invalid request: " + e.getMessage()));
      return;
    }
    started.incrementAndGet();
    peakRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
    promptTokensTotal.addAndGet(g.promptTokens);
    resp.exceptionHandler(t -> { });
    resp.closeHandler(v -> aborted(g));
    active.add(g);
    if (tickerId < 0) tickerId = vertx.setPeriodic(TICK_MS, TICK_MS, id -> tick());
    advance(g, System.nanoTime());
  }

  private SimGeneration plan(HttpServerResponse resp, JsonObject body) {
    long now = System.nanoTime();
    ChatRequest req = ChatRequest.of(body, options);
    SimDirectives d = SimDirectives.of(req.messages());
    if (d.errorStatus() != null) {
      throw new VllmError(d.errorStatus(), "Simulated error ([[sim error=" + d.errorStatus() + "]]).");
    }
    int prompt = SimTokenizer.countChat(req.messages(), req.tools(), req.generationPrompt(), req.continueFinal());
    int max = options.maxModelLen();
    if (req.maxTokens() != null && prompt + req.maxTokens() > max) {
      throw VllmError.contextOverflow(max, prompt, req.maxTokens());
    }
    if (req.maxTokens() == null && prompt >= max) throw VllmError.promptTooLong(max, prompt);
    int limit = req.maxTokens() != null ? req.maxTokens() : max - prompt;
    JsonArray messages = req.messages();
    int n = messages.size();
    String prefix = null;
    if (req.continueFinal()) {
      prefix = SimTokenizer.contentText(messages.getJsonObject(n - 1).getValue("content"));
      n--;
    }
    long seed = d.seed() != null ? d.seed() : SimAnswer.seedOf(messages, n);
    SimAnswer answer = SimAnswer.plan(d, seed, options.defaultWords(), prefix, limit);
    if (answer.prefixMismatch) prefixMismatches.incrementAndGet();
    int ttft = d.ttftMs() != null ? d.ttftMs() : options.ttftMs();
    int tps = d.tokensPerSecond() != null ? d.tokensPerSecond() : options.tokensPerSecond();
    return new SimGeneration(this, resp, req, answer, prompt, now, ttft, tps, d.errorAfterTokens());
  }

  /**
   * How long a stream collects tokens before they are written. Under load, fewer and larger writes save
   * the syscalls that dominate the cost; vLLM itself emits one token per stream per decode step, and a step
   * of a large batch takes tens of milliseconds, so clients see similar bursts from the real thing.
   */
  private long batchNanos() {
    int n = active.size();
    return n <= 16 ? 0 : n <= 64 ? 10_000_000L : 20_000_000L;
  }

  private void tick() {
    long now = System.nanoTime();
    batchNanos = batchNanos();
    for (int i = 0; i < active.size(); i++) {
      if (advance(active.get(i), now)) return; // crashed: the list is gone
    }
    active.removeIf(g -> g.finished);
    if (active.isEmpty()) stopTicker();
  }

  /** Advances one generation under the chaos limits; true when it triggered a crash. */
  private boolean advance(SimGeneration g, long now) {
    if (g.finished) return false;
    int cap = Integer.MAX_VALUE;
    int hang = chaos.hangAfter;
    int crash = chaos.crashAfter;
    if (hang >= 0) cap = hang;
    if (crash >= 0) cap = Math.min(cap, crash);
    int before = g.emitted;
    if (g.response.closed()) {
      aborted(g);
      return false;
    }
    try {
      g.advance(now, cap, batchNanos);
    } catch (RuntimeException e) {
      // one broken generation must not stop the shared ticker for every other stream
      LOG.warn("simulated generation failed; cutting its connection", e);
      aborted(g);
      g.response.reset();
      return false;
    }
    generationTokensTotal.addAndGet(g.emitted - before);
    if (crash >= 0 && !g.finished && g.emitted >= crash && g.started(now) && chaos.fireCrash()) {
      goDown(chaos.crashDownMillis, true);
      return true;
    }
    return false;
  }

  private void stopTicker() {
    if (tickerId >= 0) {
      vertx.cancelTimer(tickerId);
      tickerId = -1;
    }
  }

  /** Called by a generation that wrote its last byte; {@code ok} false for a simulated engine error. */
  void finished(SimGeneration g, boolean ok) {
    if (g.finished) return;
    g.finished = true;
    running.decrementAndGet();
    (ok ? completed : failed).incrementAndGet();
  }

  private void aborted(SimGeneration g) {
    if (g.finished) return;
    g.finished = true;
    running.decrementAndGet();
    aborted.incrementAndGet();
  }

  // ---------------------------------------------------------------- other endpoints

  private JsonObject models() {
    String m = options.model();
    JsonObject permission = new JsonObject().put("id", "modelperm-" + SimAnswer.hex16(m.hashCode()))
        .put("object", "model_permission").put("created", startedAt).put("allow_create_engine", false)
        .put("allow_sampling", true).put("allow_logprobs", true).put("allow_search_indices", false)
        .put("allow_view", true).put("allow_fine_tuning", false).put("organization", "*").put("group", null)
        .put("is_blocking", false);
    return new JsonObject().put("object", "list").put("data", new JsonArray().add(new JsonObject()
        .put("id", m).put("object", "model").put("created", startedAt).put("owned_by", "vllm").put("root", m)
        .put("parent", null).put("max_model_len", options.maxModelLen())
        .put("permission", new JsonArray().add(permission))));
  }

  private void tokenize(HttpServerResponse resp, Buffer raw) {
    JsonObject body;
    try {
      body = raw.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      sendError(resp, VllmError.badRequest("JSON decode error: the body is not a JSON object"));
      return;
    }
    String model = body.getValue("model") == null ? options.model() : String.valueOf(body.getValue("model"));
    if (!model.equals(options.model())) {
      sendError(resp, VllmError.modelNotFound(model));
      return;
    }
    String text;
    if (body.getValue("prompt") instanceof String prompt) {
      text = prompt;
    } else if (body.getValue("messages") instanceof JsonArray messages) {
      boolean gen = !(body.getValue("add_generation_prompt") instanceof Boolean b) || b;
      boolean cont = body.getValue("continue_final_message") instanceof Boolean b && b;
      JsonArray tools = body.getValue("tools") instanceof JsonArray t ? t : null;
      try {
        text = SimTokenizer.renderChat(messages, tools, gen, cont);
      } catch (RuntimeException e) {
        sendError(resp, VllmError.badRequest("Invalid messages: " + e.getMessage()));
        return;
      }
    } else {
      sendError(resp, VllmError.badRequest("Either `prompt` (a string) or `messages` must be given."));
      return;
    }
    JsonArray ids = SimTokenizer.ids(text);
    sendJson(resp, 200, new JsonObject().put("count", ids.size()).put("max_model_len", options.maxModelLen())
        .put("tokens", ids).put("token_strs", null));
  }

  private String metrics() {
    int running = 0;
    long kv = 0;
    for (SimGeneration g : active) {
      if (!g.finished) {
        running++;
        kv += g.promptTokens + g.emitted;
      }
    }
    // A pretend KV cache that holds eight full contexts.
    double usage = Math.min(1.0, kv / (8.0 * options.maxModelLen()));
    String label = "{model_name=\"" + options.model().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    StringBuilder sb = new StringBuilder(1024);
    gauge(sb, "vllm:num_requests_running", "Number of requests in model execution batches.", label, running);
    gauge(sb, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", label, 0);
    gauge(sb, "vllm:gpu_cache_usage_perc", "GPU KV-cache usage. 1 means 100 percent usage.", label, usage);
    gauge(sb, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", label, usage);
    counter(sb, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", label, promptTokensTotal.get());
    counter(sb, "vllm:generation_tokens_total", "Number of generation tokens processed.", label,
        generationTokensTotal.get());
    counter(sb, "vllm:request_success_total", "Count of successfully processed requests.", label, completed.get());
    return sb.toString();
  }

  private static void gauge(StringBuilder sb, String name, String help, String label, double v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" gauge\n").append(name).append(label).append(' ').append(v).append('\n');
  }

  private static void counter(StringBuilder sb, String name, String help, String label, long v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(" counter\n").append(name).append(label).append(' ')
        .append((double) v).append('\n');
  }

  // ---------------------------------------------------------------- admin

  private void handleAdmin(HttpServerRequest req, boolean adminListener) {
    String path = req.path();
    HttpServerResponse resp = req.response();
    if (path.equals("/sim/requests") || path.equals("/sim/stats")) {
      if (!only(req, HttpMethod.GET)) return;
      sendJson(resp, 200, path.equals("/sim/stats") ? stats() : new JsonArray(new ArrayList<>(requests())));
      return;
    }
    if (!only(req, HttpMethod.POST)) return;
    try {
      switch (path) {
        case "/sim/reset" -> chaos.reset().onComplete(ar -> ok(resp));
        case "/sim/up" -> chaos.restart().onComplete(ar -> ok(resp));
        case "/sim/resume" -> chaos.resume().onComplete(ar -> ok(resp));
        case "/sim/hang" -> chaos.hangAfterTokens(intParam(req, "after_tokens", 0)).onComplete(ar -> ok(resp));
        case "/sim/fail" -> {
          int count = intParam(req, "count", 1);
          int status = intParam(req, "status", 500);
          if (status < 400 || status > 599) throw new IllegalArgumentException("status must be 4xx or 5xx");
          chaos.failNext(count, status).onComplete(ar -> ok(resp));
        }
        case "/sim/unavailable" -> {
          long ms = intParam(req, "ms", 1000);
          disrupt(resp, adminListener, () -> chaos.unavailableFor(ms));
        }
        case "/sim/crash" -> {
          long down = intParam(req, "down_ms", -1);
          String after = req.getParam("after_tokens");
          if (after == null) disrupt(resp, adminListener, () -> chaos.crashNow(down));
          else chaos.crashAfterTokens(intParam(req, "after_tokens", 0), down).onComplete(ar -> ok(resp));
        }
        default -> sendDetail(resp, 404, "Not Found");
      }
    } catch (IllegalArgumentException e) {
      sendJson(resp, 400, VllmError.body(400, e.getMessage()));
    }
  }

  private static void ok(HttpServerResponse resp) {
    sendJson(resp, 200, new JsonObject().put("ok", true));
  }

  /**
   * On the admin listener the reply comes once the main port is closed, so the caller can rely on it; on
   * the main port the reply goes first, since the crash would otherwise cut it.
   */
  private void disrupt(HttpServerResponse resp, boolean adminListener, Supplier<Future<Void>> action) {
    if (adminListener) {
      action.get().onComplete(ar -> ok(resp));
    } else {
      resp.setStatusCode(200).putHeader("content-type", "application/json")
          .end(new JsonObject().put("ok", true).toBuffer())
          .onComplete(ar -> action.get());
    }
  }

  private static int intParam(HttpServerRequest req, String name, int dflt) {
    String v = req.getParam(name);
    if (v == null) return dflt;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }
}
