package dev.clawbus.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpsOptionsTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
  static final Set<String> ALL = Set.of("--since", "--until", "--tenant", "--json", "--dry-run", "--force", "--limit");

  static OpsOptions parse(Map<String, String> env, String... args) {
    return OpsOptions.parse(List.of(args), ALL, env, CLOCK);
  }

  static String refused(Set<String> allowed, String... args) {
    return assertThrows(IllegalArgumentException.class,
        () -> OpsOptions.parse(List.of(args), allowed, Map.of(), CLOCK)).getMessage();
  }

  @Test
  void defaultsToTheLocalNodeAndTheEnvironmentsKey() {
    OpsOptions o = parse(Map.of("CLAWBUS_ADMIN_KEY", "sk-env"), "list");
    assertEquals("http://127.0.0.1:8003", o.url().toString());
    assertEquals("sk-env", o.adminKey());
    assertEquals(List.of("list"), o.positional());
    assertFalse(o.json() || o.dryRun() || o.force());
    assertNull(o.since());
    assertEquals(100, o.limit());
    assertNull(parse(Map.of()).adminKey());
    assertNull(parse(Map.of("CLAWBUS_ADMIN_KEY", " ")).adminKey(), "a blank key is no key");
  }

  @Test
  void readsEveryFlag() {
    OpsOptions o = parse(Map.of("CLAWBUS_ADMIN_KEY", "sk-env"), "a1", "--url", "http://gw:9000/", "--admin-key", "sk-flag",
        "--since", "1h", "--until", "2026-11-29T11:30:00Z", "--tenant", "team-a", "--json", "--dry-run", "--force",
        "--limit", "7", "b2");
    assertEquals("http://gw:9000", o.url().toString(), "a trailing slash is dropped");
    assertEquals("sk-flag", o.adminKey(), "the flag wins over the environment");
    assertEquals(CLOCK.millis() - 3_600_000L, o.since());
    assertEquals(Instant.parse("2026-11-29T11:30:00Z").toEpochMilli(), o.until());
    assertEquals("team-a", o.tenant());
    assertTrue(o.json() && o.dryRun() && o.force());
    assertEquals(7, o.limit());
    assertEquals(List.of("a1", "b2"), o.positional());
  }

  @Test
  void refusesMistakesWithAMessageNamingTheFlag() {
    assertEquals("unknown option --force", refused(Set.of("--json"), "--force"));
    assertEquals("unknown option -x", refused(ALL, "-x"));
    assertEquals("--since needs a value", refused(ALL, "--since"));
    assertTrue(refused(ALL, "--since", "last tuesday").startsWith("--since: 'last tuesday' is not a time"));
    assertEquals("--until must be later than --since", refused(ALL, "--since", "1h", "--until", "2h"));
    assertTrue(refused(ALL, "--url", "ftp://x").startsWith("--url: 'ftp://x' is not an http(s) URL"));
    assertTrue(refused(ALL, "--url", "nohost").startsWith("--url:"));
    assertTrue(refused(ALL, "--tenant", "a/b").startsWith("--tenant:"));
    assertTrue(refused(ALL, "--limit", "0").startsWith("--limit:"));
    assertTrue(refused(ALL, "--limit", "x").startsWith("--limit:"));
  }
}
