package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowListTest {
  private static Optional<Path> onPath(String name) {
    return name.equals("git") ? Optional.of(Path.of("/usr/bin/git")) : Optional.empty();
  }

  @Test
  void globsBareNamesAndComments() {
    AllowList a = AllowList.parse(List.of("# tools for the agent", "", "git   # version control",
        "/opt/tools/*", "/srv/deep/**", "/usr/bin/python3.{11,12}", "  /usr/local/bin/make  "), AllowListTest::onPath,
        "allow.txt");
    assertEquals(5, a.size());
    assertTrue(a.allows(Path.of("/usr/bin/git")));
    assertFalse(a.allows(Path.of("/home/me/git")), "a bare name allows only what PATH finds");
    assertTrue(a.allows(Path.of("/opt/tools/fmt")));
    assertFalse(a.allows(Path.of("/opt/tools/sub/fmt")), "* stays in one directory");
    assertTrue(a.allows(Path.of("/srv/deep/a/b/c")));
    assertTrue(a.allows(Path.of("/usr/bin/python3.12")));
    assertFalse(a.allows(Path.of("/usr/bin/python3.10")));
    assertTrue(a.allows(Path.of("/usr/local/bin/make")));
    assertFalse(a.allows(Path.of("/usr/local/bin/make2")));
    assertEquals(List.of(), a.warnings());
  }

  @Test
  void aNameNotOnPathIsSkippedWithAWarning() {
    AllowList a = AllowList.parse(List.of("git", "cargo"), AllowListTest::onPath, "allow.txt");
    assertEquals(1, a.size());
    assertEquals(List.of("allow.txt:2: 'cargo' is not on this node's PATH; the line is ignored"), a.warnings());
  }

  @Test
  void mistakesNameTheirLine() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> AllowList.parse(List.of("git", "bin/tool"), AllowListTest::onPath, "allow.txt"));
    assertTrue(e.getMessage().startsWith("allow.txt:2: 'bin/tool' must be an absolute path pattern"), e.getMessage());
    assertThrows(ConfigException.class, () -> AllowList.parse(List.of("py*"), AllowListTest::onPath, "a"));
    assertTrue(assertThrows(ConfigException.class, () -> AllowList.parse(List.of("/usr/bin/[a"), AllowListTest::onPath,
        "a")).getMessage().startsWith("a:1: bad pattern '/usr/bin/[a'"));
  }

  @Test
  void loadsAFileAndReportsAMissingOne(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("allow"), "/bin/*\n");
    assertTrue(AllowList.load(f, AllowListTest::onPath).allows(Path.of("/bin/ls")));
    ConfigException e = assertThrows(ConfigException.class,
        () -> AllowList.load(dir.resolve("nope"), AllowListTest::onPath));
    assertTrue(e.getMessage().startsWith("cannot read allowlist file " + dir.resolve("nope")), e.getMessage());
  }
}
