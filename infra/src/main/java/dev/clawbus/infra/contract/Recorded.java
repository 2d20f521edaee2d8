package dev.clawbus.infra.contract;

import dev.clawbus.infra.contract.StreamEvent;
import java.util.List;

/**
 * What the journal holds of one response: the client-visible events in order and the raw model text
 * generated so far (what a continuation resumes from).
 */
public record Recorded(List<StreamEvent> events, String raw) {
  public long lastSeq() {
    return events.isEmpty() ? -1 : events.get(events.size() - 1).seq();
  }

  public boolean terminal() {
    return !events.isEmpty() && events.get(events.size() - 1).terminal();
  }
}
