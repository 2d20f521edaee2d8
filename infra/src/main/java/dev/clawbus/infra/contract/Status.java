package dev.clawbus.infra.contract;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a request is in its life. The legal moves:
 * <pre>
 *   queued ──▶ running ──▶ done | failed | cancelled
 *     │  ▲         │
 *     │  └─────────┘ takeover (its node died: back in a queue, on another node)
 *     └──▶ cancelled | failed (never ran)
 * </pre>
 * Nothing leaves a terminal status.
 */
public enum Status {
  QUEUED, RUNNING, DONE, FAILED, CANCELLED;

  private Set<Status> next;

  static {
    QUEUED.next = EnumSet.of(RUNNING, CANCELLED, FAILED);
    RUNNING.next = EnumSet.of(DONE, FAILED, CANCELLED, QUEUED);
    DONE.next = EnumSet.noneOf(Status.class);
    FAILED.next = EnumSet.noneOf(Status.class);
    CANCELLED.next = EnumSet.noneOf(Status.class);
  }

  public boolean canMoveTo(Status to) {
    return next.contains(to);
  }

  public boolean terminal() {
    return next.isEmpty();
  }

  /** The name on the wire: lowercase. */
  public String wire() {
    return name().toLowerCase();
  }

  /** The status named {@code s} on the wire; IllegalArgumentException for anything else. */
  public static Status parse(String s) {
    for (Status st : values()) {
      if (st.wire().equals(s)) return st;
    }
    throw new IllegalArgumentException("unknown status '" + s + "'");
  }
}
