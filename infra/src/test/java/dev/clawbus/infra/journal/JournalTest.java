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
  void restoredBatchesAndAnEndingWrittenByWhoeverCancels() throws Exception {
    journal.restore("t/rs-1", 0, new JournalBatch(List.of(StreamEvent.chunk(0, "{}")), "x", -1).encode());
    await(journal.endWithError("t/rs-1", 499, "{\"error\":{}}"));
    Recorded r = await(journal.read("t/rs-1")).recorded();
    assertEquals(2, r.events().size());
    assertEquals(StreamEvent.error(1, 499, "{\"error\":{}}"), r.events().get(1));
    assertEquals("x", r.raw());
    await(journal.endWithError("t/rs-1", 499, "{\"error\":{}}"));
    assertEquals(2, await(journal.read("t/rs-1")).recorded().events().size(), "an ended answer is not ended twice");
  }
}
