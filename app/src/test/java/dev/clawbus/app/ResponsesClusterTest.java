package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.clawbus.broker.EmbeddedKafka;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.lifecycle.Envelopes;
import dev.clawbus.infra.testing.Eventually;
import dev.clawbus.responses.Sdk;
import dev.clawbus.responses.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Responses API on a cluster of two nodes sharing one Kafka, with two tenants: a response is read, resumed,
 * cancelled and deleted on either node, only by its tenant; an answer that left memory is read back from Kafka.
 * Node one writes requests to Kafka (durability on), node two does not ({@code --durability off}): its responses'
 * envelopes are kept in Hazelcast, so both ways a node finds another's response are used.
 */
class ResponsesClusterTest {
  static final String A = "sk-resp-a";
  static final String B = "sk-resp-b";
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static ClawbusNode one;
  static ClawbusNode two;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    int portOne = LocalPorts.free("127.0.0.1");
    int portTwo = LocalPorts.free("127.0.0.1");
    ClawbusConfig base = TestNodes.firstOfTwo(dir.resolve("one"), kafka.bootstrapServers(), portOne, portTwo)
        .with(ClawbusConfig.API_KEYS, A + "=team-a," + B + "=team-b").with(ClawbusConfig.JOURNAL_MEMORY_SECONDS, 1);
    one = ClawbusNode.start(base);
    two = ClawbusNode.start(TestNodes.secondOfTwo(base, one, dir.resolve("two"), portTwo)
        .with(ClawbusConfig.DURABILITY, "off"));
  }

  @AfterAll
  static void stop() {
    if (two != null) two.close();
    if (one != null) one.close();
    if (kafka != null) kafka.close();
  }

  static HttpResponse<String> post(ClawbusNode node, String key, String path, String body, String... headers)
      throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "authorization";
    all[1] = "Bearer " + key;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return TestNodes.post(node.url() + path, body, all);
  }

  static HttpResponse<String> get(ClawbusNode node, String key, String path) throws Exception {
    return TestNodes.get(node.url() + path, "authorization", "Bearer " + key);
  }

  static HttpResponse<String> delete(ClawbusNode node, String key, String path) throws Exception {
    return TestNodes.HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + path)).timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer " + key).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject request(String input, boolean stream, boolean background) {
    return new JsonObject().put("model", TestNodes.MODEL).put("input", input).put("stream", stream)
        .put("background", background);
  }

  static JsonObject create(ClawbusNode node, String key, String input) throws Exception {
    HttpResponse<String> r = post(node, key, "/v1/responses", request(input, false, false).encode());
    assertEquals(200, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  /** The 404 body of an id with the id itself taken out, to compare two answers for different ids. */
  static String notFoundShape(HttpResponse<String> r, String id) {
    assertEquals(404, r.statusCode(), r.body());
    return r.body().replace(id, "<id>");
  }

  @Test
  void aResponseIsReadAndResumedOnEitherNodeAndOnlyByItsTenant() throws Exception {
    for (ClawbusNode[] pair : new ClawbusNode[][] {{one, two}, {two, one}}) {
      ClawbusNode at = pair[0];
      ClawbusNode other = pair[1];
      HttpResponse<String> created = post(at, A, "/v1/responses",
          request("cluster story " + at.port() + " [[sim words=40 tps=40]]", false, true).encode());
      assertEquals(200, created.statusCode(), created.body());
      JsonObject queued = new JsonObject(created.body());
      assertEquals("queued", queued.getString("status"));
      String id = queued.getString("id");

      // At once on the other node: its record, envelope and journal are the cluster's.
      HttpResponse<String> early = get(other, A, "/v1/responses/" + id);
      assertEquals(200, early.statusCode(), early.body());
      assertEquals(id, Sdk.response(early.body()).id());
      HttpResponse<String> resumed = get(other, A, "/v1/responses/" + id + "?stream=true&starting_after=1");
      List<Sse.Frame> frames = Sse.frames(resumed.body());
      Sdk.events(frames);
      Sdk.assertContiguous(frames, 2);
      assertEquals("response.completed", frames.get(frames.size() - 1).type());

      // Tenant B: exactly what an unknown id gets, everywhere.
      String unknown = "resp_unknown-response-0001";
      String shape = notFoundShape(get(at, B, "/v1/responses/" + unknown), unknown);
      assertEquals(shape, notFoundShape(get(at, B, "/v1/responses/" + id), id));
      assertEquals(shape, notFoundShape(get(other, B, "/v1/responses/" + id + "?stream=true"), id));
      assertEquals(shape, notFoundShape(post(other, B, "/v1/responses/" + id + "/cancel", ""), id));
      assertEquals(shape, notFoundShape(delete(other, B, "/v1/responses/" + id), id));
      HttpResponse<String> borrowed = post(other, B, "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
          .put("input", "continue A's").put("previous_response_id", id).encode());
      HttpResponse<String> unknownPrevious = post(other, B, "/v1/responses", new JsonObject()
          .put("model", TestNodes.MODEL).put("input", "continue A's").put("previous_response_id", unknown).encode());
      assertEquals(400, borrowed.statusCode(), borrowed.body());
      assertEquals(unknownPrevious.body().replace(unknown, "<id>"), borrowed.body().replace(id, "<id>"));
      assertEquals("completed", new JsonObject(get(at, A, "/v1/responses/" + id).body()).getString("status"),
          "B's attempts changed nothing");
    }
  }

  @Test
  void aFinishedResponseThatLeftMemoryIsReadBackFromKafkaOnTheOtherNode() throws Exception {
    HttpResponse<String> live = post(one, A, "/v1/responses",
        request("archive this response [[sim words=30 tps=2000]]", true, false).encode(), "X-Request-Id",
        "resp-archived-0001");
    List<Sse.Frame> original = Sse.frames(live.body());
    JsonObject liveResponse = original.get(original.size() - 1).json().getJsonObject("response");
    String key = RequestRecord.key("team-a", "resp-archived-0001");
    RequestRecord rec = Eventually.until(() -> one.services().store().get(key).await(5, TimeUnit.SECONDS),
        r -> r != null && r.answerRef() != null, Duration.ofSeconds(20));
    IMap<String, byte[]> batches = ClusterSetup.hazelcast(one.vertx()).getMap(Journal.BATCHES);
    Eventually.until(() -> batches.get(key + "#0") == null, Duration.ofSeconds(20));
    assertNotNull(rec.kafkaPartition(), "its envelope is in Kafka");

    JsonObject again = new JsonObject(get(two, A, "/v1/responses/resp_resp-archived-0001").body());
    assertEquals(liveResponse, again, "the same response object, from Kafka, completed_at included");
    List<Sse.Frame> rest = Sse.frames(get(two, A, "/v1/responses/resp_resp-archived-0001?stream=true&starting_after=5")
        .body());
    assertEquals(original.subList(6, original.size() - 1), rest.subList(0, rest.size() - 1),
        "every event after 5, the same bytes");

    HttpResponse<String> next = post(two, A, "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
        .put("previous_response_id", "resp_resp-archived-0001").put("input", "and then? [[sim words=3]]").encode());
    assertEquals(200, next.statusCode(), next.body());
    JsonArray sent = one.simulator().requests().stream().filter(r -> r.encode().contains("and then?"))
        .findFirst().orElseThrow().getJsonArray("messages");
    assertEquals(3, sent.size());
    assertEquals(liveResponse.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0)
        .getString("text"), sent.getJsonObject(1).getString("content"), "the archived output, continued");
  }

  @Test
  void aDeletedResponseIsGoneForItsTenantOnEveryNode() throws Exception {
    for (ClawbusNode[] pair : new ClawbusNode[][] {{one, two}, {two, one}}) {
      ClawbusNode at = pair[0];
      ClawbusNode other = pair[1];
      String input = "forget me " + at.port() + " [[sim words=8]]";
      JsonObject done = create(at, A, input);
      String id = done.getString("id");
      String requestId = id.substring("resp_".length());
      String key = RequestRecord.key("team-a", requestId);
      HttpResponse<String> deleted = delete(other, A, "/v1/responses/" + id);
      assertEquals(200, deleted.statusCode(), deleted.body());
      assertEquals(new JsonObject().put("id", id).put("object", "response.deleted").put("deleted", true),
          new JsonObject(deleted.body()));
      for (ClawbusNode n : new ClawbusNode[] {one, two}) {
        assertEquals(404, get(n, A, "/v1/responses/" + id).statusCode());
        assertEquals(404, get(n, A, "/v1/responses/" + id + "?stream=true").statusCode());
        assertEquals(404, get(n, A, "/v1/requests/" + requestId).statusCode(), "nor as a request");
        assertEquals(404, get(n, A, "/v1/requests/" + requestId + "/events").statusCode());
        assertEquals(404, delete(n, A, "/v1/responses/" + id).statusCode());
      }
      assertEquals(400, post(at, A, "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
          .put("input", "go on").put("previous_response_id", id).encode()).statusCode());
      assertNull(ClusterSetup.hazelcast(one.vertx()).<String, byte[]>getMap(Journal.BATCHES).get(key + "#0"),
          "its journal left memory");
      RequestRecord rec = one.services().store().get(key).await(5, TimeUnit.SECONDS);
      assertTrue(rec.deleted(), "the record stays, marked: nothing runs or takes it over again");
      JsonObject retry = create(at, A, input);
      assertNotEquals(id, retry.getString("id"), "the same body again is a new response, not the deleted one");
    }
  }

  @Test
  void deletingARunningResponseCancelsIt() throws Exception {
    HttpResponse<String> created = post(one, A, "/v1/responses",
        request("a long deleted one [[sim words=3000 tps=60]]", false, true).encode());
    String id = new JsonObject(created.body()).getString("id");
    String key = RequestRecord.key("team-a", id.substring("resp_".length()));
    Eventually.until(() -> one.services().store().get(key).await(5, TimeUnit.SECONDS),
        r -> r.status().wire().equals("running"), Duration.ofSeconds(20));
    assertEquals(200, delete(two, A, "/v1/responses/" + id).statusCode());
    RequestRecord rec = Eventually.until(() -> one.services().store().get(key).await(5, TimeUnit.SECONDS),
        r -> r.status().terminal(), Duration.ofSeconds(20));
    assertEquals("cancelled", rec.status().wire());
    assertTrue(rec.deleted());
    assertEquals(404, get(one, A, "/v1/responses/" + id).statusCode());
  }

  @Test
  void aResponseCreatedWithStoreFalseIsNotRetrievable() throws Exception {
    HttpResponse<String> r = post(two, A, "/v1/responses", new JsonObject().put("model", TestNodes.MODEL)
        .put("input", "do not keep [[sim words=4]]").put("store", false).encode());
    assertEquals(200, r.statusCode(), r.body());
    String id = new JsonObject(r.body()).getString("id");
    assertEquals(404, get(one, A, "/v1/responses/" + id).statusCode());
    assertEquals(404, get(two, A, "/v1/responses/" + id).statusCode());
    // Node two keeps no request in Kafka: its envelopes are in Hazelcast for any node to read.
    assertNotNull(ClusterSetup.hazelcast(one.vertx()).getMap(Envelopes.MAP).get(
        RequestRecord.key("team-a", id.substring("resp_".length()))));
  }

  /**
   * The moment Kafka acknowledges a request its client is answered, and its record notes the Kafka position right
   * after: a lookup on another node in between waits for that note instead of answering 404. (The race is narrow,
   * so it is staged: a record whose position is noted 300 ms after the lookup starts.)
   */
  @Test
  void aLookupWaitsForTheKafkaPositionOfARequestJustAcknowledged() throws Exception {
    JsonObject done = create(one, A, "located later [[sim words=3]]");
    RequestRecord located = one.services().store().get(RequestRecord.key("team-a",
        done.getString("id").substring("resp_".length()))).await(5, TimeUnit.SECONDS);
    assertNotNull(located.kafkaPartition());
    dev.clawbus.infra.contract.RequestEnvelope env = new dev.clawbus.infra.contract.RequestEnvelope("not-located-yet",
        "team-a", dev.clawbus.infra.contract.Api.RESPONSES, TestNodes.MODEL, "chatcmpl-x", 1, false, true, false,
        "none", "split", new JsonObject(), System.currentTimeMillis(), 0, "gone", null, null, null, 0);
    RequestRecord fresh = RequestRecord.queued(env, "gone", "gone");
    two.services().store().create(fresh).await(5, TimeUnit.SECONDS);
    var lookup = two.services().envelopes().of(fresh);
    Thread.sleep(300);
    one.services().store().apply(fresh.key(), new dev.clawbus.infra.lifecycle.Transition.Locate(
        located.kafkaPartition(), located.kafkaOffset(), System.currentTimeMillis())).await(5, TimeUnit.SECONDS);
    dev.clawbus.infra.contract.RequestEnvelope found = lookup.await(15, TimeUnit.SECONDS);
    assertNotNull(found, "found once its position was noted");
    assertEquals(located.id(), found.id(), "the envelope at that position");
  }

  /**
   * An identical body sent again while the first response is generated attaches to it, at either node. The node that
   * accepted the first claims a retry before vLLM hears of it; the other node had not seen that body, so it handed
   * the request to its dispatcher before the dedupe claim (vLLM is called at once): that call is cancelled as soon
   * as the claim names the first request, and never runs to its end.
   */
  @Test
  void anIdenticalBodyAttachesOnEitherNodeAndAStartedCallIsCancelled() throws Exception {
    String body = request("twin body [[sim words=160 tps=20]]", false, false).encode();
    var sim = one.simulator();
    long completedBefore = sim.stats().getLong("completed");
    long abortedBefore = sim.stats().getLong("aborted");
    double cancelledOne = one.services().metrics().duplicatesCancelled();
    double cancelledTwo = two.services().metrics().duplicatesCancelled();
    var first = postAsync(one, body);
    Eventually.until(() -> simSaw("twin body"), n -> n == 1, Duration.ofSeconds(20));
    var sameNode = postAsync(one, body);
    var otherNode = postAsync(two, body);
    String id = new JsonObject(first.get(60, TimeUnit.SECONDS).body()).getString("id");
    for (var retry : List.of(sameNode, otherNode)) {
      JsonObject r = new JsonObject(retry.get(60, TimeUnit.SECONDS).body());
      assertEquals(id, r.getString("id"), "attached to the first response: " + r.encode());
      assertEquals("completed", r.getString("status"), r.encode());
    }
    assertEquals(cancelledOne, one.services().metrics().duplicatesCancelled(), "a retry at the same node is claimed"
        + " before vLLM hears of it");
    assertEquals(cancelledTwo + 1, two.services().metrics().duplicatesCancelled(), "the other node started it ahead");
    assertEquals(completedBefore + 1, sim.stats().getLong("completed"), "generated once");
    assertEquals(abortedBefore + simSaw("twin body") - 1, sim.stats().getLong("aborted"),
        "a twin call that reached vLLM was cancelled there");
    // Nothing of the twin stays behind at the other node, whether it had a slot (running) or waited for one.
    Eventually.until(() -> gauge(two, "clawbus_inflight") + gauge(two, "clawbus_queued"), n -> n == 0,
        Duration.ofSeconds(10));
  }

  /** A node-wide gauge from the node's Prometheus text. */
  static double gauge(ClawbusNode node, String name) {
    for (String line : node.services().metrics().scrape().split("\n")) {
      if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1).trim());
    }
    throw new AssertionError("no " + name + " in the metrics");
  }

  static java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(ClawbusNode node, String body) {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return post(node, A, "/v1/responses", body);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  static int simSaw(String marker) {
    int n = 0;
    for (JsonObject r : one.simulator().requests()) if (r.encode().contains(marker)) n++;
    return n;
  }
}
