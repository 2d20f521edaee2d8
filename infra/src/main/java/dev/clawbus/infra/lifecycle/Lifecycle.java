package dev.clawbus.infra.lifecycle;

import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import java.io.Serializable;
import java.util.Objects;

/**
 * The request state machine: what each {@link Transition} does to a record, and when it is refused. Pure: no
 * I/O, no clock (the transition carries its time), so the same rules run in unit tests, on the Hazelcast
 * partition that holds the record, and on its backup.
 */
public final class Lifecycle {
  private Lifecycle() {}

  /**
   * The result of applying a transition.
   *
   * @param record  the record after the transition (the unchanged one when refused or a no-op; null when none exists)
   * @param changed whether the record was written
   * @param refused why not, when the transition was not allowed (null when it was applied or was a no-op)
   */
  public record Outcome(RequestRecord record, boolean changed, String refused) implements Serializable {
    public boolean ok() {
      return refused == null;
    }

    static Outcome applied(RequestRecord r) {
      return new Outcome(r, true, null);
    }

    static Outcome unchanged(RequestRecord r) {
      return new Outcome(r, false, null);
    }

    static Outcome refused(RequestRecord r, String why) {
      return new Outcome(r, false, why);
    }
  }

  public static Outcome apply(RequestRecord cur, Transition t) {
    if (t instanceof Transition.Create c) {
      return cur == null ? Outcome.applied(c.initial()) : Outcome.refused(cur, "exists");
    }
    if (cur == null) {
      return Outcome.refused(null, "no such request");
    }
    long now = t.now();
    if (t instanceof Transition.Start s) {
      if (cur.status() != Status.QUEUED) return Outcome.refused(cur, "not queued but " + cur.status().wire());
      if (cur.cancelRequested()) return Outcome.refused(cur, "cancel requested");
      if (!Objects.equals(cur.owner(), s.owner())) return Outcome.refused(cur, "held by another member");
      return Outcome.applied(cur.with(Status.RUNNING, cur.attempts() + 1, s.owner(), s.node(), false, now, now,
          null, null));
    }
    if (t instanceof Transition.Finish f) {
      if (!f.status().terminal()) throw new IllegalArgumentException("finish needs a terminal status");
      if (cur.status() != Status.RUNNING) return Outcome.refused(cur, "not running but " + cur.status().wire());
      if (!Objects.equals(cur.owner(), f.owner())) return Outcome.refused(cur, "held by another member");
      RequestRecord done = cur.with(f.status(), cur.attempts(), cur.owner(), cur.node(), cur.cancelRequested(), now,
          cur.startedAt(), now, f.status() == Status.DONE ? null : f.error());
      return Outcome.applied(f.promptTokens() == null && f.completionTokens() == null ? done
          : done.withUsage(f.promptTokens(), f.completionTokens()));
    }
    if (t instanceof Transition.FailQueued fq) {
      if (cur.status() != Status.QUEUED) return Outcome.refused(cur, "not queued but " + cur.status().wire());
      return Outcome.applied(cur.with(Status.FAILED, cur.attempts(), cur.owner(), cur.node(), cur.cancelRequested(),
          now, cur.startedAt(), now, fq.error()));
    }
    if (t instanceof Transition.Cancel c) {
      return switch (cur.status()) {
        case QUEUED -> Outcome.applied(cur.with(Status.CANCELLED, cur.attempts(), cur.owner(), cur.node(), true, now,
            cur.startedAt(), now, c.error()));
        case RUNNING -> cur.cancelRequested() ? Outcome.unchanged(cur)
            : Outcome.applied(cur.with(Status.RUNNING, cur.attempts(), cur.owner(), cur.node(), true, now,
                cur.startedAt(), null, null));
        default -> Outcome.unchanged(cur);
      };
    }
    if (t instanceof Transition.Delete d) {
      if (cur.deleted()) return Outcome.unchanged(cur);
      RequestRecord r = cur.status().terminal() ? cur : apply(cur, new Transition.Cancel(d.cancelError(), now)).record();
      return Outcome.applied(r.asDeleted(now));
    }
    if (t instanceof Transition.Takeover k) {
      if (cur.status().terminal()) return Outcome.refused(cur, "already " + cur.status().wire());
      if (!Objects.equals(cur.owner(), k.deadOwner())) return Outcome.refused(cur, "held by another member");
      if (cur.cancelRequested()) {
        return Outcome.applied(cur.with(Status.CANCELLED, cur.attempts(), k.newOwner(), k.newNode(), true, now,
            cur.startedAt(), now, k.cancelError()));
      }
      return Outcome.applied(cur.with(Status.QUEUED, cur.attempts(), k.newOwner(), k.newNode(), false, now,
          cur.startedAt(), null, null));
    }
    if (t instanceof Transition.Locate l) {
      return Outcome.applied(cur.withKafka(l.partition(), l.offset(), now));
    }
    if (t instanceof Transition.AnswerSpilled a) {
      return Outcome.applied(cur.withAnswerRef(a.ref(), now));
    }
    throw new IllegalArgumentException("unknown transition " + t.getClass().getSimpleName());
  }
}
