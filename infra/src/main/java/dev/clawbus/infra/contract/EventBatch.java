package dev.clawbus.infra.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * A journal batch on its way to the ingress instance that holds the client ({@link Addresses#ingress}):
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
}
