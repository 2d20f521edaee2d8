package dev.clawbus.ingress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseBytesTest {
  private static final String[] PIECES = {"a", " the", "{\"id\":\"chatcmpl-1\"}", "é", "ü", "日本", "😀", "\ud83d", "\ude00",
      "\u0000", "\u007f", "\u0080", "\u07ff", "\u0800", "\uffff", "\n", "\\", "\""};

  @Test
  void framesAreTheBytesAppendStringWrites() {
    Random r = new Random(5);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder s = new StringBuilder();
      for (int k = r.nextInt(40); k > 0; k--) s.append(PIECES[r.nextInt(PIECES.length)]);
      long seq = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(4) == 0 ? r.nextInt(10) : r.nextInt(Integer.MAX_VALUE);
      Buffer expected = Buffer.buffer().appendString("id: ").appendString(Long.toString(seq)).appendString("\n")
          .appendString("data: ").appendString(s.toString()).appendString("\n\n");
      Buffer got = SseBytes.buffer(r.nextInt(3) == 0 ? 1 : s.length() + 32); // a buffer that must grow, too
      SseBytes.ascii(got, SseBytes.ID);
      SseBytes.decimal(got, seq);
      SseBytes.ascii(got, SseBytes.NL);
      SseBytes.ascii(got, SseBytes.DATA);
      SseBytes.utf8(got, r.nextBoolean() ? s : s.toString());
      SseBytes.ascii(got, SseBytes.END);
      assertEquals(expected.length(), got.length(), s.toString());
      assertArrayEquals(expected.getBytes(), got.getBytes(), s.toString());
    }
    Buffer b = Buffer.buffer();
    SseBytes.decimal(b, 0);
    SseBytes.decimal(b, Long.MAX_VALUE);
    SseBytes.decimal(b, Long.MIN_VALUE);
    assertEquals("0" + Long.MAX_VALUE + Long.MIN_VALUE, b.toString());
  }
}
