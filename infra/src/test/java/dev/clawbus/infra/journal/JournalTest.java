package dev.clawbus.infra.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The journal on a real Hazelcast member: order, write-ahead publishing, raw truncation, restore. */
class JournalTest {
  static Vertx vertx;
  static Journal journal;

  @BeforeAll
  static void start() throws Exception {
    vertx = ClusterSetup.clusteredVertx(ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_PORT, 0))
        .await(60, TimeUnit.SECONDS);
    journal = new Journal(vertx, ClusterSetup.hazelcast(vertx), null, Duration.ofMinutes(5));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  /** Polls {@code read} until {@code done} holds (at most 10 s): map writes complete asynchronously. */
  private static <T> T eventually(java.util.concurrent.Callable<T> read, java.util.function.Predicate<T> done)
      throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    T value = read.call();
    while (!done.test(value) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
      value = read.call();
    }
    return value;
  }

  @Test
  void eventsAreStoredBeforeTheyArePublishedAndReadBackInOrder() throws Exception {
    String id = "order-1";
    List<String> live = new CopyOnWriteArrayList<>();
    List<Long> publishedBeforeStored = new CopyOnWriteArrayList<>();
    List<Long> checked = new CopyOnWriteArrayList<>();
    String ingress = Addresses.ingress("journal-test");
    await(vertx.eventBus().<String>consumer(ingress, m -> {
      EventBatch batch = EventBatch.decode(m.body());
      assertEquals(id, batch.requestId());
      for (StreamEvent e : batch.events()) {
        live.add(e.encode());
        long seq = e.seq();
        journal.read(id).onSuccess(r -> {
          if (r.events().size() < seq + 1) publishedBeforeStored.add(seq);
          checked.add(seq);
        });
      }
    }).completion());
    JournalWriter w = journal.writer(id, new Recorded(List.of(), ""), 0, ingress);
    vertx.runOnContext(v -> {
      for (int i = 0; i < 200; i++) {
        w.appendRaw("w" + i + " ");
        w.append(StreamEvent.chunk(i, "{\"n\":" + i + "}"));
      }
      w.append(StreamEvent.done(200));
    });
    long deadline = System.currentTimeMillis() + 10_000;
    while (live.size() < 201 && System.currentTimeMillis() < deadline) Thread.sleep(20);
    assertEquals(201, live.size());
    for (int i = 0; i < 200; i++) assertEquals(StreamEvent.chunk(i, "{\"n\":" + i + "}"), StreamEvent.decode(live.get(i)));
    Recorded r = await(journal.read(id));
    assertEquals(201, r.events().size());
    assertTrue(r.terminal());
    assertTrue(r.raw().startsWith("w0 w1 ") && r.raw().endsWith("w199 "));
    while (checked.size() < 201 && System.currentTimeMillis() < deadline) Thread.sleep(20);
    assertEquals(List.of(), publishedBeforeStored, "every event is in the journal when clients get it");
  }

  @Test
  void rawTextCutBackIsRecordedForWhoeverContinues() throws Exception {
    String id = "cut-1";
    JournalWriter w = journal.writer(id, new Recorded(List.of(), ""), 0, null);
    vertx.runOnContext(v -> {
      w.appendRaw("Checking. ");
      w.append(StreamEvent.chunk(0, "{}"));
      w.appendRaw("<tool_call>\n<function=ex");
      w.append(StreamEvent.chunk(1, "{}"));
      w.truncateRaw("Checking. ".length());
      w.appendRaw("<tool_call>\n<function=exec>");
      w.append(StreamEvent.chunk(2, "{}"));
    });
    Journal.Read read = eventually(() -> await(journal.readWithCount(id)), r -> r.recorded().events().size() == 3);
    assertEquals("Checking. <tool_call>\n<function=exec>", read.recorded().raw());
    JournalWriter resumed = journal.writer(id, read.recorded(), read.batches(), null);
    assertEquals(3, resumed.nextSeq());
    vertx.runOnContext(v -> {
      resumed.truncateRaw(3);
      resumed.append(StreamEvent.done(3));
    });
    Recorded cut = eventually(() -> await(journal.read(id)), Recorded::terminal);
    assertEquals("Che", cut.raw(), "a cut inside already-stored text");
  }

  @Test
  void statesAndRestoreFromEventRecords() throws Exception {
    assertNull(await(journal.state("never-seen")));
    JsonObject state = new JsonObject().put(RequestState.ID, "st-1").put(RequestState.STATUS, RequestState.RUNNING);
    await(journal.putState(state));
    assertEquals(RequestState.RUNNING, await(journal.state("st-1")).getString(RequestState.STATUS));
    journal.restore("rs-1", new JsonObject().put("state", new JsonObject().put(RequestState.ID, "rs-1")
        .put(RequestState.STATUS, RequestState.DONE)));
    journal.restore("rs-1", new JsonObject().put("batches", new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("n", 0).put("data", new JsonObject()
            .put("e", new io.vertx.core.json.JsonArray().add(StreamEvent.done(0).encode())).put("r", "x")))));
    assertEquals(RequestState.DONE, await(journal.state("rs-1")).getString(RequestState.STATUS));
    assertTrue(await(journal.read("rs-1")).terminal());
  }
}
