package dev.clawbus.infra.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A journal batch on its way to the ingress instance that holds the client ({@link Addresses#ingress}). Within a
 * node (the usual case: the node that accepts a request runs it) the batch itself is handed over, events and all,
 * without a copy ({@link Codec}); to another node it travels as {@link #encode()}'s text:
 * {@code <request key>\n<batch number>\n} then {@code <length>:<encoded event>} per event. The batch number
 * lets a client that fell behind continue from the journal at the right place.
 */
public record EventBatch(String requestKey, int batch, List<StreamEvent> events) {

  public String encode() {
    StringBuilder sb = new StringBuilder(requestKey.length() + 8 + events.size() * 256).append(requestKey)
        .append('\n').append(batch).append('\n');
    for (StreamEvent e : events) {
      String text = e.encode();
      sb.append(text.length()).append(':').append(text);
    }
    return sb.toString();
  }

  /** IllegalArgumentException when {@code text} is not a batch. */
  public static EventBatch decode(String text) {
    try {
      int nl = text.indexOf('\n');
      int nl2 = text.indexOf('\n', nl + 1);
      if (nl < 1 || nl2 < 0) throw new IllegalArgumentException("not an event batch");
      int batch = Integer.parseInt(text, nl + 1, nl2, 10);
      List<StreamEvent> events = new ArrayList<>();
      int i = nl2 + 1;
      while (i < text.length()) {
        int colon = text.indexOf(':', i);
        int len = Integer.parseInt(text, i, colon, 10);
        events.add(StreamEvent.decode(text.substring(colon + 1, colon + 1 + len)));
        i = colon + 1 + len;
      }
      return new EventBatch(text.substring(0, nl), batch, events);
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("not an event batch");
    }
  }

  /**
   * The event-bus codec of batches: the same object within a node (its events are immutable and the journal's
   * writer hands the list over), {@link #encode()} as UTF-8 across the network. Every token passes here once; the
   * text form cost five copies of each chunk's JSON on a local delivery (event text, batch text, the bus's
   * string, two substrings on decoding). Registered by whoever sends or receives batches.
   */
  public static final class Codec implements MessageCodec<EventBatch, EventBatch> {
    public static final String NAME = "clawbus.event-batch";

    /** Makes this the default codec of {@link EventBatch} on {@code bus}, once. */
    public static void register(EventBus bus) {
      try {
        bus.registerDefaultCodec(EventBatch.class, new Codec());
      } catch (IllegalStateException alreadyRegistered) {
        // another service of this node registered it first
      }
    }

    @Override
    public void encodeToWire(Buffer buffer, EventBatch batch) {
      byte[] bytes = batch.encode().getBytes(StandardCharsets.UTF_8);
      buffer.appendInt(bytes.length).appendBytes(bytes);
    }

    @Override
    public EventBatch decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return decode(buffer.getString(pos + 4, pos + 4 + length, "UTF-8"));
    }

    @Override
    public EventBatch transform(EventBatch batch) {
      return batch;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
