package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * One batch of a response's journal, as stored in Hazelcast under {@code <request key>#<n>} and copied to Kafka
 * {@link Topics#EVENTS}: its events and raw model text in {@link CompactAnswer}'s form (a token costs its text and a
 * couple of bytes, not the ~270 bytes of its chunk JSON), behind a header: {@code 0xCB}, a version byte and the
 * truncation point as a big-endian int; version 2 then holds the steps (a big-endian int length and the UTF-8 text
 * of their JSON array) before the compact events.
 *
 * @param raw        raw model text generated since the previous batch (what a continuation resumes from)
 * @param truncateTo when ≥ 0, the raw text recorded before this batch is first cut back to this length (a
 *                   continuation restarted before an unfinished tool call); -1 otherwise
 * @param steps      records of the server-side tool loop written with this batch (a round's tool calls, a call
 *                   started, its result), in order; never shown to clients. A node that takes the response over
 *                   continues after the last one. Empty for most batches (and then not encoded).
 */
public record JournalBatch(List<StreamEvent> events, String raw, int truncateTo, List<JsonObject> steps) {
  static final byte MAGIC = (byte) 0xCB;
  static final byte PLAIN = 1;
  static final byte WITH_STEPS = 2;
  private static final int HEADER = 6;

  public JournalBatch {
    steps = steps == null || steps.isEmpty() ? List.of() : List.copyOf(steps);
  }

  public JournalBatch(List<StreamEvent> events, String raw, int truncateTo) {
    this(events, raw, truncateTo, List.of());
  }

  public byte[] encode() {
    byte[] body = CompactAnswer.encode(events, raw);
    byte[] stepBytes = steps.isEmpty() ? new byte[0]
        : new JsonArray(new ArrayList<>(steps)).encode().getBytes(StandardCharsets.UTF_8);
    int extra = steps.isEmpty() ? 0 : 4 + stepBytes.length;
    ByteBuffer out = ByteBuffer.allocate(HEADER + extra + body.length);
    out.put(MAGIC).put(steps.isEmpty() ? PLAIN : WITH_STEPS).putInt(truncateTo);
    if (!steps.isEmpty()) out.putInt(stepBytes.length).put(stepBytes);
    return out.put(body).array();
  }

  /** IllegalArgumentException when {@code bytes} are not a batch. */
  public static JournalBatch decode(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER || bytes[0] != MAGIC || (bytes[1] != PLAIN && bytes[1] != WITH_STEPS)) {
      throw new IllegalArgumentException("not a journal batch");
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      in.position(2);
      int truncateTo = in.getInt();
      List<JsonObject> steps = List.of();
      if (bytes[1] == WITH_STEPS) {
        byte[] stepBytes = new byte[in.getInt()];
        in.get(stepBytes);
        JsonArray a = new JsonArray(new String(stepBytes, StandardCharsets.UTF_8));
        List<JsonObject> list = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) list.add(a.getJsonObject(i));
        steps = list;
      }
      Recorded r = CompactAnswer.decode(Arrays.copyOfRange(bytes, in.position(), bytes.length));
      return new JournalBatch(r.events(), r.raw(), truncateTo, steps);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a journal batch");
    }
  }

  /** Where a batch's compact events start in its bytes, and its raw-text cut. */
  static CompactAnswer.Part part(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER || bytes[0] != MAGIC || (bytes[1] != PLAIN && bytes[1] != WITH_STEPS)) {
      throw new IllegalArgumentException("not a journal batch");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int truncateTo = in.getInt(2);
    int offset = HEADER;
    if (bytes[1] == WITH_STEPS) {
      if (bytes.length < HEADER + 4) throw new IllegalArgumentException("not a journal batch");
      int steps = in.getInt(HEADER);
      if (steps < 0 || steps > bytes.length - HEADER - 4) throw new IllegalArgumentException("not a journal batch");
      offset = HEADER + 4 + steps;
    }
    return new CompactAnswer.Part(bytes, offset, truncateTo);
  }

  /**
   * Adds to {@code out} the events of a stored batch whose seq is above {@code afterSeq}, until their data reach
   * {@code maxChars} (see {@link CompactAnswer#eventsAfter}); true when the batch's last event was reached.
   *
   * @throws IllegalArgumentException when {@code bytes} are not a batch
   */
  public static boolean eventsAfter(byte[] bytes, long afterSeq, int maxChars, List<StreamEvent> out) {
    CompactAnswer.Part p = part(bytes);
    return CompactAnswer.eventsAfter(bytes, p.offset(), afterSeq, maxChars, out);
  }

  /**
   * A whole answer's batches, in order, as one {@link CompactAnswer} (its events and applied raw text; the steps
   * are not kept): joined byte for byte where they can be ({@link CompactAnswer#concat}), else decoded and encoded.
   *
   * @throws IllegalArgumentException when one is not a batch
   */
  public static byte[] answerOf(List<byte[]> batches) {
    List<CompactAnswer.Part> parts = new ArrayList<>(batches.size());
    for (byte[] b : batches) parts.add(part(b));
    byte[] joined = CompactAnswer.concat(parts);
    return joined != null ? joined : CompactAnswer.encode(recorded(batches));
  }

  /**
   * What consecutive stored batches record, decoded: their events and steps in order, and the raw text they leave
   * (each batch's cut applied before its text).
   *
   * @throws IllegalArgumentException when one is not a batch
   */
  public static Recorded recorded(List<byte[]> batches) {
    List<StreamEvent> events = new ArrayList<>();
    List<JsonObject> steps = new ArrayList<>();
    StringBuilder raw = new StringBuilder();
    for (byte[] bytes : batches) {
      JournalBatch b = decode(bytes);
      events.addAll(b.events());
      steps.addAll(b.steps());
      b.applyRaw(raw);
    }
    return new Recorded(events, raw.toString(), steps);
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
