package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.tenancy.TenancyOptions;
import dev.clawbus.ingress.IngressVerticle;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files against a running node (in-process, simulator backend, keys configured): every HTTP path they
 * probe or scrape is a GET route of the ingress (listed from the ingress itself) and answers as they expect, the
 * readiness probe keeps a node ready while vLLM is away, the vLLM alert's metric appears when vLLM stays away, and
 * {@code clawbus openclaw-config} prints a provider block matching the node's live model list.
 */
class DeployNodeTest {
  static final String KEY = "sk-deploy-team-a";
  static final String ADMIN = "sk-deploy-admin";
  @TempDir static Path dir;
  static ClawbusNode node;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    node = ClawbusNode.start(TestNodes.simNode(dir)
        .with(ClawbusConfig.API_KEYS, KEY + "=team-a")
        .with(TenancyOptions.ADMIN_KEYS, ADMIN)
        .with(ClawbusConfig.VLLM_WAIT_SECONDS, 2));
    base = node.url();
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    node = null;
  }

  /** Every HTTP path the deployments name: probes, the compose healthcheck, the ServiceMonitor's scrape. */
  private static Map<String, String> deploymentPaths() {
    Map<String, String> paths = new LinkedHashMap<>();
    JsonNode c = DeployFiles.k8s("StatefulSet", "clawbus").path("spec").path("template").path("spec")
        .path("containers").get(0);
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      paths.put("StatefulSet " + probe, c.path(probe).path("httpGet").path("path").asText());
    }
    DeployFiles.compose().path("services").fields().forEachRemaining(e -> {
      for (JsonNode t : e.getValue().path("healthcheck").path("test")) {
        if (t.asText().startsWith("http")) {
          URI u = URI.create(t.asText());
          paths.put("compose " + e.getKey() + " healthcheck", u.getRawPath()
              + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
        }
      }
    });
    JsonNode sm = DeployFiles.k8s("ServiceMonitor", "clawbus").path("spec").path("endpoints").get(0);
    paths.put("ServiceMonitor", sm.path("path").asText());
    return paths;
  }

  @Test
  void everyPathTheDeploymentsNameIsAGetRouteOfTheIngressAndAnswers() throws Exception {
    // The routes as the ingress builds them: one more instance on the node's Vert.x (it shares the node's port).
    IngressVerticle ingress = new IngressVerticle(node.services());
    String id = node.vertx().deployVerticle(ingress).await(30, TimeUnit.SECONDS);
    Set<String> getRoutes = new LinkedHashSet<>();
    try {
      for (Route r : ingress.routes()) {
        boolean get = r.methods() == null || r.methods().isEmpty() || r.methods().contains(HttpMethod.GET);
        if (get && r.getPath() != null && r.isExactPath() && !r.isRegexPath()) getRoutes.add(r.getPath());
      }
    } finally {
      node.vertx().undeploy(id).await(30, TimeUnit.SECONDS);
    }
    assertTrue(getRoutes.containsAll(Set.of("/health", "/healthz", "/readyz", "/metrics", "/v1/models")),
        "the routes are read from the ingress: " + getRoutes);
    Map<String, String> paths = deploymentPaths();
    assertEquals(6, paths.size(), "three probes, two healthchecks, one scrape: " + paths);
    for (var e : paths.entrySet()) {
      String path = e.getValue().split("\\?")[0];
      assertTrue(getRoutes.contains(path), e.getKey() + ": GET " + path + " is not a route of the ingress " + getRoutes);
      HttpResponse<String> r = TestNodes.get(base + e.getValue(), "authorization", "Bearer " + ADMIN);
      assertEquals(200, r.statusCode(), e.getKey() + ": GET " + e.getValue() + " with vLLM up: " + r.body());
    }
    assertEquals(401, TestNodes.get(base + "/metrics").statusCode(), "the scrape needs the admin key");
    assertEquals(401, TestNodes.get(base + "/metrics", "authorization", "Bearer " + KEY).statusCode(),
        "a tenant key is not enough");
    assertTrue(TestNodes.get(base + "/metrics", "authorization", "Bearer " + ADMIN).body()
        .contains("clawbus_inflight"), "Prometheus text");
  }

  @Test
  void whileVllmIsAwayTheNodeStaysReadyForKubernetesAndTheVllmAlertMetricAppears() throws Exception {
    Map<String, String> paths = deploymentPaths();
    String readiness = paths.get("StatefulSet readinessProbe");
    String compose = paths.get("compose clawbus-a healthcheck");
    node.simulator().chaos().unavailableFor(20_000).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    try {
      HttpResponse<String> strict = TestNodes.get(base + compose);
      assertEquals(503, strict.statusCode(), "the compose healthcheck reports vLLM: " + strict.body());
      assertEquals("unreachable", new JsonObject(strict.body()).getString("vllm"));
      HttpResponse<String> k8s = TestNodes.get(base + readiness);
      assertEquals(200, k8s.statusCode(), "Kubernetes keeps the pod in the Service: " + k8s.body());
      assertEquals("unreachable", new JsonObject(k8s.body()).getString("vllm"), "still reported");

      HttpResponse<String> chat = TestNodes.post(base + "/v1/chat/completions",
          TestNodes.userChat("anyone? [[sim words=3]]", false).encode(), "authorization", "Bearer " + KEY);
      assertEquals(503, chat.statusCode(), chat.body());
      assertEquals("vllm_unavailable", new JsonObject(chat.body()).getJsonObject("error").getString("code"));

      // The alert's selector, as written in the PrometheusRule, matches what the node now exports.
      String expr = "";
      for (JsonNode r : DeployFiles.k8s("PrometheusRule", "clawbus").path("spec").path("groups").get(0)
          .path("rules")) {
        if (r.path("alert").asText().equals("ClawbusVllmUnreachable")) expr = r.path("expr").asText();
      }
      Matcher sel = Pattern.compile("(clawbus_errors_total)\\{kind=\"([a-z_]+)\"}").matcher(expr);
      assertTrue(sel.find(), "the vLLM alert selects errors by kind: " + expr);
      // The failure is counted when its run has recorded it, a moment after the client got its answer.
      Pattern linePattern = Pattern.compile("(?m)^" + sel.group(1) + "\\{([^}]*)} ([0-9.E]+)$");
      String kind = sel.group(2);
      String metrics = dev.clawbus.infra.testing.Eventually.until(
          () -> TestNodes.get(base + "/metrics", "authorization", "Bearer " + ADMIN).body(), text -> {
            Matcher line = linePattern.matcher(text);
            while (line.find()) {
              if (line.group(1).contains("kind=\"" + kind + "\"") && Double.parseDouble(line.group(2)) >= 1) {
                return true;
              }
            }
            return false;
          }, java.time.Duration.ofSeconds(10));
      assertTrue(metrics.contains("kind=\"" + kind + "\""), "clawbus_errors_total{kind=\"" + kind
          + "\"} counts the failure");
    } finally {
      node.simulator().chaos().reset().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  // ---- clawbus openclaw-config ----

  record Run(int code, String out, String err) {}

  private static Run openclawConfig(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = OpenClawConfigCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static JsonObject liveModel() throws Exception {
    JsonArray data = new JsonObject(TestNodes.get(base + "/v1/models", "authorization", "Bearer " + KEY).body())
        .getJsonArray("data");
    assertEquals(1, data.size(), data.encode());
    return data.getJsonObject(0);
  }

  @Test
  void openclawConfigPrintsTheProviderBlockOfTheLiveModelList() throws Exception {
    JsonObject live = liveModel();
    int window = live.getInteger("max_model_len");
    Run r = openclawConfig("--url", base, "--api-key", KEY);
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err(), "nothing to note for a loopback node that reports max_model_len");
    JsonObject json = new JsonObject(r.out());
    assertEquals(Set.of("models"), json.fieldNames());
    JsonObject provider = json.getJsonObject("models").getJsonObject("providers").getJsonObject("clawbus");
    assertNotNull(provider, r.out());
    assertEquals(base + "/v1", provider.getString("baseUrl"));
    assertEquals("openai-completions", provider.getString("api"));
    assertEquals(KEY, provider.getString("apiKey"));
    JsonObject m = provider.getJsonArray("models").getJsonObject(0);
    assertEquals(live.getString("id"), m.getString("id"));
    assertEquals(window, m.getInteger("contextWindow"), "vLLM's max_model_len");
    assertEquals(Math.min(32_768, window / 4), m.getInteger("maxTokens"));

    // The block works: its baseUrl, key and model answer a chat completion.
    HttpResponse<String> chat = TestNodes.post(provider.getString("baseUrl") + "/chat/completions",
        new JsonObject().put("model", m.getString("id")).put("max_completion_tokens", m.getInteger("maxTokens"))
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi [[sim words=3]]")))
            .encode(), "authorization", "Bearer " + provider.getString("apiKey"));
    assertEquals(200, chat.statusCode(), chat.body());
  }

  @Test
  void openclawConfigFullIsAWholeConfigWithThePrimaryModelSet() throws Exception {
    JsonObject live = liveModel();
    Run r = openclawConfig("--url", base + "/v1/", "--api-key", KEY, "--provider", "gpu", "--api", "openai-responses",
        "--full");
    assertEquals(0, r.code(), r.err());
    JsonObject json = new JsonObject(r.out());
    assertEquals(Set.of("models", "agents"), json.fieldNames());
    assertEquals("gpu/" + live.getString("id"), json.getJsonObject("agents").getJsonObject("defaults")
        .getJsonObject("model").getString("primary"));
    JsonObject provider = json.getJsonObject("models").getJsonObject("providers").getJsonObject("gpu");
    assertEquals("openai-responses", provider.getString("api"));
    assertEquals(base + "/v1", provider.getString("baseUrl"), "a /v1/ URL is normalised");
    Run wrongModel = openclawConfig("--url", base, "--api-key", KEY, "--full", "--model", "nope");
    assertEquals(1, wrongModel.code());
    assertTrue(wrongModel.err().contains("--model nope is not served"), wrongModel.err());
  }

  @Test
  void aRefusedKeyOrAnUnreachableNodeIsOneLineAndExitCodeOne() throws Exception {
    Run wrong = openclawConfig("--url", base, "--api-key", "sk-wrong-key-123");
    assertEquals(1, wrong.code());
    assertEquals("", wrong.out(), "nothing on stdout to paste by mistake");
    assertEquals(1, wrong.err().strip().lines().count(), wrong.err());
    assertTrue(wrong.err().startsWith("clawbus: " + base + " refused the API key (HTTP 401)"), wrong.err());
    assertFalse(wrong.err().contains("sk-wrong-key-123"), "the key is never echoed");

    Run none = openclawConfig("--url", base);
    assertEquals(1, none.code());
    assertTrue(none.err().contains("needs an API key"), none.err());

    String closed = "http://127.0.0.1:" + LocalPorts.free("127.0.0.1");
    Run gone = openclawConfig("--url", closed, "--api-key", KEY);
    assertEquals(1, gone.code());
    assertEquals(List.of("clawbus: cannot reach clawbus at " + closed + " (connection refused): is `clawbus serve` "
        + "running there?"), gone.err().strip().lines().toList());

    ConfigException bad = assertThrows(ConfigException.class, () -> openclawConfig("--api", "openai-chat"));
    assertTrue(bad.getMessage().contains("--api must be openai-completions or openai-responses"), bad.getMessage());
    assertThrows(ConfigException.class, () -> openclawConfig("--provider", "a/b"));
    assertThrows(ConfigException.class, () -> openclawConfig("--url", "localhost:8003"));
    assertThrows(ConfigException.class, () -> openclawConfig("--bogus"));
  }

  @Test
  void mainDispatchesTheCommand() {
    assertTrue(Main.USAGE.lines().anyMatch(l -> l.strip().startsWith("openclaw-config")), "listed in clawbus --help");
    assertEquals(2, Main.run(new String[] {"openclaw-config", "--api", "x"}), "a usage mistake is exit code 2");
    assertEquals(1, Main.run(new String[] {"openclaw-config", "--url", base, "--api-key", "sk-nope"}),
        "a refused key is exit code 1");
  }
}
