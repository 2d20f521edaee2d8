package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.map.IMap;
import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.json.JsonObject;
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
 * A finished answer leaves memory after the journal's memory tail and is read back from Kafka for the rest of the
 * retention: its record, its full answer, a resume from any sequence number and an attaching retry all give
 * exactly what the client got live.
 */
class ArchiveEndToEndTest {
  @TempDir static Path dir;
  static ClawbusNode node;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    node = ClawbusNode.start(TestNodes.simNode(dir).with(ClawbusConfig.JOURNAL_MEMORY_SECONDS, 1));
    base = node.url();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void aFinishedAnswerIsReadBackExactlyAfterItLeftMemory() throws Exception {
    HttpResponse<String> live = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("archive me [[sim words=120 tps=2000]]", true).encode(), "X-Request-Id", "archived-0001");
    assertEquals(200, live.statusCode());
    List<Sse> original = TestNodes.sse(live.body());
    String key = RequestRecord.key("default", "archived-0001");
    IMap<String, byte[]> batches = ClusterSetup.hazelcast(node.vertx()).getMap(Journal.BATCHES);
    RequestRecord rec = Eventually.until(() -> node.services().store().get(key).await(5, TimeUnit.SECONDS),
        r -> r.answerRef() != null, Duration.ofSeconds(20));
    assertNotNull(rec.answerRef(), "the whole answer was written to Kafka once");
    Eventually.until(() -> batches.get(key + "#0") == null, Duration.ofSeconds(20));
    assertNull(batches.get(key + "#1"), "its batches left memory after the tail");

    JsonObject got = new JsonObject(TestNodes.get(base + "/v1/requests/archived-0001").body());
    assertEquals("done", got.getString("status"));
    assertEquals(TestNodes.content(original), got.getJsonObject("response").getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content"), "the full answer, from Kafka");

    List<Sse> replay = TestNodes.sse(TestNodes.get(base + "/v1/requests/archived-0001/events").body());
    assertEquals(original, replay, "every event, same ids, same bytes");
    List<Sse> rest = TestNodes.sse(TestNodes.get(base + "/v1/requests/archived-0001/events?starting_after=7").body());
    assertEquals(original.subList(original.size() - rest.size(), original.size()), rest);
    assertEquals("8", rest.get(0).id(), "resumes right after the cursor");

    HttpResponse<String> attached = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("archive me [[sim words=120 tps=2000]]", true).encode(), "X-Request-Id", "archived-0001");
    assertEquals(TestNodes.content(original), TestNodes.content(TestNodes.sse(attached.body())),
        "a retry naming it attaches and gets the same answer");
    assertTrue(node.simulator().requests().stream().filter(r -> r.encode().contains("archive me")).count() == 1,
        "generated once");
  }

  /**
   * The archive waits a moment after the end (RunnerVerticle.ARCHIVE_DELAY_MILLIS, 1 s): the end of an answer is when
   * its client's next request comes, and that request must not queue behind the finished one's housekeeping.
   */
  @Test
  void anAnswerIsArchivedAMomentAfterItsEndNotAtOnce() throws Exception {
    HttpResponse<String> live = TestNodes.post(base + "/v1/chat/completions",
        TestNodes.userChat("archive me later [[sim words=40 tps=2000]]", true).encode(), "X-Request-Id",
        "archived-0002");
    long end = System.nanoTime(); // the client has the whole answer
    assertEquals(200, live.statusCode());
    assertTrue(live.body().contains("[DONE]"));
    String key = RequestRecord.key("default", "archived-0002");
    Eventually.until(() -> node.services().store().get(key).await(5, TimeUnit.SECONDS),
        r -> r != null && r.answerRef() != null, Duration.ofSeconds(20));
    long afterMillis = (System.nanoTime() - end) / 1_000_000;
    assertTrue(afterMillis >= 500, "archived " + afterMillis + " ms after the client had the end: not at once");
  }

  /**
   * A node that stops within that moment archives what waits first: the restarted lone node (its memory rebuilt from
   * Kafka) knows where the answer is.
   */
  @Test
  void aNodeThatStopsRightAfterAnAnswerEndedArchivesItFirst() throws Exception {
    ClawbusConfig config = TestNodes.simNode(dir.resolve("stopping"));
    ClawbusNode first = ClawbusNode.start(config);
    String key = RequestRecord.key("default", "archived-0003");
    try {
      HttpResponse<String> live = TestNodes.post(first.url() + "/v1/chat/completions",
          TestNodes.userChat("archive me before you go [[sim words=40 tps=2000]]", true).encode(), "X-Request-Id",
          "archived-0003");
      assertTrue(live.body().contains("[DONE]"), live.body());
      assertNull(first.services().store().get(key).await(5, TimeUnit.SECONDS).answerRef(), "not archived yet");
    } finally {
      first.close();
    }
    ClawbusNode again = ClawbusNode.start(config);
    try {
      RequestRecord rec = again.services().store().get(key).await(5, TimeUnit.SECONDS);
      assertNotNull(rec, "the record, rebuilt from Kafka");
      assertNotNull(rec.answerRef(), "the answer was archived before the node stopped");
      JsonObject got = new JsonObject(TestNodes.get(again.url() + "/v1/requests/archived-0003").body());
      assertEquals("done", got.getString("status"));
    } finally {
      again.close();
    }
  }
}
