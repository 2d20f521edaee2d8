package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request's lifecycle end to end, one mechanism per test, each arranged so that no other mechanism could make
 * it pass: attaching by idempotency key, by request id and by identical body; tenant isolation through all three;
 * an invalid request that claims nothing; a cancel while queued; keepalives with the default period.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleEndToEndTest {
  static final String A = "sk-tenant-a";
  static final String B = "sk-tenant-b";
  @TempDir static Path dir;
  static ClawbusNode node;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    node = ClawbusNode.start(TestNodes.simNode(dir)
        .with(ClawbusConfig.API_KEYS, A + "=team-a," + B + "=team-b")
        .with(ClawbusConfig.MAX_INFLIGHT, 1)
        .with(ClawbusConfig.KEEPALIVE_SECONDS, 5));
    base = node.url();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  static HttpResponse<String> chat(String key, JsonObject body, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "authorization";
    all[1] = "Bearer " + key;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return TestNodes.post(base + "/v1/chat/completions", body.encode(), all);
  }

  static long simSaw(String marker) {
    return node.simulator().requests().stream().filter(r -> r.encode().contains(marker)).count();
  }

  static String content(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content");
  }

  static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("x-request-id").orElseThrow();
  }

  /** Different bodies, so the dedupe window cannot be what attaches them: only the key does. */
  @Test
  @Order(1)
  void anIdempotencyKeyAloneAttachesTheRetry() throws Exception {
    HttpResponse<String> first = chat(A, TestNodes.userChat("idem first [[sim words=6]]", false),
        "Idempotency-Key", "idem-1");
    HttpResponse<String> retry = chat(A, TestNodes.userChat("idem retry, other body [[sim words=6]]", false),
        "Idempotency-Key", "idem-1");
    assertEquals(200, retry.statusCode(), retry.body());
    assertEquals(requestId(first), requestId(retry));
    assertEquals(content(first), content(retry));
    assertEquals(0, simSaw("idem retry"), "the retry was not generated");
  }

  @Test
  @Order(2)
  void aClientRequestIdAloneAttachesTheRetry() throws Exception {
    HttpResponse<String> first = chat(A, TestNodes.userChat("rid first [[sim words=6]]", false),
        "X-Request-Id", "rid-attach-0001");
    HttpResponse<String> retry = chat(A, TestNodes.userChat("rid retry, other body [[sim words=6]]", false),
        "X-Request-Id", "rid-attach-0001");
    assertEquals("rid-attach-0001", requestId(retry));
    assertEquals(content(first), content(retry));
    assertEquals(0, simSaw("rid retry"));
  }

  /** No id, no key: only the identical body within the dedupe window attaches the retry. */
  @Test
  @Order(3)
  void anIdenticalBodyAloneAttachesTheRetry() throws Exception {
    JsonObject body = TestNodes.userChat("dedupe me [[sim words=30 tps=200]]", false);
    CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
      try {
        return chat(A, body);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Eventually.until(() -> simSaw("dedupe me") == 1, Duration.ofSeconds(20));
    HttpResponse<String> retry = chat(A, body);
    HttpResponse<String> one = first.get(60, TimeUnit.SECONDS);
    assertEquals(requestId(one), requestId(retry));
    assertEquals(content(one), content(retry));
    assertEquals(1, simSaw("dedupe me"), "generated once");
    HttpResponse<String> otherTenant = chat(B, body);
    assertNotEquals(requestId(one), requestId(otherTenant), "dedupe is per tenant");
    assertEquals(2, simSaw("dedupe me"));
  }

  /**
   * Key B naming A's request (by id or idempotency key) gets a request of its own, never A's answer; and B cannot
   * read, stream or cancel A's request.
   */
  @Test
  @Order(4)
  void anotherTenantNeverReachesARequest() throws Exception {
    HttpResponse<String> a = chat(A, TestNodes.userChat("secret of A [[sim words=5]]", false),
        "X-Request-Id", "iso-request-0001");
    HttpResponse<String> b = chat(B, TestNodes.userChat("B asks [[sim text=\"B's own answer\"]]", false),
        "X-Request-Id", "iso-request-0001");
    assertEquals(200, b.statusCode(), b.body());
    assertEquals("iso-request-0001", requestId(b), "B's own request under the id it chose");
    assertEquals("B's own answer", content(b));
    assertFalse(b.body().contains(content(a)));
    String[] auth = {"authorization", "Bearer " + B};
    assertEquals(content(a), new JsonObject(TestNodes.get(base + "/v1/requests/iso-request-0001", "authorization",
        "Bearer " + A).body()).getJsonObject("response").getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content"));
    assertEquals("B's own answer", new JsonObject(TestNodes.get(base + "/v1/requests/iso-request-0001", auth).body())
        .getJsonObject("response").getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content"));

    HttpResponse<String> ak = chat(A, TestNodes.userChat("A keyed [[sim words=5]]", false), "Idempotency-Key", "iso-k");
    HttpResponse<String> bk = chat(B, TestNodes.userChat("B keyed [[sim text=\"B keyed answer\"]]", false),
        "Idempotency-Key", "iso-k");
    assertEquals("B keyed answer", content(bk));
    assertNotEquals(content(ak), content(bk));
    String aOnly = requestId(chat(A, TestNodes.userChat("A only [[sim words=3]]", false), "X-Request-Id",
        "a-only-000001"));
    for (String path : List.of("/v1/requests/" + aOnly, "/v1/requests/" + aOnly + "/events")) {
      HttpResponse<String> r = TestNodes.get(base + path, auth);
      assertEquals(404, r.statusCode(), path);
      assertEquals("request_not_found", new JsonObject(r.body()).getJsonObject("error").getString("code"));
    }
    assertEquals(404, TestNodes.post(base + "/v1/requests/" + aOnly + "/cancel", "", auth).statusCode());
  }

  /** Validation comes before any claim: the identical retry of an invalid request gets the same 400 at once. */
  @Test
  @Order(5)
  void anIdenticalRetryOfAnInvalidRequestGetsTheSame400AtOnce() throws Exception {
    JsonObject bad = TestNodes.userChat("bad", true).put("stream_options", new JsonObject().put("include_usage", "yes"));
    HttpResponse<String> first = chat(A, bad, "X-Request-Id", "invalid-0001");
    long t0 = System.nanoTime();
    HttpResponse<String> retry = chat(A, bad, "X-Request-Id", "invalid-0001");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(400, first.statusCode(), first.body());
    assertEquals(first.body(), retry.body());
    assertEquals(400, retry.statusCode());
    assertEquals("stream_options.include_usage", new JsonObject(retry.body()).getJsonObject("error")
        .getString("param"));
    assertTrue(ms < 100, "answered at once, not after waiting for a request that never was: " + ms + " ms");
    HttpResponse<String> noId = chat(A, bad);
    assertEquals(first.body(), noId.body(), "the dedupe window does not attach it either");
    assertEquals(404, TestNodes.get(base + "/v1/requests/invalid-0001", "authorization", "Bearer " + A).statusCode());
  }

  /** One vLLM slot: a request cancelled while it waits for the slot never reaches vLLM. */
  @Test
  @Order(6)
  void aQueuedRequestCancelledBeforeItsSlotFreesNeverRuns() throws Exception {
    CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
      try {
        return chat(A, TestNodes.userChat("hold the slot [[sim words=40 tps=20]]", false));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Eventually.until(() -> simSaw("hold the slot") == 1, Duration.ofSeconds(20));
    CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return chat(A, TestNodes.userChat("cancel me while queued [[sim words=3]]", true), "X-Request-Id",
            "queued-cancel-01");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    String[] auth = {"authorization", "Bearer " + A};
    Eventually.until(() -> TestNodes.get(base + "/v1/requests/queued-cancel-01", auth).statusCode() == 200,
        Duration.ofSeconds(20));
    HttpResponse<String> c = TestNodes.post(base + "/v1/requests/queued-cancel-01/cancel", "", auth);
    assertEquals(200, c.statusCode(), c.body());
    assertEquals("cancelled", new JsonObject(c.body()).getString("status"));
    HttpResponse<String> w = waiting.get(30, TimeUnit.SECONDS);
    List<Sse> events = TestNodes.sse(w.body());
    assertEquals("cancelled", new JsonObject(events.get(events.size() - 1).data()).getJsonObject("error")
        .getString("code"), "its waiting client gets the end: " + w.body());
    assertEquals(200, slow.get(60, TimeUnit.SECONDS).statusCode());
    chat(A, TestNodes.userChat("after the slow one [[sim words=2]]", false));
    assertEquals(0, simSaw("cancel me while queued"), "it never reached vLLM");
    assertEquals("cancelled", new JsonObject(TestNodes.get(base + "/v1/requests/queued-cancel-01", auth).body())
        .getString("status"));
  }

  /** With the default 5 s period and 22 s of vLLM silence, no gap between data events exceeds 5.5 s. */
  @Test
  @Order(7)
  void keepalivesHoldALongFirstTokenWithTheDefaultPeriod() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
        .header("authorization", "Bearer " + A).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(TestNodes.userChat("slow to start [[sim words=3 ttft_ms=22000]]",
            true).encode())).build();
    long t0 = System.nanoTime();
    List<Long> at = new ArrayList<>();
    HttpResponse<Stream<String>> r = TestNodes.HTTP.send(req, HttpResponse.BodyHandlers.ofLines());
    r.body().forEach(line -> {
      if (line.startsWith("data: ")) at.add((System.nanoTime() - t0) / 1_000_000);
    });
    assertTrue(at.get(at.size() - 1) > 21_000, "the answer took its 22 s: " + at);
    long prev = 0;
    for (long t : at) {
      assertTrue(t - prev <= 5_500, "gap " + (t - prev) + " ms: " + at);
      prev = t;
    }
  }
}
