package dev.clawbus.infra.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Several events of one request in one event-bus message, as a journal batch is delivered to the
 * ingress that holds the client: {@code <request id>\n} then {@code <length>:<encoded event>} per event.
 */
public record EventBatch(String requestId, List<StreamEvent> events) {

  public String encode() {
    StringBuilder sb = new StringBuilder(requestId.length() + 1 + events.size() * 256).append(requestId).append('\n');
    for (StreamEvent e : events) {
      String text = e.encode();
      sb.append(text.length()).append(':').append(text);
    }
    return sb.toString();
  }

  public static EventBatch decode(String text) {
    int nl = text.indexOf('\n');
    if (nl < 1) throw new IllegalArgumentException("not an event batch");
    List<StreamEvent> events = new ArrayList<>();
    int i = nl + 1;
    while (i < text.length()) {
      int colon = text.indexOf(':', i);
      int len = Integer.parseInt(text, i, colon, 10);
      events.add(StreamEvent.decode(text.substring(colon + 1, colon + 1 + len)));
      i = colon + 1 + len;
    }
    return new EventBatch(text.substring(0, nl), events);
  }
}
