package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.broker.EmbeddedKafka;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.journal.JournalWriter;
import dev.clawbus.infra.kafka.KafkaTopics;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.lifecycle.Transition;
import dev.clawbus.infra.node.DurabilityGates;
import dev.clawbus.infra.node.NodeServices;
import dev.clawbus.infra.testing.Eventually;
import dev.clawbus.infra.testing.KafkaRecords;
import dev.clawbus.sim.SimOptions;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher as a service: its scheduler and runners deployed alone on a real Hazelcast member, a real Kafka
 * broker and the vLLM simulator. Inputs are what the transformer sends ({@link Addresses#DISPATCH} plus the
 * durability gate) and what Kafka holds; outputs are the journal, the request records, the events sent to an
 * ingress address, committed offsets and dead letters.
 */
class DispatcherServiceTest {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Vertx vertx;
  static NodeServices node;
  static VllmSimulator sim;
  static int clusterPort;
  static final String INGRESS = Addresses.ingress("dispatcher-test");
  static final List<EventBatch> delivered = new CopyOnWriteArrayList<>();
  static final Duration WAIT = Duration.ofSeconds(30);

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    clusterPort = LocalPorts.free("127.0.0.1");
    ClawbusConfig cfg = ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_PORT, clusterPort)
        .with(ClawbusConfig.KAFKA, kafka.bootstrapServers()).with(ClawbusConfig.MAX_INFLIGHT, 1)
        .with(ClawbusConfig.VLLM_WAIT_SECONDS, 5);
    vertx = ClusterSetup.clusteredVertx(cfg).await(60, TimeUnit.SECONDS);
    KafkaTopics.ensure(vertx, cfg.kafka(), 2).await(60, TimeUnit.SECONDS);
    sim = new VllmSimulator(vertx, SimOptions.defaults().withPort(0).withTokensPerSecond(2000));
    sim.start().await(30, TimeUnit.SECONDS);
    node = NodeServices.start(vertx, cfg.with(ClawbusConfig.VLLM_URL, sim.baseUrl()));
    List<String> runners = List.of(Addresses.runner("r1"), Addresses.runner("r2"));
    for (String r : runners) vertx.deployVerticle(new RunnerVerticle(node, r)).await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(new SchedulerVerticle(node, runners)).await(30, TimeUnit.SECONDS);
    vertx.eventBus().<String>consumer(INGRESS, m -> delivered.add(EventBatch.decode(m.body())))
        .completion().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    node.close();
    kafka.close();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  static RequestEnvelope envelope(String id, String text, String owner, String parser) {
    JsonObject body = new JsonObject().put("model", "clawbus-sim").put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true))
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
    long now = System.currentTimeMillis();
    return new RequestEnvelope(id, "svc", Api.CHAT, "clawbus-sim", "chatcmpl-" + id, now / 1000, true, true, false,
        parser, "split", body, now, now + 5_000, owner, INGRESS, null, null, 100);
  }

  static List<StreamEvent> deliveredOf(String key) {
    List<StreamEvent> out = new ArrayList<>();
    for (EventBatch b : delivered) if (b.requestKey().equals(key)) out.addAll(b.events());
    return out;
  }

  static int simSaw(String marker) {
    int n = 0;
    for (JsonObject r : sim.requests()) if (r.encode().contains(marker)) n++;
    return n;
  }

  /** As the transformer does it: record claimed, gate opened, envelope handed over, Kafka written. */
  static CompletableFuture<Void> accept(RequestEnvelope env) throws Exception {
    assertTrue(await(node.store().create(RequestRecord.queued(env, node.member(), node.nodeName()))).changed());
    CompletableFuture<Void> gate = node.gates().open(env.key());
    vertx.eventBus().send(Addresses.DISPATCH, env);
    return gate;
  }

  /** As the transformer starts a new request ahead of its record: gate opened, envelope handed over; vLLM called. */
  static DurabilityGates.Gate startAhead(RequestEnvelope env, String marker) throws Exception {
    DurabilityGates.Gate gate = node.gates().openBeforeRecord(env.key());
    vertx.eventBus().send(Addresses.DISPATCH, env);
    Eventually.until(() -> simSaw(marker) > 0, WAIT);
    return gate;
  }

  @Test
  void outputWaitsForTheGateThenRunsToDone() throws Exception {
    RequestEnvelope env = envelope("gated-1", "hello [[sim words=5]]", node.member(), "none");
    CompletableFuture<Void> gate = accept(env);
    Eventually.until(() -> simSaw("gated-1") > 0 || simSaw("hello [[sim words=5]]") > 0, WAIT);
    // vLLM has answered by now (5 words at 2,000 tokens/s): still nothing stored or shown while the gate is shut.
    Thread.sleep(300);
    assertEquals(0, await(node.journal().read(env.key())).recorded().events().size());
    assertTrue(deliveredOf(env.key()).isEmpty(), "nothing reaches a client before Kafka has the request");
    assertEquals(Status.RUNNING, await(node.store().get(env.key())).status(), "not done before it is durable");
    gate.complete(null);
    Eventually.until(() -> deliveredOf(env.key()).stream().anyMatch(StreamEvent::terminal), WAIT);
    assertEquals(StreamEvent.DONE, deliveredOf(env.key()).get(deliveredOf(env.key()).size() - 1).type());
    RequestRecord r = Eventually.until(() -> await(node.store().get(env.key())), x -> x.status().terminal(), WAIT);
    assertEquals(Status.DONE, r.status());
    assertEquals(1, r.attempts());
    // The record finished when the answer did, as its DONE event says (not when the gate let the runner record it,
    // 300 ms and more later): every reader of either shows the same time.
    StreamEvent done = deliveredOf(env.key()).get(deliveredOf(env.key()).size() - 1);
    assertTrue(done.endedAt() > 0, "the DONE event carries when the answer ended");
    assertEquals(done.endedAt(), r.finishedAt());
    assertEquals(done, await(node.journal().read(env.key())).recorded().events().get((int) done.seq()),
        "the journal keeps the time");
  }

  @Test
  void aGateThatFailsShowsNothingAndRecordsTheFailure() throws Exception {
    RequestEnvelope env = envelope("refused-1", "refused [[sim words=5]]", node.member(), "none");
    CompletableFuture<Void> gate = accept(env);
    gate.completeExceptionally(new IllegalStateException("Kafka refused it"));
    RequestRecord r = Eventually.until(() -> await(node.store().get(env.key())), x -> x.status().terminal(), WAIT);
    assertEquals(Status.FAILED, r.status());
    assertEquals("queue_unavailable", r.error().code());
    assertTrue(deliveredOf(env.key()).isEmpty());
    assertEquals(0, await(node.journal().read(env.key())).recorded().events().size());
  }

  /**
   * Flow control from the journal to vLLM: while the journal cannot take events (here: the durability gate is
   * shut), the runner reads at most about the writer's high-water mark of vLLM's stream and leaves the rest in the
   * socket and at vLLM. Without it the runner reads the whole answer (~4 MB from a backend this fast) into memory,
   * and the first batch written when the gate opens holds all of it. The answer is whole either way.
   */
  @Test
  void whileTheJournalCannotTakeEventsVllmsStreamIsPaused() throws Exception {
    RequestEnvelope env = envelope("fast-1", "fast one [[sim words=20000 tps=1000000]]", node.member(), "none");
    CompletableFuture<Void> gate = accept(env);
    Eventually.until(() -> simSaw("fast one") > 0, WAIT);
    // The window in which an unpaused runner reads the whole answer (the simulator writes it in well under 1 s).
    Thread.sleep(1_500);
    gate.complete(null);
    RequestRecord r = Eventually.until(() -> await(node.store().get(env.key())), x -> x.status().terminal(), WAIT);
    assertEquals(Status.DONE, r.status());
    Eventually.until(() -> deliveredOf(env.key()).stream().anyMatch(StreamEvent::terminal), WAIT);
    // The batches as the journal delivered them once stored, in order (batch 0: written when the gate opened).
    long first = 0;
    for (EventBatch b : delivered) {
      if (b.requestKey().equals(env.key()) && b.batch() == 0) {
        for (StreamEvent e : b.events()) first += e.data().length();
      }
    }
    assertTrue(first > 0 && first <= 2L * JournalWriter.HIGH_WATER_CHARS, "first batch " + first + " characters");
    List<StreamEvent> all = deliveredOf(env.key());
    assertTrue(all.size() > 20_000, "the whole answer: " + all.size() + " events");
    for (int i = 0; i < all.size(); i++) assertEquals(i, all.get(i).seq(), "in order, once each");
  }

  /**
   * A new request handed over before its record exists (an id this node generated): vLLM is called at once; the
   * run is marked started only once the record is made (a start before it would be refused and the request lost),
   * and shows output only once Kafka has the request.
   */
  @Test
  void vllmIsCalledBeforeTheRecordExistsAndTheRunStartsOnceItIs() throws Exception {
    RequestEnvelope env = envelope("ahead-1", "ahead of its record [[sim words=5]]", node.member(), "none");
    DurabilityGates.Gate gate = startAhead(env, "ahead of its record");
    assertNull(await(node.store().get(env.key())), "vLLM was called before the record was made");
    Thread.sleep(300); // vLLM has answered by now (5 words at 2,000 tokens/s), before the record exists
    assertTrue(await(node.store().create(RequestRecord.queued(env, node.member(), node.nodeName()))).changed());
    gate.recorded().complete(null);
    Eventually.until(() -> await(node.store().get(env.key())), x -> x != null && x.status() == Status.RUNNING, WAIT);
    assertTrue(deliveredOf(env.key()).isEmpty(), "nothing reaches a client before Kafka has the request");
    gate.durable().complete(null);
    Eventually.until(() -> deliveredOf(env.key()).stream().anyMatch(StreamEvent::terminal), WAIT);
    RequestRecord r = Eventually.until(() -> await(node.store().get(env.key())), x -> x.status().terminal(), WAIT);
    assertEquals(Status.DONE, r.status());
    // The run started when vLLM was called, though it could be marked so only once its record existed.
    assertTrue(r.startedAt() <= r.finishedAt(), "started " + r.startedAt() + ", finished " + r.finishedAt());
  }

  /**
   * A request started ahead of its record that never gets one (it was a duplicate of another): its vLLM call is
   * cancelled at once (the only slot is free for the next request long before the 100-second answer would end),
   * nothing of it is stored or shown, and no record appears.
   */
  @Test
  void aRunStartedAheadThatIsNeverRecordedIsCancelledUnseen() throws Exception {
    RequestEnvelope env = envelope("ahead-dup", "a duplicate [[sim words=2000 tps=20]]", node.member(), "none");
    DurabilityGates.Gate gate = startAhead(env, "a duplicate");
    gate.fail(new IllegalStateException("it names another request"));
    RequestEnvelope next = envelope("after-dup", "after the duplicate [[sim words=2]]", node.member(), "none");
    accept(next).complete(null);
    Eventually.until(() -> await(node.store().get(next.key())), x -> x.status() == Status.DONE, WAIT);
    assertNull(await(node.store().get(env.key())));
    assertTrue(deliveredOf(env.key()).isEmpty());
    assertEquals(0, await(node.journal().read(env.key())).recorded().events().size());
  }

  /**
   * With one slot: a request cancelled while it waits for the slot never reaches vLLM, though it was queued. The
   * scheduler is not told (a cancel broadcast lost, or one racing the dequeue): only the start transition's
   * compare-and-set stands between the cancelled record and vLLM.
   */
  @Test
  void aQueuedRequestCancelledBeforeItsSlotFreesNeverReachesVllm() throws Exception {
    RequestEnvelope slow = envelope("slow-1", "slow one [[sim words=40 tps=40]]", node.member(), "none");
    accept(slow).complete(null);
    Eventually.until(() -> simSaw("slow one") > 0, WAIT);
    RequestEnvelope waiting = envelope("waiting-1", "never run me [[sim words=3]]", node.member(), "none");
    accept(waiting).complete(null);
    var cancelled = await(node.store().apply(waiting.key(), new Transition.Cancel(
        dev.clawbus.infra.contract.ErrorInfo.of(OpenAiError.cancelled()), System.currentTimeMillis())));
    assertEquals(Status.CANCELLED, cancelled.record().status());
    Eventually.until(() -> await(node.store().get(slow.key())).status() == Status.DONE, WAIT);
    RequestEnvelope after = envelope("after-1", "after the cancel [[sim words=2]]", node.member(), "none");
    accept(after).complete(null);
    Eventually.until(() -> await(node.store().get(after.key())).status() == Status.DONE, WAIT);
    assertEquals(0, simSaw("never run me"), "the cancelled request never reached the simulator");
    assertEquals(Status.CANCELLED, await(node.store().get(waiting.key())).status());
  }

  /**
   * The recovery path: a request in Kafka held by a member that is gone (no record at all: it died before it
   * could write one) is found by the consumer group, run here, and its offset committed once it is done.
   */
  @Test
  void anOrphanInKafkaIsTakenOverAndItsOffsetCommittedWhenDone() throws Exception {
    RequestEnvelope env = envelope("orphan-1", "orphaned [[sim words=4]]", UUID.randomUUID().toString(), "none")
        .withOwner(UUID.randomUUID().toString(), null);
    var md = node.producer().send(new ProducerRecord<>(Topics.REQUESTS, env.key(), env.encode()))
        .get(10, TimeUnit.SECONDS);
    RequestRecord r = Eventually.until(() -> await(node.store().get(env.key())),
        x -> x != null && x.status() == Status.DONE, WAIT);
    assertEquals(node.member(), r.owner());
    // The end is recorded as soon as the run ends, its last batch may still be on its way to the journal.
    Eventually.until(() -> await(node.journal().read(env.key())).recorded().terminal(), WAIT);
    TopicPartition tp = new TopicPartition(Topics.REQUESTS, md.partition());
    Eventually.until(() -> committed(tp) > md.offset(), WAIT);
  }

  /** Nothing hangs: a run that cannot even be made ends with an error event, a failed record and a dead letter. */
  @Test
  void aRunThatThrowsEndsWithAnErrorEventAndADeadLetter() throws Exception {
    RequestEnvelope env = envelope("broken-1", "broken [[sim words=4]]", UUID.randomUUID().toString(),
        "no-such-parser");
    node.producer().send(new ProducerRecord<>(Topics.REQUESTS, env.key(), env.encode())).get(10, TimeUnit.SECONDS);
    RequestRecord r = Eventually.until(() -> await(node.store().get(env.key())),
        x -> x != null && x.status().terminal(), WAIT);
    assertEquals(Status.FAILED, r.status());
    assertEquals("internal_error", r.error().code());
    List<StreamEvent> events = await(node.journal().read(env.key())).recorded().events();
    assertEquals(StreamEvent.ERROR, events.get(events.size() - 1).type());
    assertFalse(events.get(events.size() - 1).data().contains("Exception"));
    assertEquals(r.finishedAt(), events.get(events.size() - 1).endedAt(), "the ending and the record agree on when");
    DeadLetter dl = Eventually.until(() -> deadLetter(env.key()), x -> x != null, WAIT);
    assertEquals("svc", dl.tenant());
    assertNotNull(dl.envelope());
  }

  /**
   * A request held by another live member is never run here; when that member dies this node takes the request
   * over on Hazelcast's membership event, well before Kafka's consumer group would hand it the request's
   * partition (the dead member's consumer holds it until its session times out, 6 s): the request sits in a
   * partition this node's consumer does not have, so only the membership path can find it in time.
   */
  @Test
  void aDeadMembersRequestIsTakenOverOnTheMembershipEventNotAfterARebalance() throws Exception {
    Vertx other = ClusterSetup.clusteredVertx(ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_PORT, 0)
        .with(ClawbusConfig.CLUSTER_MEMBERS, "127.0.0.1:" + clusterPort)).await(60, TimeUnit.SECONDS);
    String otherMember = ClusterSetup.hazelcast(other).getCluster().getLocalMember().getUuid().toString();
    // The other member's dispatcher consumer: it joins the group, takes a partition, and then just dies (never
    // leaves the group cleanly), as a killed node's consumer does.
    java.util.concurrent.atomic.AtomicBoolean polling = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicReference<java.util.Set<TopicPartition>> owned =
        new java.util.concurrent.atomic.AtomicReference<>(java.util.Set.of());
    Thread consumerThread = new Thread(() -> {
      var config = new java.util.HashMap<String, Object>(
          dev.clawbus.infra.kafka.KafkaClients.consumerConfig(kafka.bootstrapServers(), Topics.DISPATCHER_GROUP));
      // A killed process stops heartbeating; this consumer's heartbeat thread would go on, so it is made to leave
      // the group 7 s after its last poll instead (longer than the session timeout a killed node gets, 6 s).
      config.put("max.poll.interval.ms", "7000");
      var c = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(config);
      c.subscribe(List.of(Topics.REQUESTS));
      while (polling.get()) {
        c.poll(Duration.ofMillis(100));
        owned.set(java.util.Set.copyOf(c.assignment()));
      }
      // no close(): the group notices only when the session times out
    }, "dead-members-consumer");
    consumerThread.setDaemon(true);
    consumerThread.start();
    try {
      TopicPartition theirs = Eventually.until(() -> owned.get().isEmpty() ? null : owned.get().iterator().next(),
          x -> x != null, WAIT);
      RequestEnvelope env = envelope("held-1", "held elsewhere [[sim words=3]]", otherMember, "none");
      assertTrue(await(node.store().create(RequestRecord.queued(env, otherMember, "other"))).changed());
      var md = node.producer().send(new ProducerRecord<>(Topics.REQUESTS, theirs.partition(), env.key(), env.encode()))
          .get(10, TimeUnit.SECONDS);
      await(node.store().apply(env.key(), new Transition.Locate(md.partition(), md.offset(),
          System.currentTimeMillis())));
      // Long enough for this node to have run it if it wrongly would.
      Thread.sleep(2 * KafkaIntake.CHECK_MILLIS + 500);
      assertEquals(0, simSaw("held elsewhere"), "its holder runs it, not this node");
      assertEquals(Status.QUEUED, await(node.store().get(env.key())).status());
      polling.set(false);
      long left = System.nanoTime();
      other.close().await(30, TimeUnit.SECONDS);
      RequestRecord r = Eventually.until(() -> await(node.store().get(env.key())), x -> x.status() == Status.DONE,
          WAIT);
      long tookMs = (System.nanoTime() - left) / 1_000_000;
      assertEquals(node.member(), r.owner());
      assertTrue(tookMs < 3_000, "taken over on the membership event, not after the session timeout and a "
          + "rebalance: " + tookMs + " ms");
      TopicPartition tp = new TopicPartition(Topics.REQUESTS, md.partition());
      Eventually.until(() -> committed(tp) > md.offset(), Duration.ofSeconds(60));
    } finally {
      polling.set(false);
    }
  }

  /**
   * The consumer group is the recovery path: the node that consumed a request's record keeps its offset uncommitted
   * while the request is not terminal (here it is queued on another, live member), so a crash of both would find
   * it again in Kafka; once it is terminal the offset is committed.
   */
  @Test
  void anOffsetIsCommittedOnlyOnceItsRequestIsTerminal() throws Exception {
    Vertx other = ClusterSetup.clusteredVertx(ClawbusConfig.defaults().with(ClawbusConfig.CLUSTER_PORT, 0)
        .with(ClawbusConfig.CLUSTER_MEMBERS, "127.0.0.1:" + clusterPort)).await(60, TimeUnit.SECONDS);
    try {
      String otherMember = ClusterSetup.hazelcast(other).getCluster().getLocalMember().getUuid().toString();
      RequestEnvelope env = envelope("held-live-1", "held by a live member [[sim words=3]]", otherMember, "none");
      assertTrue(await(node.store().create(RequestRecord.queued(env, otherMember, "other"))).changed());
      var md = node.producer().send(new ProducerRecord<>(Topics.REQUESTS, env.key(), env.encode()))
          .get(10, TimeUnit.SECONDS);
      TopicPartition tp = new TopicPartition(Topics.REQUESTS, md.partition());
      // Long enough for this node to have consumed the record and committed it, if it wrongly would.
      Thread.sleep(2 * KafkaIntake.CHECK_MILLIS + 500);
      assertTrue(committed(tp) <= md.offset(), "not committed while queued elsewhere: " + committed(tp) + " > "
          + md.offset());
      assertEquals(0, simSaw("held by a live member"), "its holder is alive: this node does not run it");
      await(node.store().apply(env.key(), new Transition.Cancel(
          dev.clawbus.infra.contract.ErrorInfo.of(OpenAiError.cancelled()), System.currentTimeMillis())));
      Eventually.until(() -> committed(tp) > md.offset(), Duration.ofSeconds(60));
    } finally {
      other.close().await(30, TimeUnit.SECONDS);
    }
  }

  static long committed(TopicPartition tp) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(Topics.DISPATCHER_GROUP)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      OffsetAndMetadata o = m.get(tp);
      return o == null ? -1 : o.offset();
    }
  }

  static DeadLetter deadLetter(String key) {
    var rec = KafkaRecords.first(kafka.bootstrapServers(), Topics.REQUESTS_DLQ, key, Duration.ofMillis(500));
    return rec == null ? null : DeadLetter.decode(rec.value());
  }

}
