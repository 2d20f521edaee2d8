package dev.clawbus.infra.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantsFileTest {
  @TempDir Path dir;

  static final String YAML = """
      tenants:
        - name: team-a
          keys: [sk-team-a-1, sk-team-a-2]
          weight: 2
          priority: 1
          max_concurrent: 8
          max_queued: 200
          rpm: 600
          tpm: 200000
          models: ["qwen3-*", "llama"]
          exec: {node: gpu-box}
        - name: bots
          key_sha256: ["%s"]
      admin_keys: [sk-admin]
      admin_key_sha256: ["%s"]
      """.formatted(Tenants.sha256Hex("sk-bots"), Tenants.sha256Hex("sk-admin-2"));

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private String error(String name, String text) throws Exception {
    Path p = write(name, text);
    ConfigException e = assertThrows(ConfigException.class, () -> Tenants.load(p));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    assertTrue(e.getMessage().startsWith("tenants file " + p + ": "), e.getMessage());
    return e.getMessage().substring(("tenants file " + p + ": ").length());
  }

  @Test
  void readsEveryFieldFromYaml() throws Exception {
    Tenants t = Tenants.load(write("t.yaml", YAML));
    Tenant a = t.tenant("team-a");
    assertEquals(new Tenant("team-a", 2, 1, 8, 200, 600, 200000, List.of("qwen3-*", "llama"), "gpu-box"), a);
    assertEquals(Tenant.withDefaults("bots"), t.tenant("bots"));
    assertEquals("team-a", t.authenticate("sk-team-a-2").orElseThrow().tenantName());
    assertEquals("bots", t.authenticate("sk-bots").orElseThrow().tenantName());
    assertTrue(t.authenticate("sk-admin").orElseThrow().admin());
    assertTrue(t.authenticate("sk-admin-2").orElseThrow().admin());
    assertFalse(t.authenticate("sk-team-a-2").orElseThrow().admin());
    assertTrue(t.authenticate("sk-team-a-3").isEmpty());
    assertTrue(t.keysConfigured());
    assertTrue(t.adminKeysConfigured());
  }

  @Test
  void readsJsonWithDefaults() throws Exception {
    Tenants t = Tenants.load(write("t.json", "{\"tenants\":[{\"name\":\"x\",\"keys\":[\"k1\"]}]}"));
    Tenant x = t.tenant("x");
    assertEquals(1, x.weight());
    assertEquals(0, x.priority());
    assertEquals(List.of("*"), x.models());
    assertNull(x.execNode());
    assertFalse(x.limited());
    assertFalse(t.adminKeysConfigured());
  }

  @Test
  void eachMistakeIsOneLineNamingTheField() throws Exception {
    assertEquals("tenants[1].weight must be a whole number ≥ 1, got \"x\"", error("t.yaml", """
        tenants:
          - {name: a, keys: [k1]}
          - {name: b, keys: [k2], weight: "x"}
        """));
    assertEquals("tenants[0].weight must be a whole number ≥ 1, got 0",
        error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"k\"],\"weight\":0}]}"));
    assertEquals("tenants[0].rpm must be a whole number ≥ 0, got 1.5",
        error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"k\"],\"rpm\":1.5}]}"));
    assertEquals("tenants[0].priority must be a whole number, got \"high\"",
        error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"k\"],\"priority\":\"high\"}]}"));
    assertTrue(error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"k\"],\"wieght\":2}]}")
        .startsWith("unknown field tenants[0].wieght (known: "));
    assertTrue(error("t.json", "{\"tenant\":[]}").startsWith("unknown field tenant (known: "));
    assertEquals("tenants[0].name must be 1-64 of the characters A-Z a-z 0-9 . _ -, got \"team a\"",
        error("t.json", "{\"tenants\":[{\"name\":\"team a\",\"keys\":[\"k\"]}]}"));
    assertEquals("tenants[0].name is missing", error("t.json", "{\"tenants\":[{\"keys\":[\"k\"]}]}"));
    assertEquals("tenants[0] (a) needs at least one key in \"keys\" or \"key_sha256\"",
        error("t.json", "{\"tenants\":[{\"name\":\"a\"}]}"));
    assertEquals("tenants[0].key_sha256[0] must be 64 hex digits (a SHA-256, see 'clawbus keys new'), got 5 characters"
        + " with non-hex ones", error("t.json", "{\"tenants\":[{\"name\":\"a\",\"key_sha256\":[\"zz123\"]}]}"));
    assertEquals("tenants[0].models must be a non-empty list of model names, got a list",
        error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"k\"],\"models\":[]}]}"));
    assertEquals("tenants must be a list, got an object", error("t.json", "{\"tenants\":{}}"));
    assertTrue(error("t.json", "{\"tenants\":[").startsWith("is not valid JSON at line 1"));
    assertTrue(error("t.yaml", "tenants:\n  - name: a\n    name: b\n").startsWith("is not valid YAML at line 3"));
    assertEquals("must be an object with a \"tenants\" list", error("empty.yaml", ""));
    Path missing = dir.resolve("nope.yaml");
    assertEquals("tenants file " + missing + ": no such file",
        assertThrows(ConfigException.class, () -> Tenants.load(missing)).getMessage());
  }

  @Test
  void aKeyCannotNameTwoTenantsAndIsNeverEchoed() throws Exception {
    String msg = error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"sk-secret-1\"]},"
        + "{\"name\":\"b\",\"key_sha256\":[\"" + Tenants.sha256Hex("sk-secret-1") + "\"]}]}");
    assertEquals("tenants[1].key_sha256[0] is the same key as tenants[0].keys[0] (one key cannot name two tenants)", msg);
    msg = error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"sk-secret-1\"]}],\"admin_keys\":[\"sk-secret-1\"]}");
    assertEquals("admin_keys[0] is the same key as tenants[0].keys[0] (one key cannot name two roles)", msg);
    msg = error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"k\"]},{\"name\":\"a\",\"keys\":[\"k2\"]}]}");
    assertEquals("tenants[1] defines tenant 'a' a second time", msg);
    msg = error("t.json", "{\"tenants\":[{\"name\":\"a\",\"keys\":[\" sk-secret-2\"]}]}");
    assertFalse(msg.contains("sk-secret"), msg);
  }

  @Test
  void theExampleFromTheReadmeLoads() throws Exception {
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme);
    int start = text.indexOf("```yaml\n# tenants.yaml") + 8;
    String yaml = text.substring(start, text.indexOf("```", start));
    Tenants t = Tenants.load(write("readme.yaml", yaml));
    assertTrue(t.all().size() >= 2, t.toString());
  }
}
