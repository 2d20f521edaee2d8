package dev.clawbus.infra.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.config.Option;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantsTest {
  @TempDir Path dir;

  @Test
  void apiKeysBecomeTenantsWithDefaultsAndAdminKeysAdmins() {
    Tenants t = Tenants.fromApiKeys(Map.of("sk-a", "a", "sk-b", "b"), List.of("sk-root"));
    assertEquals("a", t.authenticate("sk-a").orElseThrow().tenantName());
    assertEquals(Tenant.withDefaults("b"), t.authenticate("sk-b").orElseThrow().tenant());
    Principal root = t.authenticate("sk-root").orElseThrow();
    assertTrue(root.admin());
    assertEquals(Tenant.ADMIN, root.tenantName());
    assertTrue(root.mayAccess("a"));
    assertFalse(t.authenticate("sk-a").orElseThrow().mayAccess("b"));
    assertTrue(t.authenticate("sk-a").orElseThrow().mayAccess("a"));
    assertTrue(t.authenticate("").isEmpty());
    assertTrue(t.authenticate(null).isEmpty());
    assertTrue(t.authenticate("sk-a ").isEmpty());
    assertFalse(Tenants.open().keysConfigured());
    assertEquals("a", t.authenticateHeader("Bearer sk-a").orElseThrow().tenantName());
    assertEquals("a", t.authenticateHeader("bearer  sk-a ").orElseThrow().tenantName());
    assertTrue(t.authenticateHeader("Basic sk-a").isEmpty());
    assertTrue(t.authenticateHeader("Bearer ").isEmpty());
    assertTrue(t.authenticateHeader(null).isEmpty());
  }

  @Test
  void neitherKeysNorDigestsAppearInToString() {
    Tenants t = Tenants.fromApiKeys(Map.of("sk-very-secret", "a"), List.of("sk-admin-secret"));
    String s = t.toString() + t.authenticate("sk-very-secret").orElseThrow();
    assertFalse(s.contains("secret"), s);
    assertFalse(s.contains(Tenants.sha256Hex("sk-very-secret")), s);
    assertEquals("Tenants[1 tenants, 2 keys]", t.toString());
  }

  @Test
  void badTenantNameInApiKeysIsAConfigError() {
    assertEquals("--api-keys: tenant name 'team a' must be 1-64 of the characters A-Z a-z 0-9 . _ -",
        assertThrows(ConfigException.class, () -> Tenants.fromApiKeys(Map.of("k", "team a"), List.of())).getMessage());
  }

  @Test
  void fileAndFlagsMergeAndTheFileKeepsItsSettings() throws Exception {
    Path f = dir.resolve("t.json");
    Files.writeString(f, "{\"tenants\":[{\"name\":\"a\",\"keys\":[\"sk-file\"],\"weight\":3}]}");
    List<Option> options = new ArrayList<>(ClawbusConfig.SERVE_OPTIONS);
    options.remove(ClawbusConfig.MAX_INFLIGHT);
    options.addAll(TenancyOptions.ALL);
    ClawbusConfig cfg = ClawbusConfig.load(List.of("--tenants", f.toString(), "--api-keys", "sk-flag=a,sk-c=c"),
        Map.of("CLAWBUS_ADMIN_KEYS", "sk-admin1, sk-admin2"), options);
    Tenants t = TenancyOptions.tenants(cfg);
    assertEquals(3, t.authenticate("sk-flag").orElseThrow().tenant().weight(), "file settings win");
    assertEquals(3, t.authenticate("sk-file").orElseThrow().tenant().weight());
    assertEquals("c", t.authenticate("sk-c").orElseThrow().tenantName());
    assertTrue(t.authenticate("sk-admin2").orElseThrow().admin());
    assertEquals("auto", ClawbusConfig.load(List.of("--max-inflight", "auto"), Map.of(), options).json()
        .getString("max-inflight"));

    ConfigException e = assertThrows(ConfigException.class, () -> TenancyOptions.tenants(
        ClawbusConfig.load(List.of("--tenants", f.toString(), "--api-keys", "sk-file=b"), Map.of(), options)));
    assertEquals("configuration: --api-keys entry 1 is the same key as tenants[0].keys[0] (one key cannot name two "
        + "tenants)", e.getMessage());
  }

  @Test
  void modelPatterns() {
    Tenant t = new Tenant("a", 1, 0, 0, 0, 0, 0, List.of("qwen3-*", "llama", "*-fp8"), null);
    assertTrue(t.allowsModel("qwen3-coder"));
    assertTrue(t.allowsModel("qwen3-"));
    assertTrue(t.allowsModel("llama"));
    assertTrue(t.allowsModel("x-fp8"));
    assertFalse(t.allowsModel("llama2"));
    assertFalse(t.allowsModel("qwen2"));
    assertFalse(t.allowsModel(null));
    assertTrue(Tenant.withDefaults("a").allowsModel("anything"));
    assertTrue(Tenant.glob("a*b*c", "axxbyyc"));
    assertFalse(Tenant.glob("a*b*c", "axxbyy"));
    assertTrue(Tenant.glob("**", ""));
  }

  /**
   * With early exit, a key that matches the first of 2,000 entries would be found ~2,000 times faster than one that
   * matches the last; with the full scan the times are alike.
   */
  @Test
  void authenticationTakesAboutTheSameTimeWhereverTheKeyIs() {
    Map<String, String> keys = new LinkedHashMap<>();
    for (int i = 0; i < 2000; i++) keys.put("sk-key-" + i, "t" + i);
    Tenants t = Tenants.fromApiKeys(keys, List.of());
    for (int i = 0; i < 200; i++) {
      t.authenticate("sk-key-0");
      t.authenticate("sk-key-1999");
    }
    long first = median(t, "sk-key-0");
    long last = median(t, "sk-key-1999");
    long none = median(t, "sk-nobody");
    double ratio = (double) Math.max(first, Math.max(last, none)) / Math.min(first, Math.min(last, none));
    assertTrue(ratio < 4, "first " + first + " ns, last " + last + " ns, none " + none + " ns");
  }

  private static long median(Tenants t, String key) {
    long[] ns = new long[101];
    for (int i = 0; i < ns.length; i++) {
      long t0 = System.nanoTime();
      t.authenticate(key);
      ns[i] = System.nanoTime() - t0;
    }
    Arrays.sort(ns);
    return ns[ns.length / 2];
  }

  @Test
  void keysNewPrintsAKeyAndItsDigest() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, KeysCommand.run(List.of("new"), new PrintStream(out), System.err));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    String key = lines[0].substring("key:".length()).trim();
    assertTrue(key.matches("sk-[A-Za-z0-9_-]{43}"), key);
    assertEquals("key_sha256: " + Tenants.sha256Hex(key), lines[1]);
    assertTrue(Tenants.load(writeUnchecked("{\"tenants\":[{\"name\":\"x\",\"key_sha256\":[\"" + Tenants.sha256Hex(key)
        + "\"]}]}")).authenticate(key).isPresent());
    assertTrue(!KeysCommand.newKey().equals(KeysCommand.newKey()));
    assertEquals(2, KeysCommand.run(List.of("old"), System.out, new PrintStream(new ByteArrayOutputStream())));
  }

  private Path writeUnchecked(String text) {
    try {
      Path p = dir.resolve("k.json");
      Files.writeString(p, text);
      return p;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
