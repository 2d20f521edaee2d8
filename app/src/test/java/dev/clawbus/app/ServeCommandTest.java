package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
  void otherEnumeratedOptionsToo() {
    String[] r = run("serve", "--durability", "sometimes");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("--durability"), r[1]);
    r = run("serve", "--host", "0.0.0.0");
    assertEquals("2", r[0]);
    assertTrue(r[1].contains("API keys"), r[1]);
  }
}
