package dev.clawbus.sim;

import dev.clawbus.parser.JsonText;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable byte builder for one stream's SSE output. The hot path only copies pre-encoded byte arrays
 * (chunk prefix, JSON-quoted token, suffix); each write then costs one array for the outgoing buffer.
 */
final class SseBytes {
  private byte[] buf = new byte[4096];
  private int len;

  SseBytes clear() {
    len = 0;
    return this;
  }

  int length() {
    return len;
  }

  SseBytes append(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  /** For ASCII text only (numbers, fixed JSON punctuation). */
  SseBytes ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) buf[len++] = (byte) s.charAt(i);
    return this;
  }

  SseBytes number(long v) {
    return ascii(Long.toString(v));
  }

  /** Any text, JSON-quoted and UTF-8 encoded (cold paths: tool names and argument fragments). */
  SseBytes quoted(String s) {
    return append(quote(s));
  }

  static byte[] quote(String s) {
    return JsonText.quote(new StringBuilder(s.length() + 8), s).toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A copy: the network keeps the buffer until written, and this builder is reused at once. */
  Buffer toBuffer() {
    return Buffer.buffer(Arrays.copyOf(buf, len));
  }

  private void ensure(int n) {
    if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
  }
}
