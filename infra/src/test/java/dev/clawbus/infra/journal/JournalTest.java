package dev.clawbus.infra.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The journal on a real Hazelcast member: order, write-ahead publishing, the durability gate, raw cut-backs. */
class JournalTest {
  static Vertx vertx;
  static Journal journal;
  static final Duration WAIT = Duration.ofSeconds(10);

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

  @Test
  void eventsAreStoredBeforeTheyArePublishedAndReadBackInOrder() throws Exception {
    String key = "t/order-1";
    List<String> live = new CopyOnWriteArrayList<>();
    List<Long> publishedBeforeStored = new CopyOnWriteArrayList<>();
    List<Long> checked = new CopyOnWriteArrayList<>();
    String ingress = Addresses.ingress("journal-test");
    await(vertx.eventBus().<String>consumer(ingress, m -> {
      EventBatch batch = EventBatch.decode(m.body());
      assertEquals(key, batch.requestKey());
      for (StreamEvent e : batch.events()) {
        live.add(e.encode());
        long seq = e.seq();
        journal.read(key).onSuccess(r -> {
          if (r.recorded().events().size() < seq + 1) publishedBeforeStored.add(seq);
          checked.add(seq);
        });
      }
    }).completion());
    JournalWriter w = journal.writer(key, Journal.Read.EMPTY, ingress, null);
    vertx.runOnContext(v -> {
      for (int i = 0; i < 200; i++) {
        w.appendRaw("w" + i + " ");
        w.append(StreamEvent.chunk(i, "{\"n\":" + i + "}"));
      }
      w.append(StreamEvent.done(200));
    });
    Eventually.until(() -> live.size() >= 201, WAIT);
    assertEquals(201, live.size());
    for (int i = 0; i < 200; i++) assertEquals(StreamEvent.chunk(i, "{\"n\":" + i + "}"), StreamEvent.decode(live.get(i)));
    Recorded r = await(journal.read(key)).recorded();
    assertEquals(201, r.events().size());
    assertTrue(r.terminal());
    assertTrue(r.raw().startsWith("w0 w1 ") && r.raw().endsWith("w199 "));
    Eventually.until(() -> checked.size() >= 201, WAIT);
    assertEquals(List.of(), publishedBeforeStored, "every event is in the journal when clients get it");
  }

  @Test
  void nothingIsWrittenOrShownBeforeTheGateOpensAndNothingAfterItFails() throws Exception {
    String ingress = Addresses.ingress("gate-test");
    List<EventBatch> delivered = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<String>consumer(ingress, m -> delivered.add(EventBatch.decode(m.body()))).completion());
    Promise<Void> gate = Promise.promise();
    JournalWriter w = journal.writer("t/gated", Journal.Read.EMPTY, ingress, gate.future());
    vertx.runOnContext(v -> {
      w.append(StreamEvent.chunk(0, "{\"a\":1}"));
      w.append(StreamEvent.chunk(1, "{\"a\":2}"));
    });
    // A write that went through would be visible within milliseconds; give it ten times that.
    Thread.sleep(200);
    assertEquals(0, await(journal.read("t/gated")).recorded().events().size(), "held while the gate is closed");
    assertEquals(List.of(), delivered);
    vertx.runOnContext(v -> gate.complete());
    Eventually.until(() -> delivered.stream().mapToInt(b -> b.events().size()).sum() == 2, WAIT);
    assertEquals(2, await(journal.read("t/gated")).recorded().events().size());

    Promise<Void> refused = Promise.promise();
    JournalWriter dropped = journal.writer("t/refused", Journal.Read.EMPTY, ingress, refused.future());
    vertx.runOnContext(v -> {
      dropped.append(StreamEvent.chunk(0, "{}"));
      refused.fail("Kafka refused it");
      dropped.append(StreamEvent.done(1));
    });
    Thread.sleep(200);
    assertEquals(0, await(journal.read("t/refused")).recorded().events().size(), "a failed gate writes nothing");
  }

  @Test
  void rawTextCutBackIsRecordedForWhoeverContinues() throws Exception {
    String key = "t/cut-1";
    JournalWriter w = journal.writer(key, Journal.Read.EMPTY, null, null);
    vertx.runOnContext(v -> {
      w.appendRaw("Checking. ");
      w.append(StreamEvent.chunk(0, "{}"));
      w.appendRaw("<tool_call>\n<function=ex");
      w.append(StreamEvent.chunk(1, "{}"));
      w.truncateRaw("Checking. ".length());
      w.appendRaw("<tool_call>\n<function=exec>");
      w.append(StreamEvent.chunk(2, "{}"));
    });
    Journal.Read read = Eventually.until(() -> await(journal.read(key)), r -> r.recorded().events().size() == 3, WAIT);
    assertEquals("Checking. <tool_call>\n<function=exec>", read.recorded().raw());
    JournalWriter resumed = journal.writer(key, read, null, null);
    assertEquals(3, resumed.nextSeq());
    vertx.runOnContext(v -> {
      resumed.truncateRaw(3);
      resumed.append(StreamEvent.done(3));
    });
    Recorded cut = Eventually.until(() -> await(journal.read(key)).recorded(), Recorded::terminal, WAIT);
    assertEquals("Che", cut.raw(), "a cut inside already-stored text");
  }

  @Test
  void toolLoopStepsAreStoredWithTheEventsBeforeThemAndReadBackInOrder() throws Exception {
    String key = "t/steps-1";
    List<EventBatch> delivered = new CopyOnWriteArrayList<>();
    String ingress = Addresses.ingress("steps-test");
    await(vertx.eventBus().<String>consumer(ingress, m -> delivered.add(EventBatch.decode(m.body()))).completion());
    JournalWriter w = journal.writer(key, Journal.Read.EMPTY, ingress, null);
    List<Integer> eventsStoredWhenDurable = new CopyOnWriteArrayList<>();
    Promise<Void> first = Promise.promise();
    vertx.runOnContext(v -> {
      w.appendRaw("<tool_call>...</tool_call>");
      w.append(StreamEvent.chunk(0, "{\"shown\":0}"));
      w.truncateRaw(0);
      w.steps(List.of(new JsonObject().put("k", "round").put("r", 0), new JsonObject().put("k", "started")))
          .compose(x -> journal.read(key)).onSuccess(r -> eventsStoredWhenDurable.add(r.recorded().events().size()))
          .<Void>mapEmpty().onComplete(first);
    });
    await(first.future());
    assertEquals(List.of(1), eventsStoredWhenDurable, "durable means stored, with the event appended before");
    Promise<Void> second = Promise.promise();
    vertx.runOnContext(v -> w.steps(List.of(new JsonObject().put("k", "result"))).onComplete(second));
    await(second.future());
    Recorded r = await(journal.read(key)).recorded();
    assertEquals(List.of("round", "started", "result"), r.steps().stream().map(j -> j.getString("k")).toList());
    assertEquals("", r.raw(), "the round's raw text was cut with its steps");
    assertEquals(1, r.events().size());
    Eventually.until(() -> !delivered.isEmpty(), WAIT);
    Thread.sleep(100); // shows that something does not happen: no second delivery follows
    assertEquals(1, delivered.size(), "a batch of steps alone is not delivered to clients");
    Recorded oneBatch = await(journal.readFrom(key, await(journal.read(key)).batches() - 1)).recorded();
    assertEquals(List.of("result"), oneBatch.steps().stream().map(j -> j.getString("k")).toList());
    JournalBatch copy = JournalBatch.decode(new JournalBatch(List.of(), "", -1, r.steps()).encode());
    assertEquals(r.steps(), copy.steps());
  }

  @Test
  void stepsOfAResponseThatNeverBecameDurableFail() throws Exception {
    Promise<Void> gate = Promise.promise();
    JournalWriter w = journal.writer("t/steps-refused", Journal.Read.EMPTY, null, gate.future());
    Promise<Void> outcome = Promise.promise();
    vertx.runOnContext(v -> {
      w.steps(List.of(new JsonObject().put("k", "round"))).onComplete(outcome);
      gate.fail("Kafka refused it");
    });
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> outcome.future().await(10, TimeUnit.SECONDS));
    assertTrue(e.getMessage().contains("not recorded"), e.getMessage());
    assertEquals(0, await(journal.read("t/steps-refused")).recorded().steps().size());
  }

  @Test
  void restoredBatchesAndAnEndingWrittenByWhoeverCancels() throws Exception {
    journal.restore("t/rs-1", 0, new JournalBatch(List.of(StreamEvent.chunk(0, "{}")), "x", -1).encode());
    await(journal.endWithError("t/rs-1", 499, "{\"error\":{}}", 1_767_225_600_123L));
    Recorded r = await(journal.read("t/rs-1")).recorded();
    assertEquals(2, r.events().size());
    assertEquals(StreamEvent.error(1, 499, "{\"error\":{}}", 1_767_225_600_123L), r.events().get(1));
    assertEquals(1_767_225_600_123L, r.events().get(1).endedAt(), "the ending keeps the time the request ended");
    assertEquals("x", r.raw());
    await(journal.endWithError("t/rs-1", 499, "{\"error\":{}}", null));
    assertEquals(2, await(journal.read("t/rs-1")).recorded().events().size(), "an ended answer is not ended twice");
  }

  /**
   * A follower reads what is new in slices: events after where its client is, from a batch on, at most a few batches
   * and a character budget at a time; following the slices' {@code nextBatch} and last seq reads every event once.
   */
  @Test
  void aFollowerReadsTheJournalInSlicesAfterWhereItsClientIs() throws Exception {
    String key = "t/slices-1";
    long seq = 0;
    List<StreamEvent> all = new java.util.ArrayList<>();
    for (int b = 0; b < 6; b++) {
      List<StreamEvent> batch = new java.util.ArrayList<>();
      for (int i = 0; i < 50 * (b + 1); i++) batch.add(StreamEvent.chunk(seq++, "{\"n\":\"" + "x".repeat(90) + seq + "\"}"));
      if (b == 5) batch.add(StreamEvent.done(seq++));
      all.addAll(batch);
      journal.restore(key, b, new JournalBatch(batch, "", -1).encode());
    }
    List<StreamEvent> got = new java.util.ArrayList<>();
    int next = 0;
    long last = -1;
    int reads = 0;
    while (true) {
      Journal.Slice s = await(journal.eventsFrom(key, next, last, 3, 5_000));
      reads++;
      assertTrue(reads < 100, "every read moves on");
      int chars = s.events().stream().mapToInt(e -> e.data().length()).sum();
      assertTrue(chars <= 5_000 + 200, "a slice keeps to its budget (plus one event): " + chars);
      for (StreamEvent e : s.events()) assertTrue(e.seq() > last, "only what is after the client");
      got.addAll(s.events());
      if (!s.events().isEmpty()) last = s.events().get(s.events().size() - 1).seq();
      if (s.events().isEmpty() && !s.more() && s.nextBatch() == next) break;
      next = s.nextBatch();
    }
    assertEquals(all, got);
    assertTrue(reads > 10, "read in slices, not at once: " + reads);
    // from the middle of a batch on: nothing before the client's seq comes back
    Journal.Slice mid = await(journal.eventsFrom(key, 2, 200, 16, Integer.MAX_VALUE));
    assertEquals(all.subList(201, all.size()), mid.events());
    assertEquals(6, mid.nextBatch());
    assertEquals(List.of(), await(journal.eventsFrom(key, 6, last, 16, 5_000)).events(), "nothing new");
  }
}
