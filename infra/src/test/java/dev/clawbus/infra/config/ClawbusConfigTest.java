package dev.clawbus.infra.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClawbusConfigTest {
  @TempDir Path dir;

  private ClawbusConfig load(List<String> args, Map<String, String> env) {
    return ClawbusConfig.load(args, env, ClawbusConfig.SERVE_OPTIONS);
  }

  /** Every option given on the command line reaches its accessor, as given (the accessors are what nodes read). */
  @Test
  void everyFlagReachesItsAccessor() {
    ClawbusConfig c = load(List.of("--host", "127.0.0.2", "--port", "9100", "--kafka", "k1:9092", "--data-dir",
        dir.toString(), "--sim", "--api-keys", "sk-1=a, sk-2", "--keepalive-seconds", "7", "--vllm-wait-seconds", "11",
        "--stall-seconds", "13", "--max-body-bytes", "4096", "--max-inflight", "17", "--parser", "hermes",
        "--loop-max-repeats", "3", "--loop-max-calls-per-turn", "4", "--node-id", "n-1", "--cluster-members",
        "10.0.0.1:5701,10.0.0.2:5701", "--cluster-port", "5799", "--cluster-host", "127.0.0.3",
        "--journal-retention-seconds", "120", "--journal-memory-seconds", "30", "--dedupe-window-seconds", "19",
        "--request-partitions", "3", "--durability", "off"), Map.of());
    assertEquals("127.0.0.2", c.host());
    assertEquals(9100, c.port());
    assertEquals("k1:9092", c.kafka());
    assertFalse(c.embeddedKafka(), "an external broker");
    assertEquals(dir, c.dataDir());
    assertTrue(c.sim());
    assertEquals(Map.of("sk-1", "a", "sk-2", "key2"), c.apiKeys());
    assertEquals(7, c.keepaliveSeconds());
    assertEquals(11, c.vllmWaitSeconds());
    assertEquals(13, c.stallSeconds());
    assertEquals(4096, c.maxBodyBytes());
    assertEquals(17, c.maxInflight().fixed());
    assertFalse(c.maxInflight().auto());
    assertEquals("hermes", c.defaultParser());
    assertEquals(3, c.loopMaxRepeats());
    assertEquals(4, c.loopMaxCallsPerTurn());
    assertEquals("n-1", c.nodeId());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2:5701"), c.clusterMembers());
    assertEquals(5799, c.clusterPort());
    assertEquals("127.0.0.3", c.clusterHost());
    assertEquals(120, c.journalRetentionSeconds());
    assertEquals(30, c.journalMemorySeconds());
    assertEquals(19, c.dedupeWindowSeconds());
    assertEquals(3, c.requestPartitions());
    assertFalse(c.durable());
  }

  @Test
  void unsetOptionsHaveTheirDocumentedDefaults() {
    ClawbusConfig c = ClawbusConfig.defaults();
    assertFalse(c.sim());
    assertTrue(c.durable());
    assertTrue(c.clusterMembers().isEmpty());
    assertFalse(c.nodeId().isBlank(), "a node id is made up from the host and the process");
    assertEquals(600, c.vllmWaitSeconds());
    assertEquals(120, c.stallSeconds());
    assertEquals(6, c.requestPartitions());
    assertEquals(5701, c.clusterPort());
    assertEquals(ClawbusConfig.defaults().json(), ClawbusConfig.of(c.json()).json());
    assertEquals(9, c.with(ClawbusConfig.PORT, 9).port());
  }

  @Test
  void defaultsAreSafe() {
    ClawbusConfig c = load(List.of(), Map.of());
    assertEquals("127.0.0.1", c.host());
    assertEquals(8003, c.port());
    assertEquals("http://127.0.0.1:8000", c.vllmUrl());
    assertTrue(c.embeddedKafka());
    assertEquals(5, c.keepaliveSeconds(), "OpenClaw's idle watchdog is 10 s: a keepalive every 5 s stays well inside");
    assertTrue(c.apiKeys().isEmpty());
  }

  @Test
  void flagsBeatEnvironmentBeatFileBeatDefaults() throws Exception {
    Path file = dir.resolve("c.json");
    Files.writeString(file, "{\"port\": 9001, \"vllm-url\": \"http://file:1\", \"keepalive-seconds\": 3}");
    ClawbusConfig c = load(List.of("--config", file.toString(), "--port", "9003"),
        Map.of("CLAWBUS_PORT", "9002", "VLLM_URL", "http://env:2/"));
    assertEquals(9003, c.port());
    assertEquals("http://env:2", c.vllmUrl(), "env beats file; trailing slash dropped");
    assertEquals(3, c.keepaliveSeconds(), "file beats default");
  }

  @Test
  void equalsSignFormAndBooleanFlags() {
    ClawbusConfig c = load(List.of("--port=7000", "--sim"), Map.of());
    assertEquals(7000, c.port());
    assertTrue(c.sim());
  }

  @Test
  void mistakesAreOneLineErrors() {
    for (List<String> args : List.of(List.of("--port", "abc"), List.of("--bogus"), List.of("--vllm-url", "nope"),
        List.of("--port"), List.of("--kafka", "host-without-port"), List.of("--port", "70000"))) {
      ConfigException e = assertThrows(ConfigException.class, () -> load(args, Map.of()), args.toString());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void enumeratedOptionsAreCheckedAtStartWithTheValidValues() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of("--parser", "qwen3coder"), Map.of()));
    assertTrue(e.getMessage().startsWith("--parser: unknown tool-call parser 'qwen3coder'; valid: "), e.getMessage());
    assertTrue(e.getMessage().contains("qwen3_coder"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    Path file = dir.resolve("enum.json");
    for (String[] bad : new String[][] {
        {"{\"models\": {\"m\": {\"parser\": \"nosuch\"}}}", "models.m.parser"},
        {"{\"models\": {\"m\": {\"reasoning\": \"hide\"}}}", "models.m.reasoning"},
        {"{\"models\": {\"m\": {\"parsr\": \"hermes\"}}}", "unknown key 'parsr'"},
        {"{\"models\": {\"m\": {\"compat\": {\"drop_fields\": \"user\"}}}}", "models.m.compat.drop_fields"},
        {"{\"models\": {\"m\": {\"max_model_len\": \"big\"}}}", "models.m.max_model_len"},
        {"{\"durability\": \"maybe\"}", "--durability"}}) {
      Files.writeString(file, bad[0]);
      e = assertThrows(ConfigException.class, () -> load(List.of("--config", file.toString()), Map.of()), bad[0]);
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
    e = assertThrows(ConfigException.class, () -> load(List.of("--api-keys", "k=team/a"), Map.of()));
    assertTrue(e.getMessage().contains("team/a"), e.getMessage());
  }

  @Test
  void refusesOtherInterfacesWithoutKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of("--host", "0.0.0.0"), Map.of()));
    assertTrue(e.getMessage().contains("API keys"), e.getMessage());
    ClawbusConfig ok = load(List.of("--host", "0.0.0.0", "--api-keys", "s3cret=team-a,other"), Map.of());
    assertEquals(Map.of("s3cret", "team-a", "other", "key2"), ok.apiKeys());
  }

  @Test
  void badConfigFileIsNamed() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{ not json");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of("--config", file.toString()), Map.of()));
    assertTrue(e.getMessage().contains("bad.json"));
    Files.writeString(file, "{\"prot\": 1}");
    e = assertThrows(ConfigException.class, () -> load(List.of("--config", file.toString()), Map.of()));
    assertTrue(e.getMessage().contains("'prot'"));
  }

  @Test
  void modelSettingsFromFile() throws Exception {
    Path file = dir.resolve("m.json");
    Files.writeString(file, "{\"models\": {\"coder\": {\"parser\": \"qwen3_coder\", \"backend_model\": \"Qwen/Q\","
        + " \"max_model_len\": 4096, \"compat\": {\"keep_fields\": [\"user\"], \"developer_to_system\": false}}}}");
    ClawbusConfig c = load(List.of("--config", file.toString()), Map.of());
    ModelSettings m = c.model("coder");
    assertEquals("qwen3_coder", m.parser());
    assertEquals("Qwen/Q", m.backendModel());
    assertEquals(4096, m.maxModelLen());
    assertFalse(m.developerToSystem());
    assertFalse(m.dropFields().contains("user"));
    assertTrue(m.dropFields().contains("store"));
    ModelSettings other = c.model("unconfigured");
    assertEquals("auto", other.parser());
    assertEquals("unconfigured", other.backendModel());
  }

  @Test
  void anExecNodeOfAModelOrTenantNeedsTheExecSecretFile() throws Exception {
    Path models = dir.resolve("exec.json");
    Files.writeString(models, "{\"models\": {\"coder\": {\"exec\": {\"node\": \"buildbox\"}}}}");
    ConfigException noSecret = assertThrows(ConfigException.class,
        () -> load(List.of("--config", models.toString()), Map.of()));
    assertEquals("models.coder.exec.node 'buildbox' needs --exec-secret-file (the secret shared with the node)",
        noSecret.getMessage());
    ClawbusConfig c = load(List.of("--config", models.toString(), "--exec-secret-file", "/etc/clawbus/s"), Map.of());
    assertEquals("buildbox", c.model("coder").execNode());
    assertEquals(null, c.model("other").execNode());
    assertEquals("/etc/clawbus/s", c.execSecretFile(), "only the path is configuration");
    assertEquals("", load(List.of(), Map.of()).execSecretFile(), "exec is off by default");

    Path tenants = dir.resolve("tenants.json");
    Files.writeString(tenants, "{\"tenants\": [{\"name\": \"team-a\", \"keys\": [\"sk-a-0123456789\"], "
        + "\"exec\": {\"node\": \"box\"}}]}");
    ConfigException tenant = assertThrows(ConfigException.class,
        () -> load(List.of("--tenants", tenants.toString()), Map.of()));
    assertTrue(tenant.getMessage().startsWith("tenant 'team-a' runs exec on node 'box', which needs "
        + "--exec-secret-file"), tenant.getMessage());
    assertEquals("box", dev.clawbus.infra.tenancy.TenancyOptions.tenants(load(List.of("--tenants", tenants.toString(),
        "--exec-secret-file", "s"), Map.of())).tenant("team-a").execNode());

    for (String[] bad : new String[][] {
        {"{\"models\": {\"m\": {\"exec\": {\"node\": \"bad name\"}}}}", "models.m.exec.node must be a node name"},
        {"{\"models\": {\"m\": {\"exec\": {\"node\": \"b\", \"nodes\": 1}}}}", "models.m.exec: unknown key 'nodes'"},
        {"{\"models\": {\"m\": {\"exec\": \"box\"}}}", "models.m.exec must be {\"node\": \"NAME\"}"}}) {
      Path f = dir.resolve("bad-exec.json");
      Files.writeString(f, bad[0]);
      ConfigException e = assertThrows(ConfigException.class,
          () -> load(List.of("--config", f.toString(), "--exec-secret-file", "s"), Map.of()));
      assertTrue(e.getMessage().startsWith(bad[1]), e.getMessage());
    }
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentVariable() {
    String help = ClawbusConfig.help(ClawbusConfig.SERVE_OPTIONS);
    for (Option o : ClawbusConfig.SERVE_OPTIONS) {
      assertTrue(help.contains(o.flag()), o.flag());
      assertTrue(help.contains(o.env()), o.env());
    }
  }
}
