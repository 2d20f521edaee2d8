package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.app.ops.DlqCommand;
import dev.clawbus.app.ops.InspectCommand;
import dev.clawbus.app.ops.ReplayCommand;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.tenancy.TenancyOptions;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operators' story on a real node (embedded Kafka, Hazelcast, the simulator), through the CLI as an operator
 * types it: requests failed by a vLLM outage longer than {@code --vllm-wait-seconds} are in {@code dlq list},
 * {@code inspect} shows why, {@code replay} completes them once vLLM is back with the same answer as the request would
 * have had, under new ids their tenant's own key reads; a second replay is refused unless forced, also after a
 * restart of the lone node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorsEndToEndTest {
  static final String A = "sk-ops-team-a";
  static final String B = "sk-ops-team-b";
  static final String ADMIN = "sk-ops-admin";
  static final Pattern INTERNALS = FuzzTest.INTERNALS;
  static final JsonObject OUTAGE_1 = TestNodes.userChat("first request during the outage [[sim words=12]]", true);
  static final JsonObject OUTAGE_2 = TestNodes.userChat("second request during the outage [[sim words=9]]", true);
  @TempDir static Path dir;
  static ClawbusNode node;
  static String base;
  /** The replays made so far of outage-0001: the first, then the forced one. */
  static final List<String> replays = new ArrayList<>();

  static ClawbusConfig config() {
    return TestNodes.simNode(dir)
        .with(ClawbusConfig.API_KEYS, A + "=team-a," + B + "=team-b")
        .with(TenancyOptions.ADMIN_KEYS, ADMIN)
        .with(ClawbusConfig.VLLM_WAIT_SECONDS, 3);
  }

  @BeforeAll
  static void start() throws Exception {
    node = ClawbusNode.start(config());
    base = node.url();
  }

  /** vLLM is back after every test, whatever it asserted. */
  @AfterEach
  void vllmBack() throws Exception {
    if (node != null) node.simulator().chaos().reset().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  record Cli(int code, String out, String err) {}

  interface Command {
    int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err);
  }

  static Cli cli(Command c, Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = c.run(Arrays.asList(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** As an operator runs it against this node with the admin key. */
  static Cli admin(Command c, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--url", base, "--admin-key", ADMIN));
    return cli(c, Map.of(), all.toArray(new String[0]));
  }

  static HttpResponse<String> chat(String key, JsonObject body, String id) throws Exception {
    return TestNodes.post(base + "/v1/chat/completions", body.encode(), "authorization", "Bearer " + key,
        "X-Request-Id", id);
  }

  static JsonObject state(String key, String id) throws Exception {
    return new JsonObject(TestNodes.get(base + "/v1/requests/" + id, "authorization", "Bearer " + key).body());
  }

  static String answerOf(JsonObject state) {
    return state.getJsonObject("response").getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getString("content");
  }

  static long simSaw(String marker) {
    return node.simulator().requests().stream().filter(r -> r.encode().contains(marker)).count();
  }

  static String newId(Cli replay) {
    Matcher m = Pattern.compile("-> ([a-z0-9]{24})").matcher(replay.out());
    assertTrue(m.find(), "the new id is printed: " + replay.out());
    return m.group(1);
  }

  @Test
  @Order(1)
  void requestsFailedByAnOutageAreListedInspectedAndReplayedOnceVllmIsBack() throws Exception {
    node.simulator().chaos().unavailableFor(120_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    CompletableFuture<HttpResponse<String>> second = CompletableFuture.supplyAsync(() -> {
      try {
        return chat(A, OUTAGE_2, "outage-0002");
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    long t0 = System.nanoTime();
    HttpResponse<String> r = chat(A, OUTAGE_1, "outage-0001");
    second.get(60, TimeUnit.SECONDS);
    List<Sse> events = TestNodes.sse(r.body());
    JsonObject error = new JsonObject(events.get(events.size() - 1).data()).getJsonObject("error");
    assertNotNull(error, r.body());
    assertEquals("vllm_unavailable", error.getString("code"));
    System.out.printf("operators: the request failed after %d ms (--vllm-wait-seconds 3)%n",
        (System.nanoTime() - t0) / 1_000_000);

    // dlq list: both, with tenant, attempts and reason (the dead letter is written just after the failure).
    Cli list = Eventually.until(() -> admin(DlqCommand::run, "list"),
        c -> c.out().contains("outage-0001") && c.out().contains("outage-0002"), Duration.ofSeconds(20));
    assertEquals(0, list.code(), list.err());
    String line = list.out().lines().filter(l -> l.contains("outage-0001")).findFirst().orElseThrow();
    assertTrue(line.contains("team-a") && line.contains("vllm_unavailable") && line.contains("unreachable"), line);
    assertTrue(list.out().contains("2 dead letters"), list.out());
    Cli json = admin(DlqCommand::run, "list", "--json", "--since", "10m");
    JsonArray data = new JsonObject(json.out()).getJsonArray("data");
    JsonObject dl = data.stream().map(o -> (JsonObject) o).filter(o -> "outage-0001".equals(o.getString("id")))
        .findFirst().orElseThrow();
    assertEquals("team-a", dl.getString("tenant"));
    assertTrue(dl.getInteger("attempts") >= 1, dl.encode());
    assertEquals(503, dl.getJsonObject("error").getInteger("status"));
    assertTrue(dl.getLong("failed_at") - dl.getLong("received_at") >= 3_000, "failed after the wait: " + dl.encode());
    assertEquals(OUTAGE_1.getJsonArray("messages").getJsonObject(0).getString("content"),
        dl.getJsonObject("request").getJsonArray("messages").getJsonObject(0).getString("content"),
        "--json carries the original request");
    assertEquals("no dead letters", admin(DlqCommand::run, "list", "--tenant", "team-b").out().trim());
    assertEquals("no dead letters", admin(DlqCommand::run, "list", "--until", "1h").out().trim(),
        "until is applied: nothing failed more than an hour ago");

    // inspect: why, step by step.
    Cli inspect = admin(InspectCommand::run, "outage-0001");
    assertEquals(0, inspect.code(), inspect.err());
    List<String> kinds = inspect.out().lines().map(String::trim).filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
        .map(l -> l.split("\\s+")[1]).toList();
    assertEquals("received", kinds.get(0), inspect.out());
    assertTrue(kinds.containsAll(List.of("queued", "durable", "started", "attempt_failed", "failed")), inspect.out());
    assertEquals("failed", kinds.get(kinds.size() - 1), inspect.out());
    assertTrue(inspect.out().startsWith("request outage-0001 (tenant team-a): failed"), inspect.out());
    assertTrue(inspect.out().contains("why: vLLM at " + node.config().vllmUrl() + " was unreachable for 3 s"),
        inspect.out());
    assertTrue(inspect.out().contains(node.config().nodeId()), "the node it ran on: " + inspect.out());

    // vLLM back: the same request, sent anew by a client, is the answer the replay must give.
    node.simulator().chaos().reset().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    HttpResponse<String> control = chat(A, OUTAGE_1.copy().put("stream", false), "outage-control");
    String expected = new JsonObject(control.body()).getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content");
    long generated = simSaw("first request during the outage");

    Cli replay = admin(ReplayCommand::run, "outage-0001");
    assertEquals(0, replay.code(), replay.out() + replay.err());
    assertTrue(replay.out().contains("replayed 1, skipped 0, failed 0"), replay.out());
    String newId = newId(replay);
    replays.add(newId);
    JsonObject done = Eventually.until(() -> state(A, newId), s -> "done".equals(s.getString("status")),
        Duration.ofSeconds(30));
    assertEquals("outage-0001", done.getString("replay_of"));
    assertEquals(expected, answerOf(done), "the same answer");
    assertEquals(generated + 1, simSaw("first request during the outage"), "vLLM generated it once more");
    List<Sse> replayed = TestNodes.sse(TestNodes.get(base + "/v1/requests/" + newId + "/events",
        "authorization", "Bearer " + A).body());
    assertEquals(expected, TestNodes.content(replayed), "the tenant's own key streams it");
    assertEquals("[DONE]", replayed.get(replayed.size() - 1).data());
    assertEquals(404, TestNodes.get(base + "/v1/requests/" + newId, "authorization", "Bearer " + B).statusCode(),
        "another tenant does not see it");

    // Twice without --force: refused, naming the replay; the original's timeline records it.
    Cli again = admin(ReplayCommand::run, "outage-0001");
    assertEquals(1, again.code(), again.out());
    assertTrue(again.out().contains("skipped: already replayed as " + newId), again.out());
    assertTrue(again.out().contains("replayed 0, skipped 1, failed 0"), again.out());
    Cli original = admin(InspectCommand::run, "outage-0001");
    assertTrue(original.out().contains("replayed as " + newId), original.out());
    assertTrue(original.out().lines().anyMatch(l -> l.contains(" replayed ") && l.contains(newId)), original.out());
    Cli ofReplay = admin(InspectCommand::run, newId, "--tenant", "team-a");
    assertTrue(ofReplay.out().startsWith("request " + newId + " (tenant team-a): done"), ofReplay.out());
    assertTrue(ofReplay.out().contains("replay of outage-0001"), ofReplay.out());
    assertTrue(ofReplay.out().contains(" output "), ofReplay.out());
  }

  @Test
  @Order(2)
  void forceReplaysAgainAndAFilterFindsWhatIsLeft() throws Exception {
    Cli dry = admin(ReplayCommand::run, "--since", "10m", "--tenant", "team-a", "--dry-run");
    assertEquals(0, dry.code(), dry.out() + dry.err());
    assertTrue(dry.out().contains("team-a/outage-0002 would be replayed"), dry.out());
    assertTrue(dry.out().contains("team-a/outage-0001 skipped: already replayed as " + replays.get(0)), dry.out());
    assertTrue(dry.out().contains("dry run: would replay 1, skipped 1, failed 0"), dry.out());
    assertEquals(0, simSaw("second request during the outage"), "a dry run sends nothing (and vLLM was down)");

    Cli forced = cli(ReplayCommand::run, Map.of("CLAWBUS_ADMIN_KEY", ADMIN), "outage-0001", "--force", "--url", base);
    assertEquals(0, forced.code(), forced.out() + forced.err());
    String second = newId(forced);
    assertNotEquals(replays.get(0), second);
    replays.add(second);
    assertTrue(forced.out().contains("replaces replay " + replays.get(0)), forced.out());
    Eventually.until(() -> state(A, second), s -> "done".equals(s.getString("status")), Duration.ofSeconds(30));
    JsonObject listed = new JsonObject(admin(DlqCommand::run, "list", "--json").out()).getJsonArray("data").stream()
        .map(o -> (JsonObject) o).filter(o -> "outage-0001".equals(o.getString("id"))).findFirst().orElseThrow();
    assertEquals(second, listed.getString("replayed_as"), "the list shows the latest replay");
  }

  /** Four operators replay the same dead letter at once: one replay, three refusals naming it. */
  @Test
  @Order(3)
  void concurrentReplaysOfOneRequestMakeExactlyOne() throws Exception {
    List<CompletableFuture<JsonObject>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> {
        try {
          return new JsonObject(TestNodes.post(base + "/admin/replay", new JsonObject().put("ids", new JsonArray()
              .add("team-a/outage-0002")).encode(), "authorization", "Bearer " + ADMIN).body());
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
    }
    int replayed = 0;
    String newId = null;
    List<String> skippedAs = new ArrayList<>();
    for (CompletableFuture<JsonObject> c : calls) {
      JsonObject r = c.get(60, TimeUnit.SECONDS).getJsonArray("results").getJsonObject(0);
      if ("replayed".equals(r.getString("outcome"))) {
        replayed++;
        newId = r.getString("new_id");
      } else {
        assertEquals("skipped", r.getString("outcome"), r.encode());
        skippedAs.add(r.getString("new_id"));
      }
    }
    assertEquals(1, replayed);
    String id = newId;
    assertTrue(skippedAs.stream().allMatch(id::equals), "the refusals name the replay: " + skippedAs);
    JsonObject done = Eventually.until(() -> state(A, id), s -> "done".equals(s.getString("status")),
        Duration.ofSeconds(30));
    assertEquals("outage-0002", done.getString("replay_of"));
    assertEquals(1, simSaw("second request during the outage"), "generated once, by the one replay");
  }

  @Test
  @Order(4)
  void theAdminApiNeedsAnAdminKeyAndAnswersMistakesInOpenAiShape() throws Exception {
    HttpResponse<String> none = TestNodes.get(base + "/admin/dlq");
    assertEquals(401, none.statusCode());
    assertError(none, "invalid_api_key", null);
    HttpResponse<String> tenant = TestNodes.get(base + "/admin/requests", "authorization", "Bearer " + A);
    assertEquals(403, tenant.statusCode());
    assertError(tenant, "admin_key_required", null);
    assertEquals(403, TestNodes.post(base + "/admin/replay", "{\"ids\":[\"outage-0002\"]}", "authorization",
        "Bearer " + A).statusCode(), "a tenant cannot replay, not even its own");
    assertError(get("/admin/dlq?since=yesterday"), null, "since");
    assertError(get("/admin/dlq?limit=0"), null, "limit");
    assertError(get("/admin/requests?status=lost"), null, "status");
    assertError(get("/admin/requests?tenant=a%2Fb"), null, "tenant");
    assertError(post("/admin/replay", "not json"), null, null);
    assertError(post("/admin/replay", "{}"), null, "ids");
    assertError(post("/admin/replay", "{\"ids\":[\"x y\"]}"), null, "ids");
    assertError(post("/admin/replay", "{\"since\":\"1h\",\"force\":\"yes\"}"), null, "force");
    HttpResponse<String> unknown = get("/admin/requests/no-such-request/timeline");
    assertEquals(404, unknown.statusCode());
    assertError(unknown, "request_not_found", null);
    JsonObject notFound = new JsonObject(post("/admin/replay", "{\"ids\":[\"no-such-request\"]}").body());
    assertEquals(1, notFound.getInteger("failed"));
    assertEquals("not in the dead-letter topic", notFound.getJsonArray("results").getJsonObject(0)
        .getString("reason"));

    JsonArray doneOfA = new JsonObject(get("/admin/requests?status=done&tenant=team-a&limit=50").body())
        .getJsonArray("data");
    assertTrue(doneOfA.size() >= 4, doneOfA.encode());
    assertTrue(doneOfA.stream().map(o -> (JsonObject) o).allMatch(o -> "team-a".equals(o.getString("tenant"))
        && "done".equals(o.getString("status"))));
    JsonObject status = new JsonObject(get("/admin/status").body());
    assertTrue(status.getJsonObject("vllm").getBoolean("healthy"), status.encode());
    assertNotNull(status.getJsonObject("vllm").getValue("running"), "vLLM's saturation: " + status.encode());
    assertTrue(status.getJsonArray("recent_errors").stream().map(o -> (JsonObject) o)
        .anyMatch(e -> "outage-0001".equals(e.getString("id"))), status.encode());

    HttpResponse<String> page = TestNodes.get(base + "/admin/");
    assertEquals(200, page.statusCode(), "the dashboard's files need no key");
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
    assertTrue(page.body().contains("dashboard.js"));
    assertTrue(page.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
    assertFalse(page.body().contains("http://") || page.body().contains("https://"), "nothing from elsewhere");
    HttpResponse<String> js = TestNodes.get(base + "/admin/dashboard.js");
    assertEquals(200, js.statusCode());
    assertTrue(js.headers().firstValue("content-type").orElse("").contains("javascript"));
    assertFalse(js.body().contains("http://") || js.body().contains("https://"), "nothing from elsewhere");
    assertEquals(404, TestNodes.get(base + "/admin/nothing-here.js").statusCode());
    HttpResponse<String> bare = TestNodes.get(base + "/admin");
    assertEquals(302, bare.statusCode());
    assertEquals("/admin/", bare.headers().firstValue("location").orElse(""));
  }

  @Test
  @Order(5)
  void aWrongKeyAnUnreachableNodeOrAMistakeIsOneClearLine() throws Exception {
    Cli wrong = cli(DlqCommand::run, Map.of(), "list", "--url", base, "--admin-key", "sk-wrong");
    assertEquals(1, wrong.code());
    assertOneLine(wrong.err(), "refused the admin key: pass --admin-key KEY or set CLAWBUS_ADMIN_KEY");
    Cli noKey = cli(InspectCommand::run, Map.of(), "outage-0001", "--url", base);
    assertEquals(1, noKey.code());
    assertOneLine(noKey.err(), "refused the admin key (none given)");
    Cli tenantKey = cli(ReplayCommand::run, Map.of("CLAWBUS_ADMIN_KEY", A), "outage-0001", "--url", base);
    assertEquals(1, tenantKey.code());
    assertOneLine(tenantKey.err(), "needs an admin key; the key given is a tenant's");
    String nobody = "http://127.0.0.1:" + LocalPorts.free("127.0.0.1");
    Cli unreachable = cli(DlqCommand::run, Map.of(), "list", "--url", nobody);
    assertEquals(1, unreachable.code());
    assertOneLine(unreachable.err(), "no clawbus node answers at " + nobody + " (connection refused)");
    Cli badTime = admin(DlqCommand::run, "list", "--since", "last tuesday");
    assertEquals(2, badTime.code());
    assertOneLine(badTime.err(), "--since: 'last tuesday' is not a time");
    assertEquals(2, admin(ReplayCommand::run).code(), "nothing named");
    assertEquals(2, admin(InspectCommand::run).code());
    Cli missing = admin(InspectCommand::run, "never-was-a-request");
    assertEquals(1, missing.code());
    assertOneLine(missing.err(), "No request with id 'never-was-a-request'");
    assertEquals(0, Main.run(new String[] {"dlq", "--help"}));
  }

  /** The ledger of replays is rebuilt from Kafka when a lone node restarts: a replay is still refused. */
  @Test
  @Order(6)
  void aLoneNodeRestartedStillRefusesASecondReplay() throws Exception {
    node.close();
    node = null;
    long t0 = System.nanoTime();
    node = ClawbusNode.start(config());
    base = node.url();
    System.out.printf("operators: node restarted in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    Cli again = admin(ReplayCommand::run, "outage-0001");
    assertEquals(1, again.code(), again.out() + again.err());
    assertTrue(again.out().contains("skipped: already replayed as " + replays.get(1)), again.out());
    assertTrue(admin(DlqCommand::run, "list").out().contains("outage-0002"), "the dead letters are in Kafka");

    // By time, forced: every dead letter of the tenant again, with a progress bar, on the restarted node.
    Cli all = admin(ReplayCommand::run, "--since", "30m", "--tenant", "team-a", "--force");
    assertEquals(0, all.code(), all.out() + all.err());
    assertTrue(all.out().contains("replayed 2, skipped 0, failed 0"), all.out());
    assertTrue(all.err().contains("[" + "#".repeat(30) + "] 2/2"), "progress: " + all.err());
    Matcher ids = Pattern.compile("team-a/(outage-000[12]) -> ([a-z0-9]{24})").matcher(all.out());
    int done = 0;
    while (ids.find()) {
      String id = ids.group(2);
      JsonObject s = Eventually.until(() -> state(A, id), x -> "done".equals(x.getString("status")),
          Duration.ofSeconds(30));
      assertEquals(ids.group(1), s.getString("replay_of"));
      done++;
    }
    assertEquals(2, done, all.out());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return TestNodes.get(base + path, "authorization", "Bearer " + ADMIN);
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return TestNodes.post(base + path, body, "authorization", "Bearer " + ADMIN);
  }

  static void assertError(HttpResponse<String> r, String code, String param) {
    assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.statusCode() + " " + r.body());
    JsonObject e = new JsonObject(r.body()).getJsonObject("error");
    assertNotNull(e, r.body());
    assertTrue(e.getValue("message") instanceof String && e.getValue("type") instanceof String
        && e.containsKey("param") && e.containsKey("code"), "OpenAI's shape: " + r.body());
    if (code != null) assertEquals(code, e.getString("code"), r.body());
    if (param != null) assertEquals(param, e.getString("param"), r.body());
    assertFalse(INTERNALS.matcher(r.body()).find(), "no internals: " + r.body());
  }

  static void assertOneLine(String err, String contains) {
    assertEquals(1, err.lines().count(), "one line: " + err);
    assertTrue(err.contains(contains), err);
    assertFalse(INTERNALS.matcher(err).find(), "no internals: " + err);
  }
}
