package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clawbus.app.DeployFiles.Invocation;
import dev.clawbus.broker.KafkaCommand;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.config.Option;
import dev.clawbus.infra.metrics.ClawbusMetrics;
import dev.clawbus.infra.metrics.TenantMeters;
import dev.clawbus.infra.tenancy.Tenants;
import dev.clawbus.toolrunner.NodeOptions;
import dev.clawbus.toolrunner.NodeOptions.NodeSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files under deploy/ parse, name only flags, environment variables and files that exist, and configure clawbus
 * the way their comments say: each clawbus run they describe goes through the real option tables and the real
 * configuration loader ({@code ClawbusConfig.load}, {@code NodeOptions.load}), the tenants files through the real
 * tenants parser, the alert rules' metric names through a real metrics registry, and the units through
 * {@code systemd-analyze verify} where it is installed. (HTTP paths are checked against the ingress's routes by
 * {@link DeployNodeTest}, which needs a running node.)
 */
class DeployFilesTest {
  @TempDir Path tmp;

  @Test
  void everyYamlFileParsesAndEveryKubernetesObjectIsNamed() {
    List<Path> files = DeployFiles.yamlFiles();
    assertTrue(files.size() >= 10, "compose, tenants and the Kubernetes files: " + files);
    for (Path p : files) {
      List<JsonNode> docs = DeployFiles.yamlDocs(p);
      assertFalse(docs.isEmpty(), p + " has a document");
      docs.forEach(d -> assertTrue(d.isObject(), p + ": each document is a mapping"));
    }
    Set<String> kinds = new LinkedHashSet<>();
    for (JsonNode o : DeployFiles.k8sObjects()) {
      String what = o.path("kind").asText() + " " + o.path("metadata").path("name").asText();
      assertFalse(o.path("apiVersion").asText().isEmpty(), what + " has an apiVersion");
      assertFalse(o.path("metadata").path("name").asText().isEmpty(), what + " has a name");
      if (!o.path("kind").asText().equals("Namespace")) {
        assertEquals("clawbus", o.path("metadata").path("namespace").asText(), what + " is in the clawbus namespace");
      }
      kinds.add(o.path("kind").asText());
    }
    assertEquals(Set.of("Namespace", "ConfigMap", "Secret", "Service", "StatefulSet", "PodDisruptionBudget",
        "ServiceMonitor", "PrometheusRule"), kinds);
    JsonNode kustomization = DeployFiles.yamlDocs(DeployFiles.deploy("k8s", "kustomization.yaml")).get(0);
    Set<String> listed = new LinkedHashSet<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    try (var s = Files.list(DeployFiles.deploy("k8s"))) {
      Set<String> present = new LinkedHashSet<>(s.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList());
      assertEquals(present, new LinkedHashSet<>(listed.stream().sorted().toList()),
          "kustomization.yaml lists every manifest");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void kustomizeBuildsTheManifestsWhereKubectlIsInstalled() throws Exception {
    Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed here: `kubectl kustomize deploy/k8s` not run");
    Result r = run(List.of("kubectl", "kustomize", DeployFiles.deploy("k8s").toString()));
    assertEquals(0, r.code, r.err);
    assertEquals(DeployFiles.k8sObjects().size(), DeployFiles.YAML.readerFor(JsonNode.class)
        .readValues(r.out).readAll().size(), "kustomize renders every object");
  }

  @Test
  void systemdUnitsPassSystemdAnalyzeVerify() throws Exception {
    Assumptions.assumeTrue(onPath("systemd-analyze"),
        "systemd-analyze is not installed here: the units were parsed and checked, but not verified by systemd");
    Path launcher = DeployFiles.root().resolve("clawbus");
    for (Path unit : DeployFiles.units()) {
      // The same unit, with ExecStart pointing at this checkout's launcher: verify insists that the program exists.
      Path copy = tmp.resolve(unit.getFileName());
      Files.writeString(copy, DeployFiles.read(unit).replace(DeployFiles.INSTALLED_LAUNCHER, launcher.toString()));
      Result r = run(List.of("systemd-analyze", "verify", copy.toString()));
      assertEquals(0, r.code, unit + ": " + r.err);
      assertEquals("", (r.out + r.err).strip(), unit + ": systemd-analyze verify reports nothing (an unknown key or "
          + "syscall group is only a warning there, and it is a mistake here)");
    }
  }

  @Test
  void systemdUnitsAreSandboxedAndRestart() {
    assertEquals(Set.of("clawbus.service", "clawbus-kafka.service", "clawbus-node.service"),
        Set.copyOf(DeployFiles.units().stream().map(p -> p.getFileName().toString()).toList()));
    for (Path p : DeployFiles.units()) {
      Map<String, List<String>> s = DeployFiles.unit(p).get("Service");
      String u = p.getFileName().toString();
      Map<String, String> required = new LinkedHashMap<>();
      required.put("NoNewPrivileges", "yes");
      required.put("ProtectSystem", "strict");
      required.put("ProtectHome", "yes");
      required.put("PrivateTmp", "yes");
      required.put("CapabilityBoundingSet", "");
      required.put("AmbientCapabilities", "");
      required.put("SystemCallArchitectures", "native");
      required.put("Restart", "on-failure");
      required.put("RestartPreventExitStatus", "2");
      required.put("SuccessExitStatus", "143");
      required.put("User", "clawbus");
      required.forEach((k, v) -> assertEquals(List.of(v), s.get(k), u + ": " + k + "=" + v));
      assertEquals("@system-service", s.get("SystemCallFilter").get(0), u + ": syscalls allowed by group");
      assertTrue(s.get("SystemCallFilter").get(1).startsWith("~"), u + ": then the dangerous groups denied");
      assertFalse(s.containsKey("MemoryDenyWriteExecute"), u + ": the JIT needs W+X memory");
      // ReadWritePaths opens exactly the state directory (or the node's working directory).
      String rw = s.get("ReadWritePaths").get(0);
      List<String> state = s.getOrDefault("StateDirectory", List.of());
      if (state.isEmpty()) {
        assertEquals(List.of(rw), s.get("WorkingDirectory"), u + ": the node writes only in its working directory");
      } else {
        assertEquals("/var/lib/" + state.get(0), rw, u + ": writable = its StateDirectory");
      }
    }
  }

  @Test
  void everyFlagAndEnvironmentVariableTheDeploymentsNameExists() throws Exception {
    List<Invocation> all = invocations();
    Set<String> launcher = DeployFiles.launcherEnv();
    assertTrue(launcher.containsAll(Set.of("CLAWBUS_JAVA_OPTS", "CLAWBUS_MAX_HEAP_MB", "MALLOC_ARENA_MAX")),
        "the launcher's variables are read from the script: " + launcher);
    Set<String> commands = new LinkedHashSet<>();
    for (Invocation inv : all) {
      commands.add(inv.command());
      List<Option> options = DeployFiles.options(inv.command());
      Set<String> flags = new LinkedHashSet<>();
      Set<String> envs = new LinkedHashSet<>(launcher);
      for (Option o : options) {
        flags.add(o.flag());
        if (o.env() != null) envs.add(o.env());
      }
      for (String a : inv.args()) {
        if (a.startsWith("--")) {
          String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
          assertTrue(flags.contains(flag), inv.where() + ": 'clawbus " + inv.command() + " " + flag
              + "' is not an option of " + inv.command() + " (" + flags + ")");
        }
      }
      for (String name : inv.envNames()) {
        // A variable the StatefulSet defines only to use in its args, as $(NAME), is Kubernetes's, not clawbus's.
        boolean helper = inv.where().startsWith("StatefulSet") && statefulSetArgs().contains("$(" + name + ")");
        assertTrue(envs.contains(name) || helper, inv.where() + ": environment variable " + name + " is read by neither "
            + "'clawbus " + inv.command() + "' nor the launcher");
      }
    }
    assertEquals(Set.of("serve", "node", "kafka"), commands, "the deployments run serve, node and kafka");
    // The image's ENV applies to whatever the container runs: serve must know each name.
    Set<String> serveEnv = new LinkedHashSet<>();
    ClawbusConfig.SERVE_OPTIONS.forEach(o -> serveEnv.add(o.env()));
    for (String name : DeployFiles.dockerfileEnv().keySet()) {
      assertTrue(serveEnv.contains(name), "Dockerfile ENV " + name + " is an option of serve");
    }
  }

  @Test
  void theSystemdServeUnitRefusesToStartWithoutKeysAndLoadsWithThem() {
    Invocation inv = DeployFiles.unitInvocation(DeployFiles.deploy("systemd", "clawbus.service"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> ClawbusConfig.load(inv.args(), inv.env(), ClawbusConfig.SERVE_OPTIONS));
    assertTrue(e.getMessage().contains("without API keys"), "as shipped (keys empty) it refuses: " + e.getMessage());

    Map<String, String> env = new LinkedHashMap<>(inv.env());
    env.put("CLAWBUS_API_KEYS", "sk-test-a=team-a");
    env.put("CLAWBUS_ADMIN_KEYS", "sk-test-admin");
    ClawbusConfig c = ClawbusConfig.load(inv.args(), env, ClawbusConfig.SERVE_OPTIONS);
    assertEquals("0.0.0.0", c.host());
    assertEquals(8003, c.port());
    assertEquals("http://127.0.0.1:8000", c.vllmUrl());
    assertTrue(c.embeddedKafka(), "a lone box runs the embedded broker");
    assertEquals(Path.of("/var/lib/clawbus"), c.dataDir(), "its data in the unit's StateDirectory");
  }

  @Test
  void theSystemdNodeAndKafkaUnitsLoad() throws Exception {
    Invocation node = DeployFiles.unitInvocation(DeployFiles.deploy("systemd", "clawbus-node.service"));
    Map<String, String> env = new LinkedHashMap<>(node.env());
    assertEquals("/srv/clawbus-work", env.get("CLAWBUS_NODE_WORKDIR"));
    env.put("CLAWBUS_NODE_WORKDIR", tmp.toString()); // the unit's working directory does not exist on this machine
    NodeSettings s = NodeOptions.load(node.args(), env);
    assertEquals("build-box", s.name());
    assertEquals("allowlist", s.policy().label());
    assertEquals(List.of("10.0.0.1:5701"), s.cluster().clusterMembers());
    assertEquals(Path.of("/etc/clawbus/exec.secret"), s.secretFile());

    Invocation kafka = DeployFiles.unitInvocation(DeployFiles.deploy("systemd", "clawbus-kafka.service"));
    ClawbusConfig k = ClawbusConfig.load(kafka.args(), Map.of(), KafkaCommand.options());
    assertEquals(9092, k.json().getInteger("port"));
    assertEquals("/var/lib/clawbus-kafka", k.json().getString("data-dir"));
    assertEquals(List.of("/var/lib/clawbus-kafka"),
        DeployFiles.unit(DeployFiles.deploy("systemd", "clawbus-kafka.service")).get("Service").get("ReadWritePaths"));
    // The serve env file's example of sharing that broker names its port.
    assertTrue(DeployFiles.read(DeployFiles.deploy("systemd", "clawbus.env"))
        .contains("#KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + k.json().getInteger("port")));
  }

  @Test
  void composeNodesLoadAndClusterWithEachOtherByServiceName() {
    Map<String, String> vars = Map.of("CLAWBUS_ADMIN_KEYS", "sk-test-admin");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> DeployFiles.composeInvocations(Map.of()));
    assertTrue(missing.getMessage().contains("CLAWBUS_ADMIN_KEYS"), "compose stops without an admin key: "
        + missing.getMessage());
    List<Invocation> nodes = DeployFiles.composeInvocations(vars);
    assertEquals(2, nodes.size(), "two clawbus nodes");
    JsonNode services = DeployFiles.compose().path("services");
    JsonNode kafka = services.path("kafka");
    Map<String, String> hostOf = new LinkedHashMap<>();
    Map<String, ClawbusConfig> configs = new LinkedHashMap<>();
    for (Invocation inv : nodes) {
      assertEquals("serve", inv.command());
      ClawbusConfig c = ClawbusConfig.load(DeployFiles.localArgs(inv), DeployFiles.localEnv(inv),
          ClawbusConfig.SERVE_OPTIONS);
      String service = inv.where().substring("compose service ".length());
      configs.put(service, c);
      assertEquals(service, services.path(service).path("hostname").asText(), service + ": hostname = service name");
      assertEquals(service, c.clusterHost(), service + ": Hazelcast binds to its own service name");
      assertEquals(service, c.nodeId());
      assertEquals("0.0.0.0", c.host());
      assertEquals("http://host.docker.internal:8000", c.vllmUrl(), "vLLM on the Docker host by default");
      assertEquals("kafka:9092", c.kafka());
      assertTrue(kafka.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText().contains("//" + c.kafka()),
          "--kafka is the broker's advertised listener");
      assertEquals("service_healthy", services.path(service).path("depends_on").path("kafka").path("condition")
          .asText());
      hostOf.put(service, service + ":" + c.clusterPort());
      assertTrue(inv.args().contains("/etc/clawbus/tenants.yaml"), service + " reads the mounted tenants file");
      assertTrue(Tenants.load(inv.mounts().get("/etc/clawbus/tenants.yaml")).keysConfigured());
    }
    configs.forEach((service, c) -> {
      Set<String> others = new LinkedHashSet<>(hostOf.values());
      others.remove(hostOf.get(service));
      assertEquals(others, Set.copyOf(c.clusterMembers()), service + " lists the other node");
    });
    // A valid KRaft cluster id, and a pinned broker of the client's major version.
    Uuid.fromString(kafka.path("environment").path("CLUSTER_ID").asText());
    String image = kafka.path("image").asText();
    assertTrue(image.matches("apache/kafka:\\d+\\.\\d+\\.\\d+"), "pinned official image: " + image);
    assertEquals(AppInfoParser.getVersion().split("\\.")[0], image.split(":")[1].split("\\.")[0],
        "broker and kafka-clients share a major version");
    assertTrue(DeployFiles.read(DeployFiles.deploy("compose", "compose.yaml")).contains("#   image: vllm/vllm-openai:"),
        "the commented vLLM service is there");
  }

  @Test
  void theStatefulSetLoadsAndListsEveryPodOfTheHeadlessService() throws Exception {
    Invocation inv = DeployFiles.statefulSetInvocation(tmp);
    assertEquals("serve", inv.command());
    ClawbusConfig c = ClawbusConfig.load(DeployFiles.localArgs(inv), DeployFiles.localEnv(inv),
        ClawbusConfig.SERVE_OPTIONS);
    JsonNode sts = DeployFiles.k8s("StatefulSet", "clawbus");
    String headless = sts.path("spec").path("serviceName").asText();
    JsonNode svc = DeployFiles.k8s("Service", headless);
    assertEquals("None", svc.path("spec").path("clusterIP").asText(), headless + " is headless");
    assertTrue(svc.path("spec").path("publishNotReadyAddresses").asBoolean(), "starting pods must find each other");
    int replicas = sts.path("spec").path("replicas").asInt();
    assertTrue(replicas >= 2);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      expected.add("clawbus-" + i + "." + headless + ".clawbus.svc.cluster.local:" + c.clusterPort());
    }
    assertEquals(expected, c.clusterMembers(), "cluster-members = every pod's DNS name, replicas of them");
    assertEquals(String.valueOf(c.clusterPort()), port(svc, "hazelcast"), "the headless Service names the member port");
    assertEquals("10.42.0.7", c.clusterHost(), "Hazelcast binds to the pod IP");
    assertEquals("clawbus-0", c.nodeId(), "node id = pod name");
    assertTrue(c.kafka().matches("[a-z0-9.-]+:\\d+") && !c.embeddedKafka(), "an external Kafka: " + c.kafka());
    assertEquals("0.0.0.0", c.host());
    assertTrue(Tenants.load(inv.mounts().get("/etc/clawbus/tenants.yaml")).keysConfigured(),
        "the ConfigMap's tenants file has keys (as digests)");
    assertFalse(DeployFiles.read(DeployFiles.deploy("k8s", "configmap.yaml")).contains("\"keys\"")
        || DeployFiles.read(DeployFiles.deploy("k8s", "configmap.yaml")).contains("keys:"), "no plain keys in the ConfigMap");
  }

  @Test
  void kubernetesReferencesResolve() {
    JsonNode sts = DeployFiles.k8s("StatefulSet", "clawbus");
    JsonNode pod = sts.path("spec").path("template");
    JsonNode podLabels = pod.path("metadata").path("labels");
    JsonNode c = pod.path("spec").path("containers").get(0);
    Set<String> containerPorts = new LinkedHashSet<>();
    c.path("ports").forEach(p -> containerPorts.add(p.path("name").asText()));
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertTrue(containerPorts.contains(c.path(probe).path("httpGet").path("port").asText()), probe + " port");
    }
    for (JsonNode svc : DeployFiles.k8sOfKind("Service")) {
      assertTrue(matches(svc.path("spec").path("selector"), podLabels), "Service selects the pods");
      svc.path("spec").path("ports").forEach(p -> assertTrue(containerPorts.contains(p.path("targetPort").asText()),
          "Service targetPort " + p.path("targetPort").asText()));
    }
    assertTrue(matches(DeployFiles.k8s("PodDisruptionBudget", "clawbus").path("spec").path("selector")
        .path("matchLabels"), podLabels), "the PDB covers the pods");
    assertTrue(matches(sts.path("spec").path("selector").path("matchLabels"), podLabels));
    for (JsonNode from : c.path("envFrom")) {
      DeployFiles.k8s("Secret", from.path("secretRef").path("name").asText());
    }
    for (JsonNode v : pod.path("spec").path("volumes")) {
      if (v.has("configMap")) DeployFiles.k8s("ConfigMap", v.path("configMap").path("name").asText());
    }
    // The ServiceMonitor scrapes the API Service's named port, with a token from a Secret that has that key.
    JsonNode sm = DeployFiles.k8s("ServiceMonitor", "clawbus");
    List<JsonNode> selected = DeployFiles.k8sOfKind("Service").stream()
        .filter(s -> matches(sm.path("spec").path("selector").path("matchLabels"), s.path("metadata").path("labels")))
        .toList();
    assertEquals(List.of("clawbus"), selected.stream().map(s -> s.path("metadata").path("name").asText()).toList(),
        "the ServiceMonitor selects the API Service only (each pod scraped once)");
    JsonNode ep = sm.path("spec").path("endpoints").get(0);
    assertFalse(port(selected.get(0), ep.path("port").asText()).isEmpty(), "endpoint port exists on the Service");
    JsonNode cred = ep.path("authorization").path("credentials");
    assertEquals("Bearer", ep.path("authorization").path("type").asText());
    assertTrue(DeployFiles.k8s("Secret", cred.path("name").asText()).path("stringData").has(cred.path("key").asText()),
        "the metrics token Secret has key " + cred.path("key").asText());
    assertTrue(DeployFiles.k8s("Secret", "clawbus-keys").path("stringData").has("CLAWBUS_ADMIN_KEYS"));
    // The image's user is the pod's user.
    String user = DeployFiles.dockerfileInstruction("USER");
    assertEquals(user.split(":")[0], pod.path("spec").path("securityContext").path("runAsUser").asText());
  }

  @Test
  void memoryLimitsFitTheLaunchersHeapDefault() {
    String script = DeployFiles.read(DeployFiles.root().resolve("clawbus"));
    Matcher cap = Pattern.compile("CLAWBUS_MAX_HEAP_MB:-(\\d+)").matcher(script);
    assertTrue(cap.find(), "the launcher's heap cap");
    int capMb = Integer.parseInt(cap.group(1));
    JsonNode res = DeployFiles.k8s("StatefulSet", "clawbus").path("spec").path("template").path("spec")
        .path("containers").get(0).path("resources");
    long limit = mebibytes(res.path("limits").path("memory").asText());
    assertEquals(limit, mebibytes(res.path("requests").path("memory").asText()), "memory request = limit");
    assertFits("StatefulSet", limit, capMb);
    JsonNode services = DeployFiles.compose().path("services");
    for (String s : List.of("clawbus-a", "clawbus-b")) {
      assertFits("compose " + s, mebibytes(services.path(s).path("mem_limit").asText()), capMb);
    }
  }

  /** The launcher's rule (README, "Memory and JVM settings"): heap = half the limit, at most the cap; RSS ≈ heap + 300 MB. */
  private static void assertFits(String where, long limitMb, int capMb) {
    long heap = Math.max(128, Math.min(limitMb / 2, capMb));
    assertTrue(heap + 300 <= limitMb, where + ": heap " + heap + " MB + 300 MB fits in " + limitMb + " MB");
    assertEquals(capMb, heap, where + ": the limit leaves the launcher its full default heap");
  }

  @Test
  void tenantsFilesParseWithTheRealParser() {
    assertTrue(Tenants.load(DeployFiles.deploy("compose", "tenants.yaml")).keysConfigured());
    // The ConfigMap's copy is checked with the StatefulSet; both keep placeholders no key matches.
    assertFalse(Tenants.load(DeployFiles.deploy("compose", "tenants.yaml")).authenticate("").isPresent());
  }

  @Test
  void theImageIsPinnedTemurin17RunningAsNonRootWithTheShadedJar() {
    String from = DeployFiles.dockerfileInstruction("FROM");
    assertTrue(from.matches("eclipse-temurin:17\\.0\\.\\d+_\\d+-jre-[a-z]+"), "a pinned Temurin 17 JRE: " + from);
    String user = DeployFiles.dockerfileInstruction("USER");
    assertTrue(user.matches("\\d+:\\d+") && !user.startsWith("0:"), "numeric non-root user: " + user);
    List<String> copies = DeployFiles.dockerfile().stream().filter(l -> l.startsWith("COPY ")).toList();
    assertTrue(copies.stream().anyMatch(l -> l.contains(" app/target/clawbus.jar /opt/clawbus/app/target/clawbus.jar")),
        "the jar where the launcher looks for it: " + copies);
    assertTrue(copies.stream().anyMatch(l -> l.contains(" clawbus " + DeployFiles.INSTALLED_LAUNCHER)), copies.toString());
    assertEquals("[\"" + DeployFiles.INSTALLED_LAUNCHER + "\"]", DeployFiles.dockerfileInstruction("ENTRYPOINT"));
    String script = DeployFiles.read(DeployFiles.root().resolve("clawbus"));
    assertTrue(script.contains("jar=\"$here/app/target/clawbus.jar\""), "the launcher still looks there");
    String ignore = DeployFiles.read(DeployFiles.deploy("image", "Dockerfile.dockerignore"));
    assertTrue(ignore.contains("!app/target/clawbus.jar") && ignore.contains("!clawbus"));
  }

  @Test
  void alertRulesUseMetricsAndLabelsTheRegistryExports() {
    // A real registry with one tenant's meters all used once, scraped like GET /metrics.
    String scrape;
    try (ClawbusMetrics m = ClawbusMetrics.create()) {
      TenantMeters t = m.tenant("team-a");
      t.finished(ClawbusMetrics.Outcome.FAILED, 10, 5);
      t.queueWait(100);
      t.timeToFirstToken(100);
      t.generation(5, 100);
      t.error("vllm_unavailable");
      t.rejected("rpm");
      m.inflight(() -> 1);
      m.queued(() -> 1);
      m.tenantCounts(() -> Map.of("team-a", new int[] {1, 1}));
      scrape = m.scrape();
    }
    Map<String, Set<String>> labelsOf = new LinkedHashMap<>();
    Matcher line = Pattern.compile("(?m)^(clawbus_[a-z_]+)(?:\\{([^}]*)})? ").matcher(scrape);
    while (line.find()) {
      Set<String> labels = labelsOf.computeIfAbsent(line.group(1), k -> new LinkedHashSet<>());
      if (line.group(2) != null) {
        for (String kv : line.group(2).split(",")) labels.add(kv.substring(0, kv.indexOf('=')));
      }
    }
    JsonNode rule = DeployFiles.k8s("PrometheusRule", "clawbus");
    Set<String> used = new LinkedHashSet<>();
    for (JsonNode r : rule.path("spec").path("groups").get(0).path("rules")) {
      String expr = r.path("expr").asText();
      Matcher name = Pattern.compile("\\b(clawbus_[a-z_]+)\\b(\\{[^}]*})?").matcher(expr);
      while (name.find()) {
        used.add(name.group(1));
        assertTrue(labelsOf.containsKey(name.group(1)), r.path("alert").asText() + ": " + name.group(1)
            + " is not exported (exported: " + labelsOf.keySet() + ")");
        if (name.group(2) != null) {
          Matcher sel = Pattern.compile("([a-z_]+)=").matcher(name.group(2));
          while (sel.find()) {
            assertTrue(labelsOf.get(name.group(1)).contains(sel.group(1)), r.path("alert").asText() + ": "
                + name.group(1) + " has no label " + sel.group(1));
          }
        }
      }
      Matcher by = Pattern.compile("by \\(([^)]*)\\)\\s*\\((?:rate|increase)\\((clawbus_[a-z_]+)").matcher(expr);
      while (by.find()) {
        for (String l : by.group(1).split(",")) {
          assertTrue(labelsOf.get(by.group(2)).contains(l.strip()), by.group(2) + " has no label " + l.strip());
        }
      }
      assertFalse(r.path("labels").path("severity").asText().isEmpty(), r.path("alert").asText() + " has a severity");
    }
    assertTrue(used.containsAll(Set.of("clawbus_queue_wait_seconds_bucket", "clawbus_errors_total",
        "clawbus_requests_total")), "queue wait, errors and requests are alerted on: " + used);
    assertTrue(scrape.contains("outcome=\"failed\""), "the outcome value the failure ratio selects");
  }

  @Test
  void readmePathsAndOpenClawConfigFlagsExist() {
    String readme = DeployFiles.read(DeployFiles.root().resolve("README.md"));
    Matcher p = Pattern.compile("\\bdeploy/[A-Za-z0-9._/-]+").matcher(readme);
    int n = 0;
    while (p.find()) {
      String path = p.group().replaceAll("[.]$", "");
      assertTrue(Files.exists(DeployFiles.root().resolve(path)), "README names " + path + ", which does not exist");
      n++;
    }
    assertTrue(n >= 5, "the Deploy section names the deployment files");
    Set<String> flags = new LinkedHashSet<>();
    OpenClawConfigCommand.OPTIONS.forEach(o -> flags.add(o.flag()));
    Matcher cmd = Pattern.compile("clawbus openclaw-config([^\\n`]*)").matcher(readme);
    int uses = 0;
    while (cmd.find()) {
      uses++;
      Matcher f = Pattern.compile("--[a-z-]+").matcher(cmd.group(1));
      while (f.find()) assertTrue(flags.contains(f.group()), "README: openclaw-config has no " + f.group());
    }
    assertTrue(uses >= 2, "the OpenClaw section uses clawbus openclaw-config");
  }

  // ---- helpers ----

  private List<Invocation> invocations() throws IOException {
    List<Invocation> all = new ArrayList<>();
    for (Path u : DeployFiles.units()) all.add(DeployFiles.unitInvocation(u));
    all.addAll(DeployFiles.composeInvocations(Map.of("CLAWBUS_ADMIN_KEYS", "x")));
    Path dir = Files.createDirectories(tmp.resolve("k8s"));
    all.add(DeployFiles.statefulSetInvocation(dir));
    return all;
  }

  private static String statefulSetArgs() {
    return DeployFiles.k8s("StatefulSet", "clawbus").path("spec").path("template").path("spec").path("containers")
        .get(0).path("args").toString();
  }

  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector.isMissingNode() || selector.isEmpty()) return false;
    for (var it = selector.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) return false;
    }
    return true;
  }

  private static String port(JsonNode service, String name) {
    for (JsonNode p : service.path("spec").path("ports")) {
      if (name.equals(p.path("name").asText())) return p.path("port").asText();
    }
    return "";
  }

  private static long mebibytes(String q) {
    Matcher m = Pattern.compile("(\\d+)(Gi|Mi|g|m|G|M)").matcher(q);
    if (!m.matches()) fail("memory quantity " + q);
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "Gi", "g", "G" -> n * 1024;
      default -> n;
    };
  }

  record Result(int code, String out, String err) {}

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }

  static Result run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(cmd + " did not finish within 60 s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }
}
