package dev.clawbus.toolrunner;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output stream of a command: keeps at most {@code cap} bytes, counts all, and hands out the text in whole UTF-8
 * characters as it arrives (for streaming). The cut at the cap falls on a character boundary and is followed by a
 * marker line. Thread-safe (one reader thread appends, the runner reads the result). I/O-free.
 */
final class OutputBuffer {
  private final int cap;
  private byte[] data = new byte[1024];
  private int kept;
  /** Bytes of {@code data} already handed out as text; always at a character boundary. */
  private int emitted;
  private long total;
  private boolean truncated;

  OutputBuffer(int cap) {
    this.cap = cap;
  }

  static String marker(int cap) {
    return "\n[clawbus: output truncated after " + cap + " bytes]\n";
  }

  /** Takes {@code len} more bytes; returns the text that became complete (the marker when the cap is reached). */
  synchronized String append(byte[] b, int off, int len) {
    total += len;
    if (truncated || len == 0) {
      return "";
    }
    int room = cap - kept;
    int take = Math.min(room, len);
    ensure(kept + take);
    System.arraycopy(b, off, data, kept, take);
    kept += take;
    if (take < len) {
      truncated = true;
      // The first byte left out continues a character: leave that whole character out.
      if (isContinuation(b[off + take])) {
        kept = Math.max(emitted, leadOf(data, emitted, kept));
      }
      String text = new String(data, emitted, kept - emitted, StandardCharsets.UTF_8) + marker(cap);
      emitted = kept;
      return text;
    }
    int complete = completeEnd(data, emitted, kept);
    String text = new String(data, emitted, complete - emitted, StandardCharsets.UTF_8);
    emitted = complete;
    return text;
  }

  /** At end of stream: whatever is left (an incomplete character becomes U+FFFD). */
  synchronized String finish() {
    if (truncated || emitted == kept) {
      return "";
    }
    String text = new String(data, emitted, kept - emitted, StandardCharsets.UTF_8);
    emitted = kept;
    return text;
  }

  /** Everything kept, as text, with the marker when cut: the concatenation of all pieces handed out. */
  synchronized String text() {
    String t = new String(data, 0, kept, StandardCharsets.UTF_8);
    return truncated ? t + marker(cap) : t;
  }

  synchronized long totalBytes() {
    return total;
  }

  synchronized boolean truncated() {
    return truncated;
  }

  private void ensure(int size) {
    if (size > data.length) {
      data = Arrays.copyOf(data, Math.min(Math.max(cap, 1), Math.max(size, data.length * 2)));
    }
  }

  private static boolean isContinuation(byte x) {
    return (x & 0xC0) == 0x80;
  }

  /** Start of the character that the continuation bytes before {@code end} belong to. */
  private static int leadOf(byte[] d, int from, int end) {
    int i = end;
    while (i > from && end - i < 4 && isContinuation(d[i - 1])) {
      i--;
    }
    return i > from ? i - 1 : from;
  }

  /** The largest end at or before {@code to} that does not split a character begun after {@code from}. */
  static int completeEnd(byte[] d, int from, int to) {
    for (int i = to - 1; i >= from && i >= to - 4; i--) {
      int x = d[i] & 0xFF;
      if ((x & 0xC0) == 0x80) {
        continue;
      }
      int need = x < 0x80 ? 1 : (x & 0xE0) == 0xC0 ? 2 : (x & 0xF0) == 0xE0 ? 3 : (x & 0xF8) == 0xF0 ? 4 : 1;
      return i + need <= to ? to : i;
    }
    return to;
  }
}
