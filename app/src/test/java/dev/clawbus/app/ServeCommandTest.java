package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clawbus serve} refuses a bad configuration at start: one line, a non-zero exit, nothing started. */
class ServeCommandTest {
  static String[] run(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new String[] {String.valueOf(code), buf.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void anUnknownParserIsOneLineAndANonZeroExit() {
    String[] r = run("serve", "--parser", "nosuch", "--port", "0");
    assertEquals("2", r[0]);
    assertEquals(1, r[1].strip().lines().count(), r[1]);
    assertTrue(r[1].contains("--parser") && r[1].contains("nosuch") && r[1].contains("qwen3_coder"), r[1]);
  }

  @Test
  void aBadExecSecretFileStopsServeBeforeAnythingStartsAndIsNeverPrinted(@TempDir Path dir) throws Exception {
    String[] missing = run("serve", "--port", "0", "--exec-secret-file", dir.resolve("nope").toString());
    assertEquals("2", missing[0]);
    assertEquals("clawbus: cannot read the exec secret file " + dir.resolve("nope") + " (NoSuchFile)",
        missing[1].strip());
    Path shortSecret = Files.writeString(dir.resolve("short"), "not-secret-enough\n");
    String[] tooShort = run("serve", "--port", "0", "--exec-secret-file", shortSecret.toString());
    assertEquals("2", tooShort[0]);
    assertTrue(tooShort[1].contains("too short (17 bytes; at least 32 needed"), tooShort[1]);
    assertFalse(tooShort[1].contains("not-secret-enough"), "the secret is never printed: " + tooShort[1]);
  }

  @Test
  void otherEnumeratedOptionsToo() {
    String[] r = run("serve", "--durability", "sometimes");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("--durability"), r[1]);
    r = run("serve", "--host", "0.0.0.0");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("API keys"), r[1]);
  }
}
