package dev.clawbus.infra.contract;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * One batch of a response's journal, as stored in Hazelcast under {@code <request key>#<n>} and copied to Kafka
 * {@link Topics#EVENTS}: its events and raw model text in {@link CompactAnswer}'s form (a token costs its text and a
 * couple of bytes, not the ~270 bytes of its chunk JSON), behind a 6-byte header: {@code 0xCB 0x01} and the
 * truncation point as a big-endian int.
 *
 * @param raw        raw model text generated since the previous batch (what a continuation resumes from)
 * @param truncateTo when ≥ 0, the raw text recorded before this batch is first cut back to this length (a
 *                   continuation restarted before an unfinished tool call); -1 otherwise
 */
public record JournalBatch(List<StreamEvent> events, String raw, int truncateTo) {
  static final byte MAGIC = (byte) 0xCB;
  static final byte VERSION = 1;
  private static final int HEADER = 6;

  public byte[] encode() {
    byte[] body = CompactAnswer.encode(events, raw);
    byte[] out = new byte[HEADER + body.length];
    out[0] = MAGIC;
    out[1] = VERSION;
    ByteBuffer.wrap(out, 2, 4).putInt(truncateTo);
    System.arraycopy(body, 0, out, HEADER, body.length);
    return out;
  }

  /** IllegalArgumentException when {@code bytes} are not a batch. */
  public static JournalBatch decode(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER || bytes[0] != MAGIC || bytes[1] != VERSION) {
      throw new IllegalArgumentException("not a journal batch");
    }
    int truncateTo = ByteBuffer.wrap(bytes, 2, 4).getInt();
    try {
      Recorded r = CompactAnswer.decode(Arrays.copyOfRange(bytes, HEADER, bytes.length));
      return new JournalBatch(r.events(), r.raw(), truncateTo);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a journal batch");
    }
  }

  /** The batch as text for a Kafka record (base64 of {@link #encode}). */
  public static String toText(byte[] encoded) {
    return Base64.getEncoder().encodeToString(encoded);
  }

  /** IllegalArgumentException when {@code text} is not base64. */
  public static byte[] fromText(String text) {
    return Base64.getDecoder().decode(text);
  }

  /** Applies this batch's raw text to what was recorded before it. */
  public void applyRaw(StringBuilder recorded) {
    if (truncateTo >= 0 && truncateTo <= recorded.length()) recorded.setLength(truncateTo);
    recorded.append(raw);
  }
}
