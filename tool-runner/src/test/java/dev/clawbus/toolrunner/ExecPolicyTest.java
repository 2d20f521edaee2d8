package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.toolrunner.ExecPolicy.Decision;
import dev.clawbus.toolrunner.ExecPolicy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecPolicyTest {
  @TempDir
  Path dir;
  private Path bin;
  private Path work;
  private PathLookup lookup;
  private ExecPolicy allowlist;

  @BeforeEach
  void setUp() throws Exception {
    bin = Files.createDirectories(dir.resolve("bin"));
    work = Files.createDirectories(dir.resolve("work"));
    for (String p : List.of("bin/git", "bin/rm", "bin/python3", "work/build.sh", "other/git")) {
      program(dir.resolve(p));
    }
    lookup = new PathLookup(bin.toString());
    allowlist = ExecPolicy.allowlist("box", AllowList.parse(List.of("git", dir + "/work/*.sh"), lookup::find, "t"));
  }

  @Test
  void denyRefusesEverythingWithAReason() {
    Decision d = ExecPolicy.deny("box").decide("ls", Map.of(), work, lookup);
    assertEquals(Verdict.DENIED, d.verdict());
    assertEquals("exec is disabled on node 'box' (policy deny)", d.reason());
    assertNull(d.mode());
  }

  @Test
  void allowlistRunsTheResolvedPathOfAnAllowedProgram() {
    Decision d = allowlist.decide("git log --format='%h %s' -n 3", Map.of("GIT_AUTHOR_NAME", "x"), work, lookup);
    assertTrue(d.allowed(), d.reason());
    assertEquals(List.of(bin.resolve("git").toString(), "log", "--format=%h %s", "-n", "3"), d.argv());
    assertEquals(bin.resolve("git").toString(), d.executable());
    assertEquals("direct", d.mode());
    assertFalse(d.shell());
    // A relative path is resolved against the working directory, then matched.
    Decision script = allowlist.decide("./build.sh --fast", Map.of(), work, lookup);
    assertTrue(script.allowed(), script.reason());
    assertEquals(work.resolve("build.sh").toString(), script.argv().get(0));
    // Quoted shell characters are plain arguments.
    assertTrue(allowlist.decide("git grep 'a|b;c' -- '*.java'", Map.of(), work, lookup).allowed());
  }

  @Test
  void allowlistRefusesOtherProgramsMissingOnesAndPathTricks() {
    assertDenied(allowlist.decide("rm -rf /", Map.of(), work, lookup), "'" + bin.resolve("rm") + "' is not in the "
        + "allowlist of node 'box'");
    assertDenied(allowlist.decide("../other/git status", Map.of(), work, lookup), "is not in the allowlist");
    assertDenied(allowlist.decide(work + "/../other/git", Map.of(), work, lookup), "is not in the allowlist");
    assertDenied(allowlist.decide("nosuch --x", Map.of(), work, lookup), "'nosuch' is not an executable program "
        + "on node 'box''s PATH");
    assertDenied(allowlist.decide("./missing.sh", Map.of(), work, lookup), "'./missing.sh' is not an executable");
  }

  @Test
  void allowlistRefusesShellSyntaxNamingIt() {
    assertDenied(allowlist.decide("git log | head", Map.of(), work, lookup), "shell syntax is not allowed on node "
        + "'box' (policy allowlist): the command contains a pipe '|'");
    assertDenied(allowlist.decide("git log > /tmp/x", Map.of(), work, lookup), "redirection");
    assertDenied(allowlist.decide("git $(rm -rf /)", Map.of(), work, lookup), "$(…)");
    assertDenied(allowlist.decide("git status; rm x", Map.of(), work, lookup), "';'");
    assertDenied(allowlist.decide("GIT_DIR=x git status", Map.of(), work, lookup), "assignment");
  }

  @Test
  void allowlistRefusesEnvironmentThatLoadsOtherCode() {
    for (String name : List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES", "PATH", "GIT_SSH_COMMAND",
        "GIT_CONFIG_COUNT", "PYTHONPATH", "NODE_OPTIONS", "BASH_ENV", "HOME")) {
      assertDenied(allowlist.decide("git status", Map.of(name, "/tmp/evil"), work, lookup), "the environment variable "
          + name + " cannot be set");
    }
    // The same variables are fine under full.
    assertTrue(ExecPolicy.full("box").decide("git status", Map.of("LD_PRELOAD", "x"), work, lookup).allowed());
  }

  @Test
  void fullRunsShellSyntaxThroughShAndTheRestDirectly() {
    ExecPolicy full = ExecPolicy.full("box");
    Decision piped = full.decide("git log | head -n 1", Map.of(), work, lookup);
    assertTrue(piped.allowed());
    assertEquals(List.of("/bin/sh", "-c", "git log | head -n 1"), piped.argv());
    assertEquals("shell", piped.mode());
    Decision direct = full.decide("python3 -c 'print(1)'", Map.of(), work, lookup);
    assertEquals(List.of("python3", "-c", "print(1)"), direct.argv());
    assertEquals(bin.resolve("python3").toString(), direct.executable());
    assertEquals("direct", direct.mode());
    Decision missing = full.decide("nosuch", Map.of(), work, lookup);
    assertTrue(missing.allowed());
    assertNull(missing.executable(), "not found: the node answers 127 like a shell");
  }

  @Test
  void unterminatedQuotesAreInvalidNotDenied() {
    for (ExecPolicy p : List.of(allowlist, ExecPolicy.full("box"))) {
      Decision d = p.decide("git log 'oops", Map.of(), work, lookup);
      assertEquals(Verdict.INVALID, d.verdict());
      assertEquals("unterminated single quote in the command", d.reason());
    }
  }

  @Test
  void theModeParsesFromItsLabel() {
    assertEquals(ExecPolicy.Mode.ALLOWLIST, ExecPolicy.Mode.parse(" Allowlist "));
    assertEquals("full", ExecPolicy.Mode.FULL.label());
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> ExecPolicy.Mode.parse("some")).getMessage().contains("deny, allowlist or full"));
  }

  @Test
  void aResolverThatFindsNothingDeniesUnderAllowlist() {
    ExecPolicy.Resolver none = (argv0, wd) -> Optional.empty();
    assertDenied(allowlist.decide("git status", Map.of(), work, none), "not an executable program");
  }

  private static void assertDenied(Decision d, String reasonPart) {
    assertEquals(Verdict.DENIED, d.verdict(), String.valueOf(d));
    assertTrue(d.reason().contains(reasonPart), d.reason());
    assertEquals(List.of(), d.argv());
  }

  static void program(Path p) throws Exception {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
