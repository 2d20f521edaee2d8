package dev.clawbus.toolrunner;

import static dev.clawbus.toolrunner.TwoMembers.await;
import static dev.clawbus.toolrunner.TwoMembers.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.broker.EmbeddedKafka;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.exec.ExecAudit;
import dev.clawbus.infra.contract.exec.ExecErrors;
import dev.clawbus.infra.contract.exec.ExecEvent;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import dev.clawbus.infra.contract.exec.NodeInfo;
import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.kafka.KafkaTopics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec end to end on a real two-member cluster: ExecClient on the gateway member, three tool-runners on the node
 * member (allowlist, full, deny), audit records in a real embedded Kafka — written directly by the full node and by
 * the gateway's AuditWriterVerticle for the others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExecEndToEndTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  @TempDir
  static Path dir;
  private EmbeddedKafka kafka;
  private TwoMembers cluster;
  private ExecClient client;
  private Path work;
  private String writer;

  @BeforeAll
  void start() throws Exception {
    long t0 = System.nanoTime();
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    long kafkaMs = ms(t0);
    cluster = new TwoMembers();
    long clusterMs = ms(t0) - kafkaMs;
    await(KafkaTopics.ensure(cluster.gateway, kafka.bootstrapServers(), 1));
    System.out.printf("exec e2e: Kafka %d ms, cluster %d ms, topics %d ms%n", kafkaMs, clusterMs,
        ms(t0) - kafkaMs - clusterMs);
    writer = await(cluster.gateway.deployVerticle(new AuditWriterVerticle(kafka.bootstrapServers())));
    work = Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(work.resolve("sub"));
    PathLookup path = PathLookup.system();
    AllowList allow = AllowList.parse(List.of("echo", "seq", "pwd", "printenv", "touch", "ls"), path::find, "test");
    AuditLog viaServe = AuditLog.bus(cluster.node, Duration.ofSeconds(5));
    cluster.deployNode(cluster.node, "allow-box", ExecPolicy.allowlist("allow-box", allow), work, viaServe, 1 << 20);
    cluster.deployNode(cluster.node, "full-box", ExecPolicy.full("full-box"), work,
        AuditLog.kafka(cluster.node, kafka.bootstrapServers()), 4096);
    cluster.deployNode(cluster.node, "deny-box", ExecPolicy.deny("deny-box"), work, viaServe, 1 << 20);
    client = new ExecClient(cluster.gateway, cluster.registry, cluster.signer);
    System.out.printf("exec e2e: Kafka, two members and three nodes up in %d ms%n", ms(t0));
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) client.close();
    if (cluster != null) cluster.close();
    if (kafka != null) kafka.close();
  }

  private static String id() {
    return "e2e-" + IDS.incrementAndGet();
  }

  private ExecResult exec(ExecRequest r) throws Exception {
    return await(client.exec(r, null));
  }

  private OpenAiError refused(ExecRequest r) throws Exception {
    return assertInstanceOf(OpenAiError.class, failure(client.exec(r, null)));
  }

  @Test
  void anAllowedCommandRunsAndItsOutputIsStreamedInOrder() throws Exception {
    List<ExecEvent> events = new CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    ExecResult r = await(client.exec(ExecRequest.of(id(), "team-a", "allow-box", "echo hello 'big world'"),
        events::add));
    System.out.printf("exec e2e: allowlisted echo with streaming answered in %d ms%n", ms(t0));
    assertEquals(0, r.exitCode());
    assertEquals("hello big world\n", r.stdout());
    assertEquals("", r.stderr());
    assertFalse(r.timedOut());
    assertFalse(r.truncated());
    assertEquals("allow-box", r.node());
    assertEquals(r.events(), events.size());
    StringBuilder streamed = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i, events.get(i).seq());
      streamed.append(events.get(i).data());
    }
    assertEquals(r.stdout(), streamed.toString());
  }

  @Test
  void theAllowlistRefusesOtherProgramsAndShellSyntaxWithA403() throws Exception {
    Path ran = work.resolve("should-not-exist");
    OpenAiError other = refused(ExecRequest.of(id(), "team-a", "allow-box", "rm -f " + ran));
    assertEquals(403, other.status());
    assertEquals(ExecErrors.EXEC_DENIED, other.code());
    assertTrue(other.getMessage().matches("'/.*/rm' is not in the allowlist of node 'allow-box'"), other.getMessage());

    OpenAiError pipe = refused(ExecRequest.of(id(), "team-a", "allow-box", "echo hi | touch " + ran));
    assertEquals(403, pipe.status());
    assertTrue(pipe.getMessage().contains("shell syntax is not allowed") && pipe.getMessage().contains("pipe"),
        pipe.getMessage());
    for (String c : List.of("touch $(echo " + ran + ")", "touch `echo x`", "touch x; touch " + ran,
        "touch x && touch " + ran, "touch " + dir + "/*", "echo hi > " + ran)) {
      assertEquals(403, refused(ExecRequest.of(id(), "team-a", "allow-box", c)).status(), c);
    }
    OpenAiError preload = refused(ExecRequest.of(id(), "team-a", "allow-box", "echo hi")
        .withEnv(Map.of("LD_PRELOAD", "/tmp/evil.so")));
    assertTrue(preload.getMessage().contains("LD_PRELOAD cannot be set"), preload.getMessage());
    assertFalse(Files.exists(ran));
  }

  @Test
  void theDenyPolicyRefusesEverything() throws Exception {
    OpenAiError e = refused(ExecRequest.of(id(), "team-a", "deny-box", "echo hi"));
    assertEquals(403, e.status());
    assertEquals("exec is disabled on node 'deny-box' (policy deny)", e.getMessage());
  }

  @Test
  void theFullPolicyRunsShellSyntaxThroughSh() throws Exception {
    ExecResult r = exec(ExecRequest.of(id(), "team-a", "full-box", "echo one; echo two | tr a-z A-Z; exit 4"));
    assertEquals(4, r.exitCode());
    assertEquals("one\nTWO\n", r.stdout());
    ExecResult missing = exec(ExecRequest.of(id(), "team-a", "full-box", "no-such-program-xyz --flag"));
    assertEquals(127, missing.exitCode());
    assertEquals("clawbus: no-such-program-xyz: command not found\n", missing.stderr());
  }

  @Test
  void envAndWorkdirReachTheCommand() throws Exception {
    ExecResult pwd = exec(ExecRequest.of(id(), "team-a", "allow-box", "pwd").withWorkdir("sub"));
    assertEquals(work.resolve("sub").toRealPath() + "\n", pwd.stdout());
    ExecResult env = exec(ExecRequest.of(id(), "team-a", "allow-box", "printenv GREETING")
        .withEnv(Map.of("GREETING", "hi from the gateway")));
    assertEquals("hi from the gateway\n", env.stdout());
    ExecResult stdin = exec(ExecRequest.of(id(), "team-a", "full-box", "tr a-z A-Z").withStdin("shout\n"));
    assertEquals("SHOUT\n", stdin.stdout());
    OpenAiError missing = refused(ExecRequest.of(id(), "team-a", "allow-box", "pwd").withWorkdir("nope"));
    assertEquals(400, missing.status());
    assertEquals("workdir", missing.param());
  }

  @Test
  void outputIsCappedAndTheTimeoutKillsTheCommand() throws Exception {
    ExecResult big = exec(ExecRequest.of(id(), "team-a", "full-box", "seq 1 100000"));
    assertEquals(0, big.exitCode());
    assertTrue(big.truncated());
    assertTrue(big.stdout().endsWith("\n[clawbus: output truncated after 4096 bytes]\n"));
    assertEquals(588_895, big.stdoutBytes());

    long t0 = System.nanoTime();
    ExecResult slow = exec(ExecRequest.of(id(), "team-a", "full-box", "echo before; sleep 60").withTimeoutSeconds(1));
    long took = ms(t0);
    assertTrue(slow.timedOut());
    assertEquals(137, slow.exitCode());
    assertEquals("before\n", slow.stdout());
    assertTrue(took < 5000, "took " + took + " ms");
  }

  @Test
  void aBusyNodeRefusesMoreCommandsAndADuplicateRequestId() throws Exception {
    cluster.deployNode(cluster.node, "busy-box", ExecPolicy.full("busy-box"), work, AuditLog.bus(cluster.node,
        Duration.ofSeconds(5)), 1024, 2);
    List<Future<ExecResult>> running = new ArrayList<>();
    String first = id();
    for (String rid : List.of(first, id())) {
      List<ExecEvent> started = new CopyOnWriteArrayList<>();
      Future<ExecResult> call = client.exec(ExecRequest.of(rid, "team-a", "busy-box", "echo started; exec sleep 30")
          .withTimeoutSeconds(3), started::add);
      running.add(call);
      TwoMembers.waitFor("the command to start", Duration.ofSeconds(20),
          () -> !started.isEmpty() || call.isComplete());
      assertFalse(call.isComplete(), () -> "ended before its output arrived: " + call.cause());
    }
    OpenAiError duplicate = refused(ExecRequest.of(first, "team-a", "busy-box", "echo again"));
    assertEquals(400, duplicate.status());
    assertEquals("a command with request id " + first + " is already running", duplicate.getMessage());
    OpenAiError busy = refused(ExecRequest.of(id(), "team-a", "busy-box", "echo third"));
    assertEquals(429, busy.status());
    assertEquals(ExecErrors.NODE_BUSY, busy.code());
    for (Future<ExecResult> f : running) {
      assertTrue(await(f).timedOut());
    }
    assertEquals(0, exec(ExecRequest.of(id(), "team-a", "busy-box", "echo free again")).exitCode());
  }

  /**
   * Whatever answers on a node's address must prove it holds the secret; output that arrives after the result is
   * still delivered in order. (A stand-in node on the bus, as an intruder or a slow network would behave.)
   */
  @Test
  void onlySignedResultsAreAcceptedAndLateOutputIsStillDelivered() throws Exception {
    NodeInfo fake = new NodeInfo("fake-box", ClusterMember.uuid(cluster.node), "h", "os", "full", "v",
        cluster.registry.clusterTime(), cluster.registry.clusterTime(), 0, List.of());
    ClusterSetup.hazelcast(cluster.gateway).<String, String>getMap(NodeRegistry.MAP).set("fake-box", fake.encode());
    boolean[] sign = {false};
    io.vertx.core.eventbus.MessageConsumer<JsonObject> impostor = cluster.node.eventBus().consumer(
        Addresses.exec("fake-box"), m -> {
          ExecRequest req = ExecRequest.fromJson(m.body());
          ExecResult r = new ExecResult(req.id(), "fake-box", 0, "ab", "", 1, false, false, 2, 0, 2, null);
          m.reply((sign[0] ? cluster.signer.signResult(req, r) : r).toJson());
          if (req.streamTo() != null) {
            cluster.node.setTimer(300, t -> {
              cluster.node.eventBus().send(req.streamTo(), new ExecEvent(req.id(), 1, 'o', "b").encode());
              cluster.node.eventBus().send(req.streamTo(), new ExecEvent(req.id(), 0, 'o', "a").encode());
            });
          }
        });
    try {
      await(impostor.completion());
      OpenAiError forged = refused(ExecRequest.of(id(), "team-a", "fake-box", "echo ab"));
      assertEquals(502, forged.status());
      assertEquals(ExecErrors.NODE_BAD_ANSWER, forged.code());
      assertEquals("node 'fake-box' answered with a result that does not verify with the exec secret",
          forged.getMessage());

      sign[0] = true;
      List<ExecEvent> events = new CopyOnWriteArrayList<>();
      ExecResult r = await(client.exec(ExecRequest.of(id(), "team-a", "fake-box", "echo ab"), events::add));
      assertEquals("ab", r.stdout());
      assertEquals(List.of("a", "b"), events.stream().map(ExecEvent::data).toList(), "both, in order");
    } finally {
      await(impostor.unregister());
      ClusterSetup.hazelcast(cluster.gateway).getMap(NodeRegistry.MAP).delete("fake-box");
    }
  }

  @Test
  void anUnknownNodeIsA404() throws Exception {
    OpenAiError e = refused(ExecRequest.of(id(), "team-a", "no-such-box", "echo hi"));
    assertEquals(404, e.status());
    assertEquals(ExecErrors.NODE_NOT_FOUND, e.code());
    assertEquals("no node named 'no-such-box' has joined the cluster", e.getMessage());
  }

  /** Straight onto the bus, as any cluster member could: only a valid, fresh, first-seen signature runs. */
  @Test
  void unsignedBadlySignedStaleAndReplayedRequestsAreRefused() throws Exception {
    Path ran = work.resolve("ran-" + IDS.incrementAndGet());
    ExecRequest plain = ExecRequest.of(id(), "intruder", "full-box", "touch " + ran);
    assertRefused(plain, "the request is not signed");
    ReplyException notJson = assertInstanceOf(ReplyException.class,
        failure(cluster.gateway.eventBus().request(Addresses.exec("full-box"), "touch " + ran)));
    assertEquals(400, notJson.failureCode());
    ExecSigner wrong = new ExecSigner("a different secret, long enough to be used".getBytes(StandardCharsets.UTF_8),
        Clock.systemUTC());
    assertRefused(wrong.sign(plain), "the request's signature is not valid");
    ExecRequest signed = cluster.signer.sign(plain);
    ExecRequest tampered = new ExecRequest(signed.id(), signed.tenant(), signed.node(), "touch " + ran + "-2",
        null, Map.of(), signed.timeoutSeconds(), null, null, signed.issuedAt(), signed.nonce(), signed.signature());
    assertRefused(tampered, "the request's signature is not valid");
    ExecSigner late = new ExecSigner(TwoMembers.SECRET, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-90)));
    assertRefused(late.sign(plain), "the request was signed 90 s ago");
    assertFalse(Files.exists(ran), "none of them ran");

    JsonObject first = await(cluster.gateway.eventBus().<JsonObject>request(Addresses.exec("full-box"),
        signed.toJson())).body();
    assertEquals(0, first.getInteger("exit_code"));
    assertTrue(cluster.signer.resultValid(signed, ExecResult.fromJson(first)));
    Files.delete(ran);
    assertRefused(signed, "the request was already received once (replayed nonce)");
    assertFalse(Files.exists(ran), "the replay did not run");

    // Through the client, a secret mismatch is the server's fault: 502 with the node's reason.
    try (ExecClient mismatched = new ExecClient(cluster.gateway, cluster.registry, wrong)) {
      OpenAiError e = assertInstanceOf(OpenAiError.class,
          failure(mismatched.exec(ExecRequest.of(id(), "t", "full-box", "echo x"), null)));
      assertEquals(502, e.status());
      assertEquals(ExecErrors.SIGNATURE_REJECTED, e.code());
      assertTrue(e.getMessage().startsWith("node 'full-box' refused the request: the request's signature is not "
          + "valid"), e.getMessage());
    }
  }

  private void assertRefused(ExecRequest r, String reasonStart) throws Exception {
    ReplyException e = assertInstanceOf(ReplyException.class,
        failure(cluster.gateway.eventBus().request(Addresses.exec("full-box"), r.toJson())));
    assertEquals(401, e.failureCode());
    OpenAiError body = OpenAiError.fromBody(401, new JsonObject(e.getMessage()));
    assertEquals(ExecErrors.SIGNATURE_REJECTED, body.code());
    assertTrue(body.getMessage().startsWith(reasonStart), body.getMessage());
    assertFalse(e.getMessage().contains(new String(TwoMembers.SECRET, StandardCharsets.UTF_8)));
  }

  @Test
  void everyExecIsAnAuditRecordInKafka() throws Exception {
    String viaServe = id();
    String direct = id();
    String denied = id();
    exec(ExecRequest.of(viaServe, "team-a", "allow-box", "echo audited"));
    exec(ExecRequest.of(direct, "team-b", "full-box", "echo audited; echo warn >&2; exit 2"));
    refused(ExecRequest.of(denied, "team-c", "allow-box", "ls | ls"));

    Map<String, List<ExecAudit>> byId = readAudit(List.of(viaServe, direct, denied), 5);
    List<ExecAudit> a = byId.get(viaServe);
    assertEquals(List.of(ExecAudit.START, ExecAudit.END), a.stream().map(ExecAudit::phase).toList());
    ExecAudit end = a.get(1);
    assertEquals("team-a", end.tenant());
    assertEquals("allow-box", end.node());
    assertEquals("echo audited", end.command());
    assertEquals(ExecAudit.ALLOWED, end.decision());
    assertEquals("direct", end.mode());
    assertTrue(end.executable().endsWith("/echo"), end.executable());
    assertEquals(0, end.exitCode());
    assertEquals(8, end.stdoutBytes());
    assertTrue(end.durationMs() >= 0);

    ExecAudit d = byId.get(direct).get(1);
    assertEquals("team-b", d.tenant());
    assertEquals("shell", d.mode());
    assertEquals(2, d.exitCode());
    assertEquals(8, d.stdoutBytes());
    assertEquals(5, d.stderrBytes());

    List<ExecAudit> refusedRecords = byId.get(denied);
    assertEquals(1, refusedRecords.size());
    assertEquals(ExecAudit.END, refusedRecords.get(0).phase());
    assertEquals(ExecAudit.DENIED, refusedRecords.get(0).decision());
    assertTrue(refusedRecords.get(0).reason().contains("pipe"), refusedRecords.get(0).reason());
    assertNull(refusedRecords.get(0).exitCode());
  }

  /** With no serve node to write the audit record, the command does not run. */
  @Test
  void withoutAnAuditTrailNothingRuns() throws Exception {
    await(cluster.gateway.undeploy(writer));
    Path ran = work.resolve("ran-without-audit");
    try {
      OpenAiError e = refused(ExecRequest.of(id(), "team-a", "allow-box", "touch " + ran));
      assertEquals(503, e.status());
      assertEquals(ExecErrors.AUDIT_UNAVAILABLE, e.code());
      assertTrue(e.getMessage().endsWith("the command was not run"), e.getMessage());
      assertFalse(Files.exists(ran));
    } finally {
      writer = await(cluster.gateway.deployVerticle(new AuditWriterVerticle(kafka.bootstrapServers())));
    }
    assertEquals(0, exec(ExecRequest.of(id(), "team-a", "allow-box", "touch " + ran)).exitCode());
    assertTrue(Files.exists(ran));
  }

  /** An end record that cannot be written at first is retried until it is in Kafka. */
  @Test
  void anEndRecordThatCannotBeWrittenAtFirstIsRetried() throws Exception {
    cluster.deployNode(cluster.node, "retry-box", ExecPolicy.full("retry-box"), work, AuditLog.bus(cluster.node,
        Duration.ofSeconds(5)), 1024);
    String rid = id();
    List<ExecEvent> started = new CopyOnWriteArrayList<>();
    Future<ExecResult> call = client.exec(ExecRequest.of(rid, "team-a", "retry-box", "echo started; exec sleep 2"),
        started::add);
    TwoMembers.waitFor("the command to start", Duration.ofSeconds(20), () -> !started.isEmpty());
    await(cluster.gateway.undeploy(writer)); // the start record is written; the end record will find no writer
    try {
      assertEquals(0, await(call).exitCode());
    } finally {
      writer = await(cluster.gateway.deployVerticle(new AuditWriterVerticle(kafka.bootstrapServers())));
    }
    List<ExecAudit> records = readAudit(List.of(rid), 2).get(rid);
    assertEquals(List.of(ExecAudit.START, ExecAudit.END), records.stream().map(ExecAudit::phase).toList());
    assertEquals(0, records.get(1).exitCode());
  }

  @Test
  void theRegistryListsTheNodesWithTheirPolicies() throws Exception {
    List<NodeStatus> nodes = await(cluster.registry.list());
    Map<String, String> policies = new HashMap<>();
    // (other tests add nodes that come and go)
    nodes.forEach(n -> policies.put(n.name(), n.info().policy()));
    assertEquals("allowlist", policies.get("allow-box"));
    assertEquals("full", policies.get("full-box"));
    assertEquals("deny", policies.get("deny-box"));
    for (String name : List.of("allow-box", "full-box", "deny-box")) {
      assertTrue(nodes.stream().anyMatch(n -> n.name().equals(name) && n.alive()), name);
    }
    assertEquals(nodes.stream().map(NodeStatus::name).sorted().toList(), nodes.stream().map(NodeStatus::name).toList());
    NodeStatus full = await(cluster.registry.get("full-box"));
    assertEquals(ClusterMember.uuid(cluster.node), full.info().member());
    assertTrue(await(cluster.registry.isAlive("deny-box")));
    assertNull(await(cluster.registry.get("nope")));
    assertFalse(await(cluster.registry.isAlive("nope")));
  }

  /** Nodes that leave, crash, hang or lose their name while a command runs: the caller hears of it in seconds. */
  @Nested
  class NodesThatGoAway {
    /** A node on a third member of its own, running a command (its pid first on stdout) for a caller. */
    private final class Victim implements AutoCloseable {
      private Vertx vertx;
      final Future<ExecResult> call;
      final long pid;

      Victim(String name) throws Exception {
        vertx = cluster.joinMember();
        try {
          cluster.deployNode(vertx, name, ExecPolicy.full(name), work, AuditLog.bus(vertx, Duration.ofSeconds(5)),
              1 << 20);
          List<ExecEvent> events = new CopyOnWriteArrayList<>();
          call = client.exec(ExecRequest.of(id(), "team-a", name, "echo $$; exec sleep 60"), events::add);
          TwoMembers.waitFor("the command to start", Duration.ofSeconds(20), () -> !events.isEmpty());
          pid = Long.parseLong(events.get(0).data().trim());
        } catch (Exception | Error e) {
          close();
          throw e;
        }
      }

      OpenAiError failure() throws Exception {
        return assertInstanceOf(OpenAiError.class, TwoMembers.failure(call));
      }

      @Override
      public void close() throws Exception {
        if (vertx != null) {
          vertx.close().await(30, TimeUnit.SECONDS);
          vertx = null;
        }
      }
    }

    @Test
    void aNodeThatCrashesMidCommandFailsTheCallWithinSeconds() throws Exception {
      try (Victim victim = new Victim("crash-box")) {
        long t0 = System.nanoTime();
        ClusterSetup.hazelcast(victim.vertx).getLifecycleService().terminate(); // as if the machine died
        OpenAiError e = victim.failure();
        long took = ms(t0);
        System.out.printf("exec e2e: node crash mid-command reported to the caller after %d ms%n", took);
        assertEquals(502, e.status());
        assertEquals(ExecErrors.NODE_GONE, e.code());
        assertEquals("node 'crash-box' left the cluster while the command was running; its outcome is unknown",
            e.getMessage());
        assertTrue(took < 10_000, "took " + took + " ms");
        assertEquals(NodeStatus.GONE, await(cluster.registry.get("crash-box")).state());
        OpenAiError after = refused(ExecRequest.of(id(), "team-a", "crash-box", "echo again"));
        assertEquals(503, after.status());
        assertEquals(ExecErrors.NODE_UNAVAILABLE, after.code());
        assertEquals(0, client.pending());
        victim.close();
        assertTrue(ProcessRunnerTest.deadWithin(victim.pid, 5000), "the crashed node's command was killed on close");
      }
    }

    @Test
    void aNodeThatStopsMidCommandKillsItAndAnswers503() throws Exception {
      try (Victim victim = new Victim("stop-box")) {
        TwoMembers.waitFor("the registry to show the command", Duration.ofSeconds(5),
            () -> !cluster.registry.get("stop-box").await().info().running().isEmpty());
        assertEquals(NodeStatus.ALIVE, await(cluster.registry.get("stop-box")).state());
        long t0 = System.nanoTime();
        victim.close();
        OpenAiError e = victim.failure();
        System.out.printf("exec e2e: node stop mid-command answered after %d ms%n", ms(t0));
        assertEquals(503, e.status());
        assertEquals("node 'stop-box' is shutting down; the command was killed", e.getMessage());
        assertTrue(ProcessRunnerTest.deadWithin(victim.pid, 5000));
        assertEquals(NodeStatus.LEFT, await(cluster.registry.get("stop-box")).state());
      }
    }

    @Test
    void aNodeWhoseNameIsTakenOverMidCommandIsGone() throws Exception {
      try (Victim victim = new Victim("swap-box")) {
        NodeInfo mine = await(cluster.registry.get("swap-box")).info();
        NodeInfo other = new NodeInfo("swap-box", ClusterMember.uuid(cluster.gateway), "elsewhere", mine.os(),
            "full", mine.version(), mine.startedAt(), cluster.registry.clusterTime(), 0, List.of());
        long t0 = System.nanoTime();
        ClusterSetup.hazelcast(cluster.gateway).<String, String>getMap(NodeRegistry.MAP).set("swap-box",
            other.encode());
        OpenAiError e = victim.failure();
        System.out.printf("exec e2e: node name taken over mid-command reported after %d ms%n", ms(t0));
        assertEquals(ExecErrors.NODE_GONE, e.code());
        assertTrue(e.getMessage().startsWith("node 'swap-box' was restarted while"), e.getMessage());
      } finally {
        ClusterSetup.hazelcast(cluster.gateway).getMap(NodeRegistry.MAP).delete("swap-box");
      }
    }

    @Test
    void aNodeWithoutFreshHeartbeatsIsNotWaitedFor() throws Exception {
      long now = cluster.registry.clusterTime();
      NodeInfo stale = new NodeInfo("hung-box", ClusterMember.uuid(cluster.node), "h", "os", "full", "v", now - 60_000,
          now - 10_000, 0, List.of());
      ClusterSetup.hazelcast(cluster.gateway).<String, String>getMap(NodeRegistry.MAP).set("hung-box", stale.encode());
      assertEquals(NodeStatus.GONE, await(cluster.registry.get("hung-box")).state());
      long t0 = System.nanoTime();
      OpenAiError e = refused(ExecRequest.of(id(), "team-a", "hung-box", "echo hi"));
      assertTrue(ms(t0) < 2000);
      assertEquals(503, e.status());
      assertEquals("node 'hung-box' is not connected (last seen 10 s ago); the command was not run", e.getMessage());
    }

    @Test
    void liveNodesHeartbeatAndTheirNamesCannotBeTaken() throws Exception {
      long seen = await(cluster.registry.get("deny-box")).info().lastSeen();
      TwoMembers.waitFor("a heartbeat", Duration.ofSeconds(5),
          () -> cluster.registry.get("deny-box").await().info().lastSeen() > seen);
      Throwable e = failure(cluster.gateway.deployVerticle(new ToolRunnerVerticle(new ToolRunnerVerticle.Setup(
          "deny-box", work, ExecPolicy.full("deny-box"), 1024, 1, cluster.signer, AuditLog.bus(cluster.gateway,
          Duration.ofSeconds(1)), PathLookup.system(), Clock.systemUTC(), NodeRegistry.DEFAULT_STALE_AFTER))));
      assertTrue(e.getMessage().startsWith("node name 'deny-box' is already taken by a running node"),
          e.getMessage());
      assertEquals("deny", await(cluster.registry.get("deny-box")).info().policy());
    }
  }

  private Map<String, List<ExecAudit>> readAudit(List<String> ids, int expected) {
    Map<String, String> config = new HashMap<>(KafkaClients.consumerConfig(kafka.bootstrapServers(),
        "audit-reader-" + IDS.incrementAndGet()));
    Map<String, List<ExecAudit>> byId = new HashMap<>();
    int found = 0;
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(new HashMap<>(config))) {
      consumer.subscribe(List.of(Topics.EXEC_AUDIT));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (found < expected && System.nanoTime() < until) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
          if (ids.contains(rec.key())) {
            ExecAudit a = ExecAudit.fromJson(new JsonObject(rec.value()));
            byId.computeIfAbsent(rec.key(), k -> new ArrayList<>()).add(a);
            found++;
          }
        }
      }
    }
    assertEquals(expected, found, "audit records found: " + byId);
    return byId;
  }

  private static long ms(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
