package dev.clawbus.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.lifecycle.Transition;
import dev.clawbus.infra.node.NodeServices;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingress as a service: the verticle deployed alone on a real Hazelcast member and real HTTP. Its input
 * besides HTTP is the transformer's reply on {@link Addresses#TRANSFORM} and the journal batches sent to its
 * address; here the test plays the transformer and the dispatcher at those two boundaries, and checks what comes
 * out on the wire and on the bus.
 */
class IngressServiceTest {
  static Vertx vertx;
  static NodeServices node;
  static String base;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final BlockingQueue<Message<Submission>> submissions = new LinkedBlockingQueue<>();
  static volatile Consumer<Message<Submission>> transformer;

  @BeforeAll
  static void start() throws Exception {
    int port = LocalPorts.free("127.0.0.1");
    ClawbusConfig cfg = ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_PORT, 0).with(ClawbusConfig.PORT, port)
        .with(ClawbusConfig.API_KEYS, "sk-a=team-a,sk-b=team-b").with(ClawbusConfig.KEEPALIVE_SECONDS, 1)
        .with(ClawbusConfig.VLLM_URL, "http://127.0.0.1:" + LocalPorts.free("127.0.0.1"));
    vertx = ClusterSetup.clusteredVertx(cfg).await(60, TimeUnit.SECONDS);
    node = NodeServices.start(vertx, cfg);
    vertx.eventBus().<Submission>localConsumer(Addresses.TRANSFORM, m -> {
      submissions.add(m);
      Consumer<Message<Submission>> t = transformer;
      if (t != null) t.accept(m);
    }).completion().await(10, TimeUnit.SECONDS);
    vertx.deployVerticle(new IngressVerticle(node)).await(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    node.close();
  }

  @BeforeEach
  void reset() {
    submissions.clear();
    transformer = null;
  }

  static HttpResponse<String> post(String path, String body, String key, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("authorization", "Bearer " + key);
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path, String key) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject chat(boolean stream) {
    return new JsonObject().put("model", "m").put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  static JsonObject error(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject e = new JsonObject(r.body()).getJsonObject("error");
    assertNotNull(e, r.body());
    assertTrue(e.containsKey("message") && e.containsKey("type") && e.containsKey("param") && e.containsKey("code"));
    return e;
  }

  /** A request record of {@code tenant} with a finished journal, as the pipeline would leave it. */
  static RequestRecord finished(String tenant, String id, String text) throws Exception {
    RequestEnvelope env = new RequestEnvelope(id, tenant, Api.CHAT, "m", "chatcmpl-" + id, 1, true, false, false,
        "none", "split", new JsonObject(), 1000, 0, node.member(), null, null, null, 0);
    RequestRecord r = RequestRecord.queued(env, node.member(), "n");
    node.store().create(r).await(10, TimeUnit.SECONDS);
    node.store().apply(r.key(), new Transition.Start(node.member(), "n", 2)).await(10, TimeUnit.SECONDS);
    node.store().apply(r.key(), new Transition.Finish(node.member(), Status.DONE, null, 1, 1, 3))
        .await(10, TimeUnit.SECONDS);
    ChunkWriter w = ChunkWriter.of(env);
    var writer = node.journal().writer(r.key(), dev.clawbus.infra.journal.Journal.Read.EMPTY, null, null);
    vertx.runOnContext(v -> {
      writer.append(StreamEvent.chunk(0, w.role()));
      writer.append(StreamEvent.chunk(1, w.content(text)));
      writer.append(StreamEvent.chunk(2, w.finish("stop")));
      writer.append(StreamEvent.done(3));
    });
    dev.clawbus.infra.testing.Eventually.until(
        () -> node.journal().read(r.key()).await(5, TimeUnit.SECONDS).recorded().terminal(), Duration.ofSeconds(10));
    return r;
  }

  @Test
  void aSubmissionCarriesTheCallersTenantAndTheAnswerIsRelayedAsSse() throws Exception {
    transformer = m -> {
      Submission s = m.body();
      m.reply(new Submission.Queued("chatcmpl-" + s.id(), 42, "m", java.util.Map.of()));
      ChunkWriter w = new ChunkWriter("chatcmpl-" + s.id(), 42, "m");
      List<StreamEvent> events = List.of(StreamEvent.chunk(0, w.role()), StreamEvent.chunk(1, w.content("Hi!")),
          StreamEvent.chunk(2, w.finish("stop")), StreamEvent.done(3));
      vertx.eventBus().send(s.replyTo(), new EventBatch(s.key(), 0, events).encode());
    };
    HttpResponse<String> r = post("/v1/chat/completions", chat(true).encode(), "sk-b", "X-Request-Id", "client-id-001");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    assertEquals("client-id-001", r.headers().firstValue("x-request-id").orElse(null));
    assertTrue(r.body().contains("id: 1\ndata: {"), r.body());
    assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());
    Submission s = submissions.poll(5, TimeUnit.SECONDS).body();
    assertEquals("team-b", s.tenant(), "the tenant comes from the key, never from the body");
    assertEquals(Submission.IdSource.CLIENT, s.idSource());
    assertEquals("team-b/client-id-001", s.key());
    assertNotNull(s.bodyHash());
  }

  @Test
  void idempotencyKeysNameARequestPerTenant() throws Exception {
    transformer = m -> m.fail(400, OpenAiError.invalidRequest("model", "nope").body().encode());
    post("/v1/chat/completions", chat(false).encode(), "sk-a", "Idempotency-Key", "same-key");
    post("/v1/chat/completions", chat(false).encode(), "sk-b", "Idempotency-Key", "same-key");
    Submission a = submissions.poll(5, TimeUnit.SECONDS).body();
    Submission b = submissions.poll(5, TimeUnit.SECONDS).body();
    assertEquals(Submission.IdSource.IDEMPOTENCY_KEY, a.idSource());
    assertFalse(a.key().equals(b.key()), "the same key in two tenants names two requests");
    assertFalse(a.id().contains("same-key"), "the key itself is not echoed as the id");
  }

  @Test
  void refusalsKeepTheirStatusAndShapeAndNothingInternalLeaks() throws Exception {
    transformer = m -> m.fail(400, OpenAiError.invalidRequest("stream_options.include_usage",
        "Invalid type for 'stream_options.include_usage': expected a boolean, but got a string.").body().encode());
    JsonObject e = error(post("/v1/chat/completions", chat(true).encode(), "sk-a"), 400);
    assertEquals("stream_options.include_usage", e.getString("param"));
    transformer = m -> m.fail(500, "java.lang.NullPointerException: boom");
    e = error(post("/v1/chat/completions", chat(true).encode(), "sk-a"), 500);
    assertFalse(e.getString("message").contains("Exception"), e.getString("message"));
    error(post("/v1/chat/completions", "{oops", "sk-a"), 400);
    error(post("/v1/chat/completions", "[]", "sk-a"), 400);
    assertEquals("invalid_api_key", error(post("/v1/chat/completions", chat(true).encode(), "sk-wrong"), 401)
        .getString("code"));
    error(post("/v1/chat/completions", chat(true).encode(), null), 401);
  }

  @Test
  void onlyDocumentedPathsAreServedOrForwarded() throws Exception {
    assertEquals("not_found", error(post("/v1/files", "{}", "sk-a"), 404).getString("code"));
    assertEquals("not_found", error(post("/v2/chat/completions", "{}", "sk-a"), 404).getString("code"));
    assertEquals("not_found", error(get("/etc/passwd", "sk-a"), 404).getString("code"));
    assertEquals("method_not_allowed", error(get("/v1/chat/completions", "sk-a"), 405).getString("code"));
    // Forwarded paths need a key like the rest, then go to vLLM (unreachable here: an OpenAI-shaped 502).
    error(post("/tokenize", "{}", null), 401);
    assertEquals("vllm_unreachable", error(post("/tokenize", "{}", "sk-a"), 502).getString("code"));
    assertEquals("vllm_unreachable", error(post("/v1/embeddings", "{}", "sk-a"), 502).getString("code"));
  }

  /** Another tenant's request is answered exactly like one that does not exist. */
  @Test
  void anotherTenantsRequestIsA404LikeAnUnknownOne() throws Exception {
    RequestRecord a = finished("team-a", "isolated-0001", "secret of team a");
    HttpResponse<String> mine = get("/v1/requests/isolated-0001", "sk-a");
    assertEquals(200, mine.statusCode(), mine.body());
    assertEquals("secret of team a", new JsonObject(mine.body()).getJsonObject("response").getJsonArray("choices")
        .getJsonObject(0).getJsonObject("message").getString("content"));
    HttpResponse<String> theirs = get("/v1/requests/isolated-0001", "sk-b");
    HttpResponse<String> unknown = get("/v1/requests/no-such-request", "sk-b");
    assertEquals(404, theirs.statusCode());
    assertEquals(new JsonObject(unknown.body()).getJsonObject("error").getString("code"),
        new JsonObject(theirs.body()).getJsonObject("error").getString("code"));
    assertFalse(theirs.body().contains("secret"));
    assertEquals(404, get("/v1/requests/isolated-0001/events", "sk-b").statusCode());
    assertEquals(404, post("/v1/requests/isolated-0001/cancel", "", "sk-b").statusCode());
    assertTrue(get("/v1/requests/isolated-0001/events", "sk-a").body().contains("secret of team a"));
    assertEquals(Status.DONE, node.store().get(a.key()).await(5, TimeUnit.SECONDS).status(), "untouched by B");
  }

  @Test
  void attachingAnswersFromTheExistingRequestsJournal() throws Exception {
    RequestRecord a = finished("team-a", "attach-0001", "already answered");
    transformer = m -> m.reply(new Submission.Attach(a.key(), a, java.util.Map.of()));
    HttpResponse<String> r = post("/v1/chat/completions", chat(false).encode(), "sk-a", "X-Request-Id", "attach-0001");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("already answered", new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content"));
    assertEquals("attach-0001", r.headers().firstValue("x-request-id").orElse(null));
  }

  /**
   * A client that stops reading is flow-controlled: the ingress stops pushing when its socket is full (nothing
   * piles up in memory), and continues from the journal when the client reads again, so it gets the exact
   * stream, every event once, in order.
   */
  @Test
  void aReaderThatPausesGetsTheExactStreamWhenItResumes() throws Exception {
    int events = 12_000;
    String chunkText = "x".repeat(2_000);
    transformer = m -> {
      Submission s = m.body();
      m.reply(new Submission.Queued("chatcmpl-" + s.id(), 1, "m", java.util.Map.of()));
      ChunkWriter w = new ChunkWriter("chatcmpl-" + s.id(), 1, "m");
      var writer = node.journal().writer(s.key(), dev.clawbus.infra.journal.Journal.Read.EMPTY, s.replyTo(), null);
      long[] seq = {0};
      long timer = vertx.setPeriodic(5, t -> {
        for (int i = 0; i < 50 && seq[0] < events; i++) {
          writer.append(StreamEvent.chunk(seq[0], w.content(seq[0] + ":" + chunkText)));
          seq[0]++;
        }
        if (seq[0] == events) {
          writer.append(StreamEvent.done(seq[0]++));
          vertx.cancelTimer(t);
        }
      });
    };
    long pausesBefore = EventFollower.PAUSES.get();
    try (java.net.Socket socket = slowReader()) {
      // Not reading while ~24 MB are produced: the socket fills and the ingress must stop pushing.
      dev.clawbus.infra.testing.Eventually.until(() -> EventFollower.PAUSES.get() > pausesBefore,
          Duration.ofSeconds(30));
      // The client keeps not reading while more is produced behind the paused follower, for over two keepalive
      // periods: a client that does not read costs no CPU, so its keepalive timer looks once a period, no more.
      long looks = SseSink.KEEPALIVE_LOOKS.get();
      Thread.sleep(2_500);
      assertTrue(SseSink.KEEPALIVE_LOOKS.get() - looks <= 5,
          "keepalive looks in 2.5 s of a 1 s period: " + (SseSink.KEEPALIVE_LOOKS.get() - looks));
      readExactStream(socket, events, (seq, content) -> assertEquals(seq + ":" + chunkText, content));
    }
  }

  /**
   * A client that reads an answer which already left memory (the archive has it) reads it slowly: its compact form is
   * fetched once and held while the client reads, a slice at a time, not fetched and decoded whole again at every
   * drain of its socket; the client gets the exact stream.
   */
  @Test
  void aSlowReaderOfAnArchivedAnswerHasItFetchedOnce() throws Exception {
    int events = 12_000;
    String chunkText = "a".repeat(2_000);
    RequestEnvelope env = new RequestEnvelope("archived-slow", "team-a", Api.CHAT, "m", "chatcmpl-archived-slow", 1,
        true, false, false, "none", "split", new JsonObject(), 1000, 0, node.member(), null, null, null, 0);
    RequestRecord rec = RequestRecord.queued(env, node.member(), "n");
    ChunkWriter w = ChunkWriter.of(env);
    List<StreamEvent> answer = new ArrayList<>();
    for (long seq = 0; seq < events; seq++) answer.add(StreamEvent.chunk(seq, w.content(seq + ":" + chunkText)));
    answer.add(StreamEvent.done(events));
    byte[] compact = dev.clawbus.infra.contract.CompactAnswer.encode(answer, "");
    java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
    node.journal().archive(key -> {
      if (!key.equals(rec.key())) return io.vertx.core.Future.succeededFuture(null);
      fetches.incrementAndGet();
      return io.vertx.core.Future.succeededFuture(compact);
    });
    try {
      transformer = m -> m.reply(new Submission.Attach(rec.key(), rec, java.util.Map.of()));
      long pausesBefore = EventFollower.PAUSES.get();
      try (java.net.Socket socket = slowReader()) {
        dev.clawbus.infra.testing.Eventually.until(() -> EventFollower.PAUSES.get() > pausesBefore,
            Duration.ofSeconds(30));
        // Halfway through, the client stops reading again until its socket has filled a second time. Counted from
        // the first pause, not from this instant: a follower that filled the socket while the client read is
        // already paused here and stays so (nothing drains), so a pause after this instant may never come.
        readExactStream(socket, events, (seq, content) -> assertEquals(seq + ":" + chunkText, content), () -> {
          try {
            dev.clawbus.infra.testing.Eventually.until(() -> EventFollower.PAUSES.get() >= pausesBefore + 2,
                Duration.ofSeconds(30));
          } catch (Exception e) {
            throw new AssertionError("the socket never filled again", e);
          }
        });
      }
      long pauses = EventFollower.PAUSES.get() - pausesBefore;
      assertTrue(pauses >= 2, "the socket filled again while it was read (drains to go on from): " + pauses);
      assertEquals(1, fetches.get(), "the archived answer fetched once, held while it was read");
    } finally {
      node.journal().archive(key -> io.vertx.core.Future.succeededFuture(null));
    }
  }

  /** A client on a small receive buffer that sent a streamed chat request and reads nothing yet. */
  private java.net.Socket slowReader() throws Exception {
    java.net.Socket socket = new java.net.Socket();
    socket.setReceiveBufferSize(16 * 1024);
    socket.setSoTimeout(60_000); // a stalled stream fails the read (a socket read ignores JUnit's interrupt)
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", URI.create(base).getPort()));
    String body = chat(true).encode();
    socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-a\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Reads the SSE stream to its end: events 0..{@code events} each once, in order; each content checked. */
  private static void readExactStream(java.net.Socket socket, int events,
      java.util.function.BiConsumer<Long, String> content) throws Exception {
    readExactStream(socket, events, content, () -> {});
  }

  /** As above; {@code halfway} runs once, when half the events were read (the client stops reading meanwhile). */
  private static void readExactStream(java.net.Socket socket, int events,
      java.util.function.BiConsumer<Long, String> content, Runnable halfway) throws Exception {
    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8));
    long expected = 0;
    String line;
    boolean done = false;
    while (!done && (line = in.readLine()) != null) {
      if (line.startsWith("id: ")) {
        assertEquals(expected, Long.parseLong(line.substring(4)), "every event once, in order");
        expected++;
        if (expected == events / 2) halfway.run();
      } else if (line.startsWith("data: {")) {
        JsonObject c = new JsonObject(line.substring(6));
        String text = c.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content");
        if (text != null) content.accept(expected - 1, text);
      } else if (line.equals("data: [DONE]")) {
        done = true;
      }
    }
    assertTrue(done, "the stream ended");
    assertEquals(events + 1, expected);
  }

  /**
   * A fast backend can put a whole long answer into one journal batch (group commit: everything appended while the
   * previous write was in flight). A client that stops reading must not get it into its socket's write queue at once
   * (that queue is heap, kept as long as the client does not read): the batch goes out in bounded slices, and the
   * client still gets every event exactly once when it reads again.
   */
  @Test
  void aWholeAnswerInOneBatchGoesToAPausedReaderInBoundedSlices() throws Exception {
    int events = 12_000;
    String chunkText = "y".repeat(2_000);
    transformer = m -> {
      Submission s = m.body();
      m.reply(new Submission.Queued("chatcmpl-" + s.id(), 1, "m", java.util.Map.of()));
      ChunkWriter w = new ChunkWriter("chatcmpl-" + s.id(), 1, "m");
      var writer = node.journal().writer(s.key(), dev.clawbus.infra.journal.Journal.Read.EMPTY, s.replyTo(), null);
      for (long seq = 0; seq < events; seq++) writer.append(StreamEvent.chunk(seq, w.content(seq + ":" + chunkText)));
      writer.append(StreamEvent.done(events));
    };
    EventFollower.LARGEST_SLICE.set(0);
    long pausesBefore = EventFollower.PAUSES.get();
    try (java.net.Socket socket = slowReader()) {
      dev.clawbus.infra.testing.Eventually.until(() -> EventFollower.PAUSES.get() > pausesBefore,
          Duration.ofSeconds(30));
      readExactStream(socket, events, (seq, content) -> assertEquals(seq + ":" + chunkText, content));
    }
    // Vert.x 5 says a socket is full only once 16 writes wait behind Netty's buffer: a client that does not read
    // holds up to 17 slices on the heap, which must stay a few hundred KB (40 such clients: ~12 MB, not ~100 MB).
    assertTrue(17L * EventFollower.SLICE_CHARS <= 300 * 1024,
        "17 slices of " + EventFollower.SLICE_CHARS + " characters held per paused client");
    long largest = EventFollower.LARGEST_SLICE.get();
    assertTrue(largest <= EventFollower.SLICE_CHARS + 2_500,
        "at most one slice (" + EventFollower.SLICE_CHARS + " characters) handed to the socket at once, not ~24 MB: "
            + largest);
  }

  /**
   * The socket's drain event is edge-triggered: should one never come (the socket drained, nobody said so), a paused
   * follower finds out by itself within a second and goes on, instead of holding the client at that point forever.
   */
  @Test
  void aPausedFollowerGoesOnWhenTheSocketDrainedWithoutADrainEvent() throws Exception {
    String key = RequestRecord.key("team-a", "lost-drain-" + System.nanoTime());
    java.util.concurrent.atomic.AtomicBoolean full = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicBoolean drainAsked = new java.util.concurrent.atomic.AtomicBoolean();
    List<Long> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    ResponseSink sink = new ResponseSink() {
      @Override public boolean accept(StreamEvent e) {
        got.add(e.seq());
        return e.terminal();
      }
      @Override public void close() {}
      @Override public boolean full() {
        return full.get();
      }
      @Override public void onDrain(Runnable action) {
        drainAsked.set(true); // and the drain event never comes
      }
    };
    ChunkWriter w = new ChunkWriter("chatcmpl-x", 1, "m");
    String big = "z".repeat(EventFollower.SLICE_CHARS - 1_000); // one event per slice: the socket is looked at between
    var writer = node.journal().writer(key, dev.clawbus.infra.journal.Journal.Read.EMPTY, null, null);
    vertx.runOnContext(v -> {
      for (int i = 0; i < 3; i++) writer.append(StreamEvent.chunk(i, w.content(big)));
      writer.append(StreamEvent.done(3));
    });
    dev.clawbus.infra.testing.Eventually.until(
        () -> node.journal().read(key).await(5, TimeUnit.SECONDS).recorded().terminal(), Duration.ofSeconds(10));
    long unsignalled = EventFollower.UNSIGNALLED_DRAINS.get();
    io.vertx.core.Promise<Void> ended = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> new EventFollower(vertx, node.journal(), key, -1, sink).follow().onComplete(ended));
    dev.clawbus.infra.testing.Eventually.until(drainAsked::get, Duration.ofSeconds(10));
    assertEquals(List.of(0L), got, "paused after the first slice");
    full.set(false);
    ended.future().await(5, TimeUnit.SECONDS);
    assertEquals(List.of(0L, 1L, 2L, 3L), got, "every event once, in order");
    assertTrue(EventFollower.UNSIGNALLED_DRAINS.get() > unsignalled);
  }

  /**
   * While a client waits, a data event goes out every keepalive period: never a longer gap (OpenClaw's idle timer
   * counts data events), and not a flood either.
   */
  @Test
  void keepalivesComeOncePerPeriodWhileNothingElseDoes() throws Exception {
    transformer = m -> {
      Submission s = m.body();
      m.reply(new Submission.Queued("chatcmpl-" + s.id(), 1, "m", java.util.Map.of()));
      ChunkWriter w = new ChunkWriter("chatcmpl-" + s.id(), 1, "m");
      vertx.setTimer(4_500, t -> vertx.eventBus().send(s.replyTo(), new EventBatch(s.key(), 0,
          List.of(StreamEvent.chunk(0, w.role()), StreamEvent.done(1))).encode()));
    };
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer sk-a")
        .POST(HttpRequest.BodyPublishers.ofString(chat(true).encode())).build();
    long start = System.nanoTime();
    List<Long> at = new ArrayList<>();
    HttpResponse<Stream<String>> r = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
    r.body().forEach(line -> {
      if (line.startsWith("data: ")) at.add((System.nanoTime() - start) / 1_000_000);
    });
    assertTrue(at.size() >= 5, "4 keepalives and the answer: " + at);
    // the first comes a period after the request was queued (in a cold JVM that alone can take a few hundred ms)
    assertTrue(at.get(0) <= 2_000, "the first keepalive a period after the request was queued: " + at);
    for (int i = 1; i < at.size(); i++) {
      assertTrue(at.get(i) - at.get(i - 1) <= 1_250, "no gap above the 1 s period (plus jitter): " + at);
    }
    for (int i = 1; i < 4; i++) {
      assertTrue(at.get(i) - at.get(i - 1) >= 800, "keepalives are not sent more often than needed: " + at);
    }
  }

  /** The context the transformer replies with for a Responses request of this body. */
  /**
   * A transformer that queues a Responses request ({@code stream} or not) and sends the events {@code answer} makes
   * with the request's chunk writer, as one journal batch.
   */
  static Consumer<Message<Submission>> answersResponses(boolean stream,
      java.util.function.Function<ChunkWriter, List<StreamEvent>> answer) {
    return m -> {
      Submission s = m.body();
      m.reply(new Submission.Queued("chatcmpl-" + s.id(), 1, "m", responsesContext(s, responsesBody(stream)),
          java.util.Map.of()));
      List<StreamEvent> events = answer.apply(new ChunkWriter("chatcmpl-" + s.id(), 1, "m"));
      vertx.eventBus().send(s.replyTo(), new EventBatch(s.key(), 0, events).encode());
    };
  }

  static JsonObject responsesContext(Submission s, JsonObject body) {
    return dev.clawbus.responses.ResponsesRequestTranslator.translate(body, null).context(s.id(), 1).toJson();
  }

  static JsonObject responsesBody(boolean stream) {
    return new JsonObject().put("model", "m").put("input", "hi").put("stream", stream);
  }

  /** The data lines of an SSE body, each with its event line checked against its type. */
  static List<JsonObject> frames(String body) {
    List<JsonObject> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) continue;
      String[] lines = block.split("\n");
      assertEquals(2, lines.length, "event: and data: only: " + block);
      JsonObject data = new JsonObject(lines[1].substring("data: ".length()));
      assertEquals("event: " + data.getString("type"), lines[0]);
      out.add(data);
    }
    return out;
  }

  /**
   * A Responses answer can only be opened with the transformer's reply (it carries the response's context): events
   * that arrive before it are read from the journal, none lost, none twice.
   */
  @Test
  void responsesEventsThatArriveBeforeTheReplyAreNotLost() throws Exception {
    transformer = m -> {
      Submission s = m.body();
      ChunkWriter w = new ChunkWriter("chatcmpl-" + s.id(), 1, "m");
      var writer = node.journal().writer(s.key(), dev.clawbus.infra.journal.Journal.Read.EMPTY, s.replyTo(), null);
      writer.append(StreamEvent.chunk(0, w.role()));
      writer.append(StreamEvent.chunk(1, w.content("Hello")));
      writer.append(StreamEvent.chunk(2, w.content(" there")));
      writer.append(StreamEvent.chunk(3, w.finish("stop")));
      writer.append(StreamEvent.chunk(4, w.usage(3, 2)));
      writer.append(StreamEvent.done(5));
      // The answer is journaled and sent live before the reply goes out.
      vertx.setTimer(300, t -> m.reply(new Submission.Queued("chatcmpl-" + s.id(), 1, "m",
          responsesContext(s, responsesBody(true)), java.util.Map.of())));
    };
    HttpResponse<String> r = post("/v1/responses", responsesBody(true).encode(), "sk-a");
    assertEquals(200, r.statusCode(), r.body());
    List<JsonObject> frames = frames(r.body());
    for (int i = 0; i < frames.size(); i++) assertEquals(i, frames.get(i).getLong("sequence_number"));
    assertEquals("response.completed", frames.get(frames.size() - 1).getString("type"));
    assertEquals("Hello there", frames.get(frames.size() - 1).getJsonObject("response").getJsonArray("output")
        .getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"));
    assertEquals(2, frames.stream().filter(f -> "response.output_text.delta".equals(f.getString("type"))).count());
  }

  /**
   * A Responses stream that waits: the first keepalive period brings the opening events, then a keepalive event
   * naming the last sequence number sent, once per period, never a longer gap.
   */
  @Test
  void aWaitingResponsesStreamOpensThenKeepsAliveOncePerPeriod() throws Exception {
    transformer = m -> {
      Submission s = m.body();
      m.reply(new Submission.Queued("chatcmpl-" + s.id(), 1, "m", responsesContext(s, responsesBody(true)),
          java.util.Map.of()));
      ChunkWriter w = new ChunkWriter("chatcmpl-" + s.id(), 1, "m");
      // Events that make no Responses event (the role, whitespace held back) are no data for the idle timer.
      vertx.setTimer(1_500, t -> vertx.eventBus().send(s.replyTo(), new EventBatch(s.key(), 0,
          List.of(StreamEvent.chunk(0, w.role()), StreamEvent.chunk(1, w.content("\n\n")))).encode()));
      vertx.setTimer(3_500, t -> vertx.eventBus().send(s.replyTo(), new EventBatch(s.key(), 1,
          List.of(StreamEvent.chunk(2, w.content("late")), StreamEvent.chunk(3, w.finish("stop")),
              StreamEvent.done(4))).encode()));
    };
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/responses")).timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer sk-a").POST(HttpRequest.BodyPublishers.ofString(responsesBody(true).encode()))
        .build();
    long start = System.nanoTime();
    List<Long> at = new ArrayList<>();
    List<JsonObject> data = new ArrayList<>();
    HttpResponse<Stream<String>> r = HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
    r.body().forEach(line -> {
      if (line.startsWith("data: ")) {
        at.add((System.nanoTime() - start) / 1_000_000);
        data.add(new JsonObject(line.substring(6)));
      }
    });
    assertEquals("response.created", data.get(0).getString("type"), "the first period opens the stream");
    assertEquals("response.in_progress", data.get(1).getString("type"));
    long keepalives = data.stream().filter(d -> "keepalive".equals(d.getString("type"))).count();
    assertTrue(keepalives >= 2, "keepalives while waiting: " + data);
    for (JsonObject d : data) {
      if ("keepalive".equals(d.getString("type"))) assertEquals(1L, d.getLong("sequence_number"), d.encode());
    }
    long previous = 0;
    for (long t : at) {
      assertTrue(t - previous <= 1_250, "no gap above the 1 s period (plus jitter): " + at);
      previous = t;
    }
    assertEquals("response.completed", data.get(data.size() - 1).getString("type"));
  }

  /** Before anything was written an error is an HTTP error, streamed or not; after output it is the response's. */
  @Test
  void aResponsesErrorBeforeOutputIsAnHttpErrorAndAfterItTheResponseFails() throws Exception {
    String overflow = new OpenAiError(400, "invalid_request_error", "context_length_exceeded", "input",
        "This model's maximum context length is 10 tokens.").body().encode();
    for (boolean stream : new boolean[] {true, false}) {
      transformer = answersResponses(stream, w -> List.of(StreamEvent.error(0, 400, overflow)));
      JsonObject e = error(post("/v1/responses", responsesBody(stream).encode(), "sk-a"), 400);
      assertEquals("context_length_exceeded", e.getString("code"));

      transformer = answersResponses(stream, w -> List.of(StreamEvent.chunk(0, w.role()),
          StreamEvent.chunk(1, w.content("part")), StreamEvent.error(2, 503,
              OpenAiError.server(503, "vllm_unavailable", "vLLM is gone.").body().encode())));
      HttpResponse<String> r = post("/v1/responses", responsesBody(stream).encode(), "sk-a");
      assertEquals(200, r.statusCode(), r.body());
      JsonObject response = stream ? frames(r.body()).get(frames(r.body()).size() - 1).getJsonObject("response")
          : new JsonObject(r.body());
      assertEquals("failed", response.getString("status"));
      assertEquals("server_error", response.getJsonObject("error").getString("code"));

      // A cancellation is not the request's fault: the answer is the response, cancelled.
      OpenAiError c = OpenAiError.cancelled();
      transformer = answersResponses(stream, w -> List.of(StreamEvent.error(0, c.status(), c.body().encode())));
      r = post("/v1/responses", responsesBody(stream).encode(), "sk-a");
      assertEquals(200, r.statusCode(), r.body());
      response = stream ? frames(r.body()).get(frames(r.body()).size() - 1).getJsonObject("response")
          : new JsonObject(r.body());
      assertEquals("cancelled", response.getString("status"));
    }
  }

  /** A team-a Responses request of {@code body} as the pipeline leaves it once it runs here: envelope kept, running. */
  static RequestEnvelope runningResponse(String id, JsonObject body) throws Exception {
    JsonObject context = dev.clawbus.responses.ResponsesRequestTranslator.translate(body, null).context(id, 1).toJson();
    RequestEnvelope env = new RequestEnvelope(id, "team-a", Api.RESPONSES, "m", "chatcmpl-" + id, 1, false, true,
        true, "none", "split", new JsonObject().put("messages", new JsonArray()), 1000, 0, node.member(), null, null,
        context, 0);
    node.envelopes().keep(env).await(10, TimeUnit.SECONDS);
    RequestRecord r = RequestRecord.queued(env, node.member(), "n");
    node.store().create(r).await(10, TimeUnit.SECONDS);
    node.store().apply(r.key(), new Transition.Start(node.member(), "n", 2)).await(10, TimeUnit.SECONDS);
    return env;
  }

  /**
   * A running response, as the pipeline leaves it (record, envelope, the journal so far), whose run takes half a
   * second to stop: the cancel answers with the response once that run has ended, and only to its own tenant.
   */
  @Test
  void aCancelAnswersWithTheResponseOnceItsRunHasEnded() throws Exception {
    String id = "cancel-resp-0001";
    RequestEnvelope env = runningResponse(id, responsesBody(false).put("background", true));
    RequestRecord r = RequestRecord.queued(env, node.member(), "n");
    ChunkWriter w = ChunkWriter.of(env);
    var writer = node.journal().writer(r.key(), dev.clawbus.infra.journal.Journal.Read.EMPTY, null, null);
    vertx.runOnContext(v -> {
      writer.append(StreamEvent.chunk(0, w.role()));
      writer.append(StreamEvent.chunk(1, w.content("partial")));
    });
    var run = vertx.eventBus().<String>consumer(Addresses.CANCEL, m -> {
      if (!m.body().equals(r.key())) return;
      vertx.setTimer(500, t -> {
        OpenAiError e = OpenAiError.cancelled();
        writer.append(StreamEvent.error(2, e.status(), e.body().encode()));
        node.store().apply(r.key(), new Transition.Finish(node.member(), Status.CANCELLED,
            dev.clawbus.infra.contract.ErrorInfo.of(e), null, null, System.currentTimeMillis()));
      });
    });
    run.completion().await(10, TimeUnit.SECONDS);
    try {
      dev.clawbus.infra.testing.Eventually.until(() -> new JsonObject(get("/v1/responses/resp_" + id, "sk-a").body())
          .getJsonArray("output").size() == 1, Duration.ofSeconds(10));
      assertEquals(404, post("/v1/responses/resp_" + id + "/cancel", "", "sk-b").statusCode(), "not B's to cancel");
      HttpResponse<String> cancelled = post("/v1/responses/resp_" + id + "/cancel", "", "sk-a");
      assertEquals(200, cancelled.statusCode(), cancelled.body());
      JsonObject response = new JsonObject(cancelled.body());
      assertEquals("cancelled", response.getString("status"), response.encode());
      assertEquals("partial", response.getJsonArray("output").getJsonObject(0).getJsonArray("content")
          .getJsonObject(0).getString("text"));
    } finally {
      run.unregister();
    }
  }

  /**
   * {@code completed_at} is the time the answer's terminal event carries (stamped once, where the answer ended): the
   * live stream, the live JSON answer and the response read back later (whole or streamed again) all show it, whatever
   * the clock of the node that renders them or the request's record says. Stamped 10 s in the past here, so a renderer
   * that read its own clock, or the record's, would be off by 10.
   */
  @Test
  void completedAtIsTheTimeTheTerminalEventCarriesLiveAndReplayed() throws Exception {
    long endedAt = System.currentTimeMillis() - 10_000;
    for (boolean stream : new boolean[] {true, false}) {
      transformer = answersResponses(stream, w -> List.of(StreamEvent.chunk(0, w.role()),
          StreamEvent.chunk(1, w.content("done")), StreamEvent.chunk(2, w.finish("stop")),
          StreamEvent.done(3, endedAt)));
      HttpResponse<String> r = post("/v1/responses", responsesBody(stream).encode(), "sk-a");
      assertEquals(200, r.statusCode(), r.body());
      JsonObject response = stream ? frames(r.body()).get(frames(r.body()).size() - 1).getJsonObject("response")
          : new JsonObject(r.body());
      assertEquals("completed", response.getString("status"), response.encode());
      assertEquals(endedAt / 1000, response.getLong("completed_at"),
          (stream ? "live stream " : "live JSON ") + r.body());
    }

    // Read back: the record finished at another time (its node's clock); the event's time is the one shown.
    String id = "completed-at-0001";
    RequestEnvelope env = runningResponse(id, responsesBody(false));
    RequestRecord rec = RequestRecord.queued(env, node.member(), "n");
    ChunkWriter w = ChunkWriter.of(env);
    var writer = node.journal().writer(rec.key(), dev.clawbus.infra.journal.Journal.Read.EMPTY, null, null);
    vertx.runOnContext(v -> {
      writer.append(StreamEvent.chunk(0, w.role()));
      writer.append(StreamEvent.chunk(1, w.content("kept")));
      writer.append(StreamEvent.chunk(2, w.finish("stop")));
      writer.append(StreamEvent.done(3, endedAt));
    });
    node.store().apply(rec.key(), new Transition.Finish(node.member(), Status.DONE, null, null, null,
        System.currentTimeMillis())).await(10, TimeUnit.SECONDS);
    JsonObject polled = dev.clawbus.infra.testing.Eventually.until(
        () -> new JsonObject(get("/v1/responses/resp_" + id, "sk-a").body()),
        j -> "completed".equals(j.getString("status")), Duration.ofSeconds(10));
    assertEquals(endedAt / 1000, polled.getLong("completed_at"), "read back: " + polled.encode());
    List<JsonObject> replayed = frames(get("/v1/responses/resp_" + id + "?stream=true", "sk-a").body());
    JsonObject last = replayed.get(replayed.size() - 1);
    assertEquals("response.completed", last.getString("type"));
    assertEquals(endedAt / 1000, last.getJsonObject("response").getLong("completed_at"), "replayed: " + last.encode());
  }

  /** A background stream opens at once, queued: its client learns the id to resume with before anything runs. */
  @Test
  void aBackgroundStreamOpensAtOnce() throws Exception {
    JsonObject body = responsesBody(true).put("background", true);
    transformer = m -> {
      Submission s = m.body();
      m.reply(new Submission.Queued("chatcmpl-" + s.id(), 1, "m", responsesContext(s, body), java.util.Map.of()));
      ChunkWriter w = new ChunkWriter("chatcmpl-" + s.id(), 1, "m");
      // through the journal, as a run writes: stored, then sent live (a batch sent live only is lost to a follower
      // that was reading the journal at that moment, which no run does)
      var writer = node.journal().writer(s.key(), dev.clawbus.infra.journal.Journal.Read.EMPTY, s.replyTo(), null);
      vertx.setTimer(2_000, t -> {
        writer.append(StreamEvent.chunk(0, w.role()));
        writer.append(StreamEvent.chunk(1, w.content("later")));
        writer.append(StreamEvent.chunk(2, w.finish("stop")));
        writer.append(StreamEvent.done(3));
      });
    };
    long start = System.nanoTime();
    List<Long> at = new ArrayList<>();
    List<JsonObject> data = new ArrayList<>();
    HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/responses")).timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer sk-a").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
        HttpResponse.BodyHandlers.ofLines()).body().forEach(line -> {
          if (line.startsWith("data: ")) {
            at.add((System.nanoTime() - start) / 1_000_000);
            data.add(new JsonObject(line.substring(6)));
          }
        });
    assertEquals("response.created", data.get(0).getString("type"));
    assertEquals("queued", data.get(0).getJsonObject("response").getString("status"));
    assertEquals("response.queued", data.get(1).getString("type"));
    assertTrue(at.get(0) < 800, "at once, not after a keepalive period: " + at);
    assertEquals("response.completed", data.get(data.size() - 1).getString("type"));
  }
}
