package dev.clawbus.ingress;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Writes SSE frames into a write buffer without intermediate copies: text is encoded as UTF-8 straight into the
 * buffer (where {@code Buffer.appendString} first makes a byte array of it), numbers are written as their digits
 * (no string). The relay writes every event of every stream through here. Same bytes as {@code appendString}.
 */
final class SseBytes {
  static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  static final byte[] NL = {'\n'};
  static final byte[] END = {'\n', '\n'};

  private SseBytes() {}

  /** A write buffer for about {@code bytes} of frames. */
  static Buffer buffer(int bytes) {
    return Buffer.buffer(Math.max(64, bytes));
  }

  static void ascii(Buffer b, byte[] literal) {
    bytes(b).writeBytes(literal);
  }

  /**
   * {@code s} as UTF-8, exactly as {@link String#getBytes} encodes it. ASCII text (what chunk JSON nearly always is)
   * goes straight into the buffer; other text through {@code getBytes}, whose handling of unpaired surrogates
   * Netty's encoder does not share in every case.
   */
  static void utf8(Buffer b, CharSequence s) {
    ByteBuf buf = bytes(b);
    if (ascii(s)) {
      buf.writeCharSequence(s, StandardCharsets.US_ASCII);
    } else {
      buf.writeBytes(s.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static boolean ascii(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) return false;
    }
    return true;
  }

  /** {@code v} in decimal. */
  static void decimal(Buffer b, long v) {
    ByteBuf buf = bytes(b);
    if (v < 0) {
      buf.writeBytes(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
      return;
    }
    int digits = 1;
    for (long x = v / 10; x > 0; x /= 10) digits++;
    buf.ensureWritable(digits);
    int at = buf.writerIndex() + digits;
    for (int i = 0; i < digits; i++) {
      buf.setByte(--at, (int) ('0' + v % 10));
      v /= 10;
    }
    buf.writerIndex(buf.writerIndex() + digits);
  }

  private static ByteBuf bytes(Buffer b) {
    return ((BufferInternal) b).unwrap();
  }
}
