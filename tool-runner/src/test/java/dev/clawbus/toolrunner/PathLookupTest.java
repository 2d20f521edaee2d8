package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathLookupTest {
  @Test
  void findsTheFirstExecutableOnPathAndIgnoresRelativeEntries(@TempDir Path dir) throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Files.writeString(a.resolve("tool"), "not executable");
    ExecPolicyTest.program(b.resolve("tool"));
    ExecPolicyTest.program(dir.resolve("cwdtool"));
    PathLookup lookup = new PathLookup(a + ":" + b + "::relative:" + dir + "/a/../b");
    assertEquals(Optional.of(b.resolve("tool")), lookup.find("tool"));
    assertEquals(Optional.empty(), lookup.find("cwdtool"), "empty and relative PATH entries are not searched");
    assertEquals(Optional.empty(), lookup.find("a/tool"));
    assertEquals(Optional.empty(), lookup.find(""));
    assertEquals(Optional.of(b.resolve("tool")), lookup.resolve("tool", dir));
    assertEquals(Optional.of(dir.resolve("cwdtool")), lookup.resolve("./cwdtool", dir));
    assertEquals(Optional.of(b.resolve("tool")), lookup.resolve("../b/tool", a));
    assertEquals(Optional.empty(), lookup.resolve("./tool", a), "not executable");
    assertEquals(Optional.empty(), lookup.resolve("./a", dir), "a directory is no program");
    assertEquals(Optional.empty(), new PathLookup(null).find("tool"));
  }
}
