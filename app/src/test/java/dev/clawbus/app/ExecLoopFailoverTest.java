package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.broker.EmbeddedKafka;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.exec.ExecAudit;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.sim.SimOptions;
import dev.clawbus.sim.VllmSimulator;
import dev.clawbus.toolrunner.ToolRunnerNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool loop across the death of the serve node that runs it: two serve nodes in their own JVMs (A runs the
 * answer and is killed with SIGKILL, B takes it over), one Kafka, the simulator, and a node host (in this JVM) whose
 * commands append a line to a file, so the file says how often a command ran. Killed in the two places that matter:
 * while the command runs (recorded as started, no result) and after its result was recorded (while round 2 streams).
 */
class ExecLoopFailoverTest {
  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static Vertx vertx;
  static VllmSimulator sim;
  static Path secret;
  static Path config;
  static Path work;

  int httpA;
  int httpB;
  int hzA;
  int hzB;
  NodeProcess a;
  NodeProcess b;
  ToolRunnerNode buildbox;

  @BeforeAll
  static void startShared() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    vertx = Vertx.vertx();
    sim = new VllmSimulator(vertx, SimOptions.defaults().withPort(0).withStrict(true));
    sim.start().await(30, TimeUnit.SECONDS);
    secret = dir.resolve("exec.secret");
    Files.writeString(secret, "exec-loop-failover-secret-0123456789abcdef\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    config = dir.resolve("clawbus.json");
    Files.writeString(config, new JsonObject().put("models", new JsonObject().put(TestNodes.MODEL, new JsonObject()
        .put("parser", "qwen3_coder").put("exec", new JsonObject().put("node", "buildbox")))).encode());
    work = Files.createDirectories(dir.resolve("work"));
  }

  @AfterAll
  static void stopShared() throws Exception {
    if (vertx != null) vertx.close().await(30, TimeUnit.SECONDS);
    if (kafka != null) kafka.close();
  }

  private List<String> serveArgs(int http, int hz, int otherHz, String name) {
    return new ArrayList<>(List.of("--port", String.valueOf(http), "--vllm-url", sim.baseUrl(), "--cluster-port",
        String.valueOf(hz), "--cluster-members", "127.0.0.1:" + otherHz, "--node-id", name, "--data-dir",
        dir.resolve(name).toString(), "--kafka", kafka.bootstrapServers(), "--keepalive-seconds", "1", "--config",
        config.toString(), "--exec-secret-file", secret.toString()));
  }

  @BeforeEach
  void startNodes() throws Exception {
    httpA = LocalPorts.free("127.0.0.1");
    httpB = LocalPorts.free("127.0.0.1");
    hzA = LocalPorts.free("127.0.0.1");
    hzB = LocalPorts.free("127.0.0.1");
    String run = "r" + System.nanoTime();
    a = NodeProcess.serve(dir.resolve(run + "-a.log"), serveArgs(httpA, hzA, hzB, "a"));
    b = NodeProcess.serve(dir.resolve(run + "-b.log"), serveArgs(httpB, hzB, hzA, "b"));
    // The node host writes its audit records to Kafka itself: a serve node that dies takes no record with it.
    buildbox = NodeCommand.start(List.of("--name", "buildbox", "--cluster-members", "127.0.0.1:" + hzA
        + ",127.0.0.1:" + hzB, "--cluster-port", "0", "--exec-secret-file", secret.toString(), "--workdir",
        work.toString(), "--policy", "full", "--kafka", kafka.bootstrapServers()), Map.of(),
        new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
    waitFor("a cluster of A, B and the node host", 30_000, () -> clusterSize(httpA) == 3 && clusterSize(httpB) == 3);
  }

  @AfterEach
  void stopNodes() throws Exception {
    if (buildbox != null) buildbox.close();
    if (b != null) b.close();
    if (a != null) a.close();
  }

  private static int clusterSize(int http) {
    try {
      return new JsonObject(TestNodes.get("http://127.0.0.1:" + http + "/health").body()).getInteger("cluster_size");
    } catch (Exception e) {
      return -1;
    }
  }

  private static void waitFor(String what, long millis, BooleanSupplier ok) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!ok.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(50);
    }
  }

  private static List<String> lines(Path f) {
    try {
      return Files.exists(f) ? Files.readAllLines(f) : List.of();
    } catch (Exception e) {
      return List.of();
    }
  }

  private static JsonObject chat(String content) {
    return new JsonObject().put("model", TestNodes.MODEL).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)))
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
            .put("name", "exec").put("parameters", new JsonObject().put("type", "object").put("properties",
                new JsonObject().put("command", new JsonObject().put("type", "string")))))));
  }

  private static String reasoning(List<Sse> events) {
    StringBuilder sb = new StringBuilder();
    for (Sse e : events) {
      if (!e.data().startsWith("{")) continue;
      JsonArray choices = new JsonObject(e.data()).getJsonArray("choices");
      if (choices == null || choices.isEmpty()) continue;
      String r = choices.getJsonObject(0).getJsonObject("delta").getString("reasoning_content");
      if (r != null) sb.append(r);
    }
    return sb.toString();
  }

  /** Kills A once the client saw {@code killWhen}; returns the whole answer (A's part, then B's from the journal). */
  private List<Sse> killAWhen(String id, JsonObject body, BooleanSupplier killWhen, StreamReader[] clientOut)
      throws Exception {
    StreamReader client = StreamReader.post("http://127.0.0.1:" + httpA + "/v1/chat/completions", body.encode(),
        "X-Request-Id", id);
    clientOut[0] = client;
    waitFor("the moment to kill A", 60_000, killWhen);
    assertFalse(client.ended, "A still streams when it is killed");
    a.kill9();
    long killedAt = System.nanoTime();
    client.awaitEnd(10_000);
    long seen = client.lastSeq();
    StreamReader rest = StreamReader.get("http://127.0.0.1:" + httpB + "/v1/requests/" + id
        + "/events?starting_after=" + seen);
    rest.awaitEnd(120_000);
    System.out.printf("exec loop failover (%s): A killed, B finished the answer %d ms later%n", id,
        (System.nanoTime() - killedAt) / 1_000_000);
    List<Sse> tail = rest.events.stream().filter(e -> e.id() != null).toList();
    assertEquals(seen + 1, Long.parseLong(tail.get(0).id()), "B continues right after what the client saw");
    List<Sse> whole = new ArrayList<>(client.events.stream().filter(e -> e.id() != null).toList());
    whole.addAll(tail);
    for (int i = 0; i < whole.size(); i++) assertEquals(String.valueOf(i), whole.get(i).id(), "no gap, no repeat");
    assertEquals("[DONE]", whole.get(whole.size() - 1).data());
    return whole;
  }

  private static List<ExecAudit> audit(String execId, int atLeast) {
    return KafkaRecords.read(kafka.bootstrapServers(), Topics.EXEC_AUDIT, execId::equals, l -> l.size() >= atLeast)
        .stream().map(v -> ExecAudit.fromJson(new JsonObject(v))).toList();
  }

  /**
   * A dies while the command runs: the call is recorded as started and has no result. B must not send it again: it
   * tells the model the outcome is unknown, and the answer completes.
   */
  @Test
  void killedWhileTheCommandRunsTheTakerDoesNotRunItAgain() throws Exception {
    Path count = work.resolve("count-1.txt");
    String id = "loop-failover-started-01";
    JsonObject body = chat("run it [[sim tool=exec args=" + new JsonObject().put("command", "echo ran >> "
        + count + "; sleep 4; echo done >> " + count).encode() + " mode=xml after_tool=\"Result: {result}\"]]");
    StreamReader[] client = new StreamReader[1];
    List<Sse> whole = killAWhen(id, body, () -> lines(count).contains("ran"), client);

    assertTrue(reasoning(client[0].events).startsWith("[exec on buildbox] $ echo ran >> "),
        "A showed the step before it was sent: " + reasoning(client[0].events));
    String content = TestNodes.content(whole);
    assertTrue(content.startsWith("Result: [outcome unknown: this command was sent to node 'buildbox' "), content);
    assertTrue(content.contains("it was not run again"), content);
    waitFor("the command to finish on the node", 30_000, () -> lines(count).contains("done"));
    assertEquals(List.of("ran", "done"), lines(count), "the command ran exactly once");
    List<ExecAudit> records = audit("default:" + id + ":r0c0", 2);
    assertEquals(1, records.stream().filter(r -> r.phase().equals(ExecAudit.START)).count(), "one start: " + records);
    assertFalse(content.contains("tool_call"), content);
  }

  /**
   * A dies after the result was recorded, while round 2's answer streams: B continues round 2 (a continuation of
   * its text, with the call and its result in the conversation) and never runs the command again.
   */
  @Test
  void killedWhileTheFinalAnswerStreamsTheTakerContinuesItWithoutRunningAnything() throws Exception {
    Path count = work.resolve("count-2.txt");
    String id = "loop-failover-result-01";
    String tail = " and a tail long enough to be cut by the kill: one two three four five six seven eight nine ten "
        + "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty";
    JsonObject body = chat("run it [[sim tps=12 tool=exec args=" + new JsonObject().put("command", "echo ran >> "
        + count + "; echo out-2").encode() + " mode=xml after_tool=\"Result: {result}" + tail + "\"]]");
    StreamReader[] client = new StreamReader[1];
    List<Sse> whole = killAWhen(id, body, () -> client[0] != null && TestNodes.content(client[0].events)
        .startsWith("Result: out-2"), client);

    List<JsonObject> asked = sim.requests().stream().filter(r -> r.encode().contains("count-2.txt")).toList();
    JsonObject round2 = asked.stream().filter(r -> r.getJsonArray("messages").size() >= 3).findFirst().orElseThrow();
    String toolResult = round2.getJsonArray("messages").getJsonObject(2).getString("content");
    assertTrue(toolResult.startsWith("out-2\n[exit code 0, "), toolResult);
    assertEquals("Result: " + toolResult + tail, TestNodes.content(whole), "every token of round 2 exactly once");
    assertTrue(asked.stream().anyMatch(r -> r.getBoolean("continue_final_message", false)
        && r.getJsonArray("messages").getJsonObject(2).getString("role").equals("tool")),
        "B continued round 2 rather than starting the answer over");
    assertEquals(List.of("ran"), lines(count), "the command ran exactly once");
    assertEquals(1, audit("default:" + id + ":r0c0", 2).stream().filter(r -> r.phase().equals(ExecAudit.START))
        .count());
  }
}
