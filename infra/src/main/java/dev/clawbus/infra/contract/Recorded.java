package dev.clawbus.infra.contract;

import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the journal holds of one response: the client-visible events in order, the raw model text
 * generated so far (what a continuation resumes from), and the server-side tool loop's step records in order
 * ({@link dev.clawbus.infra.contract.JournalBatch#steps()}).
 */
public record Recorded(List<StreamEvent> events, String raw, List<JsonObject> steps) {
  public Recorded {
    steps = steps == null ? List.of() : steps;
  }

  public Recorded(List<StreamEvent> events, String raw) {
    this(events, raw, List.of());
  }

  public long lastSeq() {
    return events.isEmpty() ? -1 : events.get(events.size() - 1).seq();
  }

  public boolean terminal() {
    return !events.isEmpty() && events.get(events.size() - 1).terminal();
  }

  /** When the answer ended (epoch milliseconds), as its terminal event says; 0: not ended, or the event does not say. */
  public long endedAt() {
    return terminal() ? events.get(events.size() - 1).endedAt() : 0;
  }
}
