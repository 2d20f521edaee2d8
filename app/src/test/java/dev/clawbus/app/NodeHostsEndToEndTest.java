package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.exec.ExecAudit;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.tenancy.TenancyOptions;
import dev.clawbus.toolrunner.ToolRunnerNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node hosts end to end: a serve node (in-process, with the strict simulator, an embedded Kafka, admin and tenant
 * keys, the exec secret) and a {@code clawbus node} host joined to it (a second Hazelcast member), plus a node host
 * in its own JVM for a real {@code kill -9}. The HTTP API of {@code /v1/nodes}, and the server-side tool loop judged
 * by the official OpenAI Java SDK.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class NodeHostsEndToEndTest {
  static final String ADMIN = "sk-admin-000000000001";
  static final String TEAM_A = "sk-team-a-00000000001";
  static final String TEAM_X = "sk-team-x-00000000001";
  static final String TEAM_Y = "sk-team-y-00000000001";
  static final Pattern INTERNALS = Pattern.compile("Exception|java\\.|dev\\.clawbus|\\tat ");

  @TempDir static Path dir;
  static Path work;
  static Path secret;
  static ClawbusNode serve;
  static ToolRunnerNode buildbox;
  static int clusterPort;
  static OpenAIClient teamX;

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    work = Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(work.resolve("sub"));
    secret = dir.resolve("exec.secret");
    Files.writeString(secret, "node-hosts-e2e-secret-0123456789abcdef0123\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path tenants = dir.resolve("tenants.json");
    Files.writeString(tenants, new JsonObject()
        .put("tenants", new JsonArray()
            .add(new JsonObject().put("name", "team-a").put("keys", new JsonArray().add(TEAM_A)))
            .add(new JsonObject().put("name", "team-x").put("keys", new JsonArray().add(TEAM_X))
                .put("exec", new JsonObject().put("node", "buildbox")))
            .add(new JsonObject().put("name", "team-y").put("keys", new JsonArray().add(TEAM_Y))
                .put("exec", new JsonObject().put("node", "nobox"))))
        .put("admin_keys", new JsonArray().add(ADMIN)).encode());
    ClawbusConfig cfg = TestNodes.simNode(dir.resolve("serve"))
        .with(TenancyOptions.TENANTS, tenants.toString())
        .with(ClawbusConfig.EXEC_SECRET_FILE, secret.toString())
        .withModels(new JsonObject()
            .put(TestNodes.MODEL, new JsonObject().put("parser", "qwen3_coder"))
            .put("coder", new JsonObject().put("backend_model", TestNodes.MODEL).put("parser", "qwen3_coder")
                .put("exec", new JsonObject().put("node", "buildbox"))));
    serve = ClawbusNode.start(cfg);
    assertTrue(serve.execEnabled());
    clusterPort = ClusterSetup.hazelcast(serve.vertx()).getCluster().getLocalMember().getAddress().getPort();
    buildbox = NodeCommand.start(List.of("--name", "buildbox", "--cluster-members", "127.0.0.1:" + clusterPort,
        "--cluster-port", "0", "--exec-secret-file", secret.toString(), "--workdir", work.toString(),
        "--policy", "full"), Map.of(), new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(new ByteArrayOutputStream()));
    teamX = OpenAIOkHttpClient.builder().baseUrl(serve.url() + "/v1").apiKey(TEAM_X).maxRetries(0).build();
    System.out.printf("node hosts e2e: serve + node host up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void stop() {
    if (teamX != null) teamX.close();
    if (buildbox != null) buildbox.close();
    if (serve != null) serve.close();
  }

  static HttpResponse<String> get(String path, String key) throws Exception {
    return key == null ? TestNodes.get(serve.url() + path) : TestNodes.get(serve.url() + path, "authorization",
        "Bearer " + key);
  }

  static HttpResponse<String> post(String path, String key, String body, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "authorization";
    all[1] = "Bearer " + key;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return TestNodes.post(serve.url() + path, body, all);
  }

  /** An OpenAI-shaped error with this status and code, and nothing of clawbus's insides. */
  static JsonObject assertError(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    assertFalse(INTERNALS.matcher(r.body()).find(), "no Java internals in a body: " + r.body());
    JsonObject e = new JsonObject(r.body()).getJsonObject("error");
    assertEquals(Set.of("message", "type", "param", "code"), e.fieldNames(), r.body());
    assertEquals(code, e.getString("code"), r.body());
    return e;
  }

  static List<ExecAudit> audit(String key, int atLeast) {
    return KafkaRecords.read(serve.config().kafka(), Topics.EXEC_AUDIT, key::equals, l -> l.size() >= atLeast)
        .stream().map(v -> ExecAudit.fromJson(new JsonObject(v))).toList();
  }

  // ------------------------------------------------------------------------------------------ the HTTP API

  @Test
  void theRegistryIsListedForAdminsOnly() throws Exception {
    HttpResponse<String> r = get("/v1/nodes", ADMIN);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject list = new JsonObject(r.body());
    assertEquals("list", list.getString("object"));
    JsonObject box = list.getJsonArray("data").stream().map(o -> (JsonObject) o)
        .filter(n -> n.getString("name").equals("buildbox")).findFirst().orElseThrow();
    assertEquals("alive", box.getString("state"));
    assertEquals("full", box.getString("policy"));
    assertTrue(box.containsKey("last_seen") && box.containsKey("running") && box.containsKey("host"));
    assertEquals("permission_error", assertError(get("/v1/nodes", TEAM_A), 403, "admin_required").getString("type"));
    assertError(get("/v1/nodes", null), 401, "invalid_api_key");
  }

  @Test
  void aCommandRunsAndAnswersJsonAndItsAuditIsInKafka() throws Exception {
    String id = "api-exec-json-0001";
    HttpResponse<String> r = post("/v1/nodes/buildbox/exec", ADMIN, new JsonObject()
        .put("command", "pwd; echo \"x=$X\"; echo oops >&2; exit 3").put("workdir", "sub")
        .put("env", new JsonObject().put("X", "42")).put("timeoutSeconds", 20).encode(), "X-Request-Id", id);
    assertEquals(200, r.statusCode(), r.body());
    JsonObject result = new JsonObject(r.body());
    assertEquals(Set.of("exit_code", "stdout", "stderr", "duration_ms", "timed_out", "truncated"), result.fieldNames());
    assertEquals(3, result.getInteger("exit_code"));
    assertEquals(work.resolve("sub").toRealPath() + "\nx=42\n", result.getString("stdout"));
    assertEquals("oops\n", result.getString("stderr"));
    assertFalse(result.getBoolean("timed_out"));
    assertFalse(result.getBoolean("truncated"));
    assertTrue(result.getLong("duration_ms") >= 0);

    List<ExecAudit> records = audit(id, 2);
    assertEquals(List.of(ExecAudit.START, ExecAudit.END), records.stream().map(ExecAudit::phase).toList());
    ExecAudit end = records.get(1);
    assertEquals("admin", end.tenant(), "an admin key's requests run as tenant admin");
    assertEquals("buildbox", end.node());
    assertEquals(ExecAudit.ALLOWED, end.decision());
    assertEquals("shell", end.mode(), "shell syntax under the full policy runs in /bin/sh");
    assertEquals(3, end.exitCode());
  }

  @Test
  void outputIsStreamedAsSseWhenAskedEitherWay() throws Exception {
    String cmd = new JsonObject().put("command", "echo one; sleep 0.3; echo two >&2").encode();
    for (HttpResponse<String> r : List.of(
        post("/v1/nodes/buildbox/exec", ADMIN, new JsonObject(cmd).put("stream", true).encode()),
        post("/v1/nodes/buildbox/exec", ADMIN, cmd, "accept", "text/event-stream"))) {
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
      List<Sse> events = TestNodes.sse(r.body());
      assertEquals(4, events.size(), r.body());
      assertEquals(new JsonObject().put("type", "output").put("stream", "stdout").put("text", "one\n"),
          new JsonObject(events.get(0).data()));
      assertEquals(new JsonObject().put("type", "output").put("stream", "stderr").put("text", "two\n"),
          new JsonObject(events.get(1).data()));
      JsonObject result = new JsonObject(events.get(2).data());
      assertEquals("result", result.getString("type"));
      assertEquals(0, result.getInteger("exit_code"));
      assertEquals("one\n", result.getString("stdout"));
      assertEquals("two\n", result.getString("stderr"));
      assertEquals("[DONE]", events.get(3).data());
    }
  }

  @Test
  void mistakesAreOpenAiShapedAndNameTheField() throws Exception {
    String exec = "/v1/nodes/buildbox/exec";
    assertEquals("command", assertError(post(exec, ADMIN, "{\"workdir\":\"sub\"}"), 400, null).getString("param"));
    assertEquals("timeoutSeconds", assertError(post(exec, ADMIN, "{\"command\":\"ls\",\"timeoutSeconds\":\"soon\"}"),
        400, null).getString("param"));
    assertEquals("env", assertError(post(exec, ADMIN, "{\"command\":\"ls\",\"env\":{\"A\":1}}"), 400, null)
        .getString("param"));
    assertEquals("comand", assertError(post(exec, ADMIN, "{\"comand\":\"ls\"}"), 400, null).getString("param"));
    assertEquals("stream", assertError(post(exec, ADMIN, "{\"command\":\"ls\",\"stream\":\"yes\"}"), 400, null)
        .getString("param"));
    assertError(post(exec, ADMIN, "[1,2]"), 400, null);
    assertError(post(exec, ADMIN, "{\"command\":\"ls\",\"workdir\":\"no-such-dir\"}"), 400, "invalid_exec_request");
    JsonObject unknown = assertError(post("/v1/nodes/nobox/exec", ADMIN, "{\"command\":\"ls\"}"), 404,
        "node_not_found");
    assertEquals("no node named 'nobox' has joined the cluster", unknown.getString("message"));
    assertError(post("/v1/nodes/bad%20name/exec", ADMIN, "{\"command\":\"ls\"}"), 404, "node_not_found");
    Path ran = work.resolve("tenant-ran-this");
    assertError(post(exec, TEAM_X, new JsonObject().put("command", "touch " + ran).encode()), 403, "admin_required");
    assertFalse(Files.exists(ran), "a tenant key runs nothing");
  }

  @Test
  void aServeNodeWithoutTheSecretListsNodesButRunsNothing() throws Exception {
    ClawbusConfig cfg = TestNodes.simNode(dir.resolve("no-secret"))
        .with(ClawbusConfig.KAFKA, serve.config().kafka())
        .with(ClawbusConfig.CLUSTER_MEMBERS, "127.0.0.1:" + clusterPort);
    try (ClawbusNode plain = ClawbusNode.start(cfg)) {
      assertFalse(plain.execEnabled());
      HttpResponse<String> list = TestNodes.get(plain.url() + "/v1/nodes");
      assertEquals(200, list.statusCode(), list.body());
      assertTrue(list.body().contains("\"name\":\"buildbox\""), list.body());
      Path ran = work.resolve("ran-without-secret");
      JsonObject e = assertError(TestNodes.post(plain.url() + "/v1/nodes/buildbox/exec",
          new JsonObject().put("command", "touch " + ran).encode()), 503, "exec_disabled");
      assertTrue(e.getString("message").contains("--exec-secret-file"), e.getString("message"));
      assertFalse(Files.exists(ran));
    }
  }

  /** A node host killed with SIGKILL while two commands run on it: the JSON caller gets a 502, the SSE one an error. */
  @Test
  void aNodeThatDiesMidCommandAnswers502NodeGone() throws Exception {
    Path dyingWork = Files.createDirectories(dir.resolve("dying"));
    try (NodeProcess dying = NodeProcess.nodeHost(dir.resolve("dyingbox.log"), List.of("--name", "dyingbox",
        "--cluster-members", "127.0.0.1:" + clusterPort, "--cluster-port", String.valueOf(LocalPorts.free("127.0.0.1")),
        "--exec-secret-file", secret.toString(), "--workdir", dyingWork.toString(), "--policy", "full"))) {
      StreamReader sse = StreamReader.post(serve.url() + "/v1/nodes/dyingbox/exec", new JsonObject()
          .put("command", "echo started; sleep 60").put("stream", true).encode(), "authorization", "Bearer " + ADMIN);
      java.util.concurrent.CompletableFuture<HttpResponse<String>> json = java.util.concurrent.CompletableFuture
          .supplyAsync(() -> {
            try {
              return post("/v1/nodes/dyingbox/exec", ADMIN, "{\"command\":\"sleep 60\"}");
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      long deadline = System.currentTimeMillis() + 30_000;
      while (sse.events.isEmpty() || runningOn("dyingbox") < 2) {
        assertTrue(System.currentTimeMillis() < deadline, "both commands did not start");
        Thread.sleep(50);
      }
      assertTrue(sse.events.get(0).data().contains("started"), sse.events.toString());
      dying.kill9();
      long killed = System.nanoTime();
      HttpResponse<String> r = json.get(60, TimeUnit.SECONDS);
      long jsonMs = (System.nanoTime() - killed) / 1_000_000;
      JsonObject e = assertError(r, 502, "node_gone");
      assertTrue(e.getString("message").startsWith("node 'dyingbox' "), e.getString("message"));
      assertTrue(e.getString("message").endsWith("while the command was running; its outcome is unknown"),
          e.getString("message"));
      sse.awaitEnd(30_000);
      List<Sse> events = sse.events;
      JsonObject last = new JsonObject(events.get(events.size() - 1).data());
      assertEquals("node_gone", last.getJsonObject("error").getString("code"), events.toString());
      System.out.printf("node hosts e2e: node host killed mid-command: JSON caller answered 502 after %d ms%n",
          jsonMs);
    }
  }

  private static int runningOn(String node) throws Exception {
    JsonObject list = new JsonObject(get("/v1/nodes", ADMIN).body());
    return list.getJsonArray("data").stream().map(o -> (JsonObject) o).filter(n -> n.getString("name").equals(node))
        .mapToInt(n -> n.getJsonArray("running").size()).findFirst().orElse(0);
  }

  // ------------------------------------------------------------------------------------- the tool loop

  static FunctionParameters schema(String field) {
    return FunctionParameters.builder()
        .putAdditionalProperty("type", JsonValue.from("object"))
        .putAdditionalProperty("properties", JsonValue.from(Map.of(field, Map.of("type", "string"))))
        .putAdditionalProperty("required", JsonValue.from(List.of(field)))
        .build();
  }

  static ChatCompletionFunctionTool tool(String name, String field) {
    return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name)
        .description(name).parameters(schema(field)).build()).build();
  }

  static String directive(String command, String afterTool) {
    return "[[sim tool=exec args=" + new JsonObject().put("command", command).encode() + " mode=xml after_tool="
        + new JsonArray().add(afterTool).encode().replaceAll("^\\[|\\]$", "") + "]]";
  }

  /** What the SDK's stream carried: the accumulated completion, and every chunk's reasoning text. */
  record Streamed(ChatCompletion completion, String reasoning, Set<String> ids) {}

  static Streamed stream(OpenAIClient client, ChatCompletionCreateParams params) {
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    StringBuilder reasoning = new StringBuilder();
    Set<String> ids = new java.util.HashSet<>();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
      s.stream().forEach(chunk -> {
        ids.add(chunk.id());
        acc.accumulate(chunk);
        for (ChatCompletionChunk.Choice c : chunk.choices()) {
          JsonValue r = c.delta()._additionalProperties().get("reasoning_content");
          if (r != null) reasoning.append(r.convert(String.class));
          for (ChatCompletionChunk.Choice.Delta.ToolCall tc : c.delta().toolCalls().orElse(List.of())) {
            assertFalse(tc.function().flatMap(f -> f.name()).orElse("").equals("exec"),
                "no exec call reaches the client");
          }
        }
      });
    }
    return new Streamed(acc.chatCompletion(), reasoning.toString(), ids);
  }

  @Test
  void theModelsExecRunsOnTheNodeAndItsFinalAnswerQuotesTheOutputStreamedAndNot() throws Exception {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TestNodes.MODEL)
        .addUserMessage("what is six times seven? " + directive("echo loop-$((6*7))", "The command said: {result}"))
        .addTool(tool("exec", "command")).build();
    Streamed s = stream(teamX, params);
    ChatCompletion.Choice choice = s.completion().choices().get(0);
    String content = choice.message().content().orElse("");
    assertTrue(content.startsWith("The command said: loop-42\n[exit code 0, "), content);
    assertTrue(choice.message().toolCalls().orElse(List.of()).isEmpty(), "the client never sees the exec call");
    assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
    assertEquals(1, s.ids().size(), "one completion id across both rounds");
    assertTrue(s.reasoning().startsWith("[exec on buildbox] $ echo loop-$((6*7))\nloop-42\n[exit code 0, "),
        s.reasoning());

    ChatCompletion plain = teamX.chat().completions().create(params.toBuilder()
        .messages(List.of()).addUserMessage("and again? " + directive("echo again-$((6*7))", "Said: {result}"))
        .build());
    ChatCompletionMessage msg = plain.choices().get(0).message();
    assertTrue(msg.content().orElse("").startsWith("Said: again-42\n[exit code 0, "), msg.content().toString());
    assertTrue(msg.toolCalls().orElse(List.of()).isEmpty());
    assertTrue(msg._additionalProperties().get("reasoning_content").convert(String.class)
        .startsWith("[exec on buildbox] $ echo again-$((6*7))\nagain-42\n"));

    List<JsonObject> asked = serve.simulator().requests().stream().filter(b -> b.encode().contains("again-$((6*7))"))
        .toList();
    assertEquals(2, asked.size(), "vLLM was asked twice: the exec call, then the final answer");
    JsonArray second = asked.get(1).getJsonArray("messages");
    JsonObject call = second.getJsonObject(1);
    assertEquals("assistant", call.getString("role"));
    assertEquals("exec", call.getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("name"));
    JsonObject result = second.getJsonObject(2);
    assertEquals("tool", result.getString("role"));
    assertEquals(call.getJsonArray("tool_calls").getJsonObject(0).getString("id"), result.getString("tool_call_id"));
    assertTrue(result.getString("content").startsWith("again-42\n[exit code 0, "), result.getString("content"));
  }

  @Test
  void theRawStreamHasNoToolCallAndTheStepIsAuditedAndOnTheTimeline() throws Exception {
    String id = "loop-raw-000000000001";
    JsonObject body = new JsonObject().put("model", TestNodes.MODEL).put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", "list [[sim tool=exec args={\"command\":\"ls\",\"workdir\":\"lsdir\"} mode=xml "
                + "after_tool=\"Files: {result}\"]]")))
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("function", new JsonObject()
            .put("name", "exec").put("parameters", new JsonObject().put("type", "object")))));
    Files.createDirectories(work.resolve("lsdir/sub"));
    Files.writeString(work.resolve("lsdir/listed.txt"), "x");
    HttpResponse<String> r = post("/v1/chat/completions", TEAM_X, body.encode(), "X-Request-Id", id);
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(r.body().contains("tool_calls"), "not a trace of the exec call in the stream: " + r.body());
    List<Sse> events = TestNodes.sse(r.body());
    for (int i = 0; i < events.size(); i++) assertEquals(String.valueOf(i), events.get(i).id(), "contiguous ids");
    assertTrue(TestNodes.content(events).startsWith("Files: listed.txt\nsub\n[exit code 0, "),
        TestNodes.content(events));

    String execId = "team-x:" + id + ":r0c0";
    List<ExecAudit> records = audit(execId, 2);
    assertEquals(List.of(ExecAudit.START, ExecAudit.END), records.stream().map(ExecAudit::phase).toList());
    assertEquals("team-x", records.get(1).tenant());
    assertEquals("ls", records.get(1).command());
    assertEquals(0, records.get(1).exitCode());

    List<String> timeline = KafkaRecords.read(serve.config().kafka(), Topics.EVENTS, ("team-x/" + id)::equals,
        l -> l.stream().anyMatch(v -> v.contains("\"kind\":\"exec\"")));
    TimelineEvent exec = timeline.stream().flatMap(v -> EventLogRecord.decodeAll(v).stream())
        .filter(e -> e instanceof EventLogRecord.Timeline).map(e -> ((EventLogRecord.Timeline) e).event())
        .filter(t -> "exec".equals(t.kind())).findFirst()
        .orElseThrow(() -> new AssertionError("no exec timeline event in " + timeline));
    assertTrue(exec.detail().startsWith("node buildbox: ls -> exit 0 in "), exec.detail());
  }

  @Test
  void theModelsExecNodeAppliesWhenTheTenantHasNoneAndWithoutEitherTheCallGoesToTheClient() throws Exception {
    Path viaModel = work.resolve("via-model");
    Path notRun = work.resolve("not-run");
    OpenAIClient teamA = OpenAIOkHttpClient.builder().baseUrl(serve.url() + "/v1").apiKey(TEAM_A).maxRetries(0)
        .build();
    try {
      Streamed s = stream(teamA, ChatCompletionCreateParams.builder().model("coder")
          .addUserMessage("touch it " + directive("touch " + viaModel + " && echo touched", "Done: {result}"))
          .addTool(tool("exec", "command")).build());
      assertTrue(s.completion().choices().get(0).message().content().orElse("").startsWith("Done: touched\n"));
      assertTrue(Files.exists(viaModel), "models.coder.exec.node ran it on buildbox");

      ChatCompletion toClient = teamA.chat().completions().create(ChatCompletionCreateParams.builder()
          .model(TestNodes.MODEL).addUserMessage("touch " + directive("touch " + notRun, "{result}"))
          .addTool(tool("exec", "command")).build());
      var calls = toClient.choices().get(0).message().toolCalls().orElseThrow();
      assertEquals(1, calls.size());
      assertEquals("exec", calls.get(0).asFunction().function().name());
      assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, toClient.choices().get(0).finishReason());
      assertFalse(Files.exists(notRun), "a tenant and model without an exec node get the call as a tool call");
    } finally {
      teamA.close();
    }
  }

  @Test
  void withAnotherToolInTheSameAnswerTheOtherGoesToTheClientAndExecDoesNotRun() throws Exception {
    Path marker = work.resolve("both-marker");
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(TestNodes.MODEL)
        .addUserMessage("both [[sim tool=exec args=" + new JsonObject().put("command", "touch " + marker).encode()
            + " mode=xml]] [[sim tool=read args={\"path\":\"notes.md\"} mode=xml]]")
        .addTool(tool("exec", "command")).addTool(tool("read", "path")).build();
    Streamed s = stream(teamX, params);
    ChatCompletion.Choice choice = s.completion().choices().get(0);
    var calls = choice.message().toolCalls().orElseThrow();
    assertEquals(1, calls.size(), "only the other tool's call");
    assertEquals("read", calls.get(0).asFunction().function().name());
    assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
    assertTrue(s.reasoning().contains("1 exec call was not run on node 'buildbox'"), s.reasoning());
    assertFalse(Files.exists(marker), "nothing ran whose result the model could not see");
  }

  @Test
  void aNodeThatIsNotThereIsToldToTheModelAndTheTurnEnds() throws Exception {
    OpenAIClient teamY = OpenAIOkHttpClient.builder().baseUrl(serve.url() + "/v1").apiKey(TEAM_Y).maxRetries(0)
        .build();
    try {
      ChatCompletion c = teamY.chat().completions().create(ChatCompletionCreateParams.builder().model(TestNodes.MODEL)
          .addUserMessage("run " + directive("echo hi", "Tool said: {result}")).addTool(tool("exec", "command"))
          .build());
      assertEquals("Tool said: [not run: no node named 'nobox' has joined the cluster (node_not_found)]",
          c.choices().get(0).message().content().orElse(""));
      assertTrue(c.choices().get(0).message().toolCalls().orElse(List.of()).isEmpty());
    } finally {
      teamY.close();
    }
  }
}
