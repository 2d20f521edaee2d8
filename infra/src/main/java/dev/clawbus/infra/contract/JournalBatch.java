package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch of a response's journal, as stored in Hazelcast under {@code <request key>#<n>} and copied to Kafka
 * {@link Topics#EVENTS}: {@code {"e":[encoded StreamEvent…],"r":"raw model text","rt":cut,"x":[step…]}}.
 *
 * @param raw        raw model text generated since the previous batch (what a continuation resumes from)
 * @param truncateTo when ≥ 0, the raw text recorded before this batch is first cut back to this length (a
 *                   continuation restarted before an unfinished tool call); -1 otherwise
 * @param steps      records of the server-side tool loop written with this batch (a round's tool calls, a call
 *                   started, its result), in order; never shown to clients. A node that takes the response over
 *                   continues after the last one. Empty for most batches (and then not encoded).
 */
public record JournalBatch(List<StreamEvent> events, String raw, int truncateTo, List<JsonObject> steps) {

  public JournalBatch {
    steps = steps == null || steps.isEmpty() ? List.of() : List.copyOf(steps);
  }

  public JournalBatch(List<StreamEvent> events, String raw, int truncateTo) {
    this(events, raw, truncateTo, List.of());
  }

  public String encode() {
    StringBuilder sb = new StringBuilder(64 + events.size() * 200 + raw.length()).append("{\"e\":[");
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) sb.append(',');
      dev.clawbus.parser.JsonText.quote(sb, events.get(i).encode());
    }
    sb.append("],\"r\":");
    dev.clawbus.parser.JsonText.quote(sb, raw);
    if (truncateTo >= 0) sb.append(",\"rt\":").append(truncateTo);
    if (!steps.isEmpty()) {
      sb.append(",\"x\":[");
      for (int i = 0; i < steps.size(); i++) {
        if (i > 0) sb.append(',');
        sb.append(steps.get(i).encode());
      }
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  /** IllegalArgumentException when {@code text} is not a batch. */
  public static JournalBatch decode(String text) {
    try {
      JsonObject j = new JsonObject(text);
      JsonArray e = j.getJsonArray("e", new JsonArray());
      List<StreamEvent> events = new ArrayList<>(e.size());
      for (int i = 0; i < e.size(); i++) events.add(StreamEvent.decode(e.getString(i)));
      JsonArray x = j.getJsonArray("x");
      List<JsonObject> steps = new ArrayList<>(x == null ? 0 : x.size());
      for (int i = 0; x != null && i < x.size(); i++) steps.add(x.getJsonObject(i));
      return new JournalBatch(events, j.getString("r", ""), j.getInteger("rt", -1), steps);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a journal batch");
    }
  }

  /** Applies this batch's raw text to what was recorded before it. */
  public void applyRaw(StringBuilder recorded) {
    if (truncateTo >= 0 && truncateTo <= recorded.length()) recorded.setLength(truncateTo);
    recorded.append(raw);
  }
}
