package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch of a response's journal, as stored in Hazelcast under {@code <request key>#<n>} and copied to Kafka
 * {@link Topics#EVENTS}: {@code {"e":[encoded StreamEvent…],"r":"raw model text","rt":cut}}.
 *
 * @param raw        raw model text generated since the previous batch (what a continuation resumes from)
 * @param truncateTo when ≥ 0, the raw text recorded before this batch is first cut back to this length (a
 *                   continuation restarted before an unfinished tool call); -1 otherwise
 */
public record JournalBatch(List<StreamEvent> events, String raw, int truncateTo) {

  public String encode() {
    StringBuilder sb = new StringBuilder(64 + events.size() * 200 + raw.length()).append("{\"e\":[");
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) sb.append(',');
      dev.clawbus.parser.JsonText.quote(sb, events.get(i).encode());
    }
    sb.append("],\"r\":");
    dev.clawbus.parser.JsonText.quote(sb, raw);
    if (truncateTo >= 0) sb.append(",\"rt\":").append(truncateTo);
    return sb.append('}').toString();
  }

  /** IllegalArgumentException when {@code text} is not a batch. */
  public static JournalBatch decode(String text) {
    try {
      JsonObject j = new JsonObject(text);
      JsonArray e = j.getJsonArray("e", new JsonArray());
      List<StreamEvent> events = new ArrayList<>(e.size());
      for (int i = 0; i < e.size(); i++) events.add(StreamEvent.decode(e.getString(i)));
      return new JournalBatch(events, j.getString("r", ""), j.getInteger("rt", -1));
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
