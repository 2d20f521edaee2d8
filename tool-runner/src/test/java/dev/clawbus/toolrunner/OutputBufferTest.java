package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputBufferTest {
  @Test
  void keepsEverythingUnderTheCap() {
    OutputBuffer b = new OutputBuffer(100);
    byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
    assertEquals("hello\n", b.append(hello, 0, hello.length));
    assertEquals("", b.finish());
    assertEquals("hello\n", b.text());
    assertEquals(6, b.totalBytes());
    assertFalse(b.truncated());
  }

  @Test
  void cutsAtTheCapWithAMarkerAndCountsEveryByte() {
    OutputBuffer b = new OutputBuffer(10);
    byte[] data = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
    String piece = b.append(data, 0, 8) + b.append(data, 8, 12) + b.append(data, 0, 20) + b.finish();
    String expected = "0123456789" + OutputBuffer.marker(10);
    assertEquals(expected, piece);
    assertEquals(expected, b.text());
    assertEquals("\n[clawbus: output truncated after 10 bytes]\n", OutputBuffer.marker(10));
    assertEquals(40, b.totalBytes());
    assertTrue(b.truncated());
  }

  @Test
  void piecesNeverSplitACharacterAndAddUpToTheText() {
    String text = "aé日本語😀".repeat(200);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Random random = new Random(3);
    for (int cap : new int[] {bytes.length + 10, 1001, 1002, 1003, 1004}) {
      OutputBuffer b = new OutputBuffer(cap);
      StringBuilder streamed = new StringBuilder();
      int off = 0;
      while (off < bytes.length) {
        int n = Math.min(bytes.length - off, 1 + random.nextInt(7));
        String piece = b.append(bytes, off, n);
        assertFalse(piece.contains("\uFFFD"), "a piece split a character (cap " + cap + ")");
        streamed.append(piece);
        off += n;
      }
      streamed.append(b.finish());
      assertEquals(b.text(), streamed.toString(), "cap " + cap);
      assertFalse(b.text().contains("\uFFFD"), "the cut split a character (cap " + cap + ")");
      String kept = b.truncated() ? b.text().substring(0, b.text().length() - OutputBuffer.marker(cap).length())
          : b.text();
      assertTrue(text.startsWith(kept));
      assertTrue(kept.getBytes(StandardCharsets.UTF_8).length <= cap);
      assertTrue(!b.truncated() || kept.getBytes(StandardCharsets.UTF_8).length > cap - 4,
          "cut at most one character early");
      assertEquals(cap < bytes.length, b.truncated());
      assertEquals(bytes.length, b.totalBytes());
    }
  }

  @Test
  void anIncompleteCharacterAtTheEndBecomesAReplacement() {
    OutputBuffer b = new OutputBuffer(100);
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    assertEquals("", b.append(e, 0, 1));
    assertEquals("\uFFFD", b.finish());
  }

  @Test
  void completeEndFindsCharacterBoundaries() {
    byte[] d = "a日".getBytes(StandardCharsets.UTF_8); // 1 + 3 bytes
    assertEquals(4, OutputBuffer.completeEnd(d, 0, 4));
    assertEquals(1, OutputBuffer.completeEnd(d, 0, 3));
    assertEquals(1, OutputBuffer.completeEnd(d, 0, 2));
    assertEquals(1, OutputBuffer.completeEnd(d, 0, 1));
    byte[] cont = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80};
    assertEquals(5, OutputBuffer.completeEnd(cont, 0, 5), "invalid bytes are passed on, not held forever");
  }
}
