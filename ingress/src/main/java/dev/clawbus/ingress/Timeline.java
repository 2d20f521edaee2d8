package dev.clawbus.ingress;

import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * A request's timeline, folded from its records in Kafka {@code clawbus.events} in the order they were written:
 * each state change of its record ({@code received}, {@code queued}, {@code durable}, {@code started},
 * {@code requeued}, {@code cancel_requested}, {@code done}, {@code failed}, {@code cancelled}), each timeline event as
 * it was written ({@code attempt_failed}, {@code continued}, {@code takeover}, {@code vllm_back}, {@code exec},
 * {@code replayed}, …), and {@code output} when its first events for clients (keepalives, the answer or an error)
 * were journaled. Each entry is
 * {@code {"at","kind","node","detail"}}, plus {@code status}, {@code attempts} and {@code error} for state changes.
 * Pure: what {@code GET /admin/requests/{id}/timeline} answers, {@code clawbus inspect} prints and the dashboard
 * shows.
 */
final class Timeline {
  /** One record of the request's key: when Kafka got it, and what it is. */
  record Entry(long timestamp, EventLogRecord record) {}

  private final JsonArray events = new JsonArray();
  private RequestRecord last;
  private boolean output;

  static Timeline of(List<Entry> entries) {
    Timeline t = new Timeline();
    for (Entry e : entries) t.add(e);
    return t;
  }

  /** The entries, in order. */
  JsonArray events() {
    return events;
  }

  /** The request's record as the last state change left it (null: none was read). */
  RequestRecord last() {
    return last;
  }

  private void add(Entry e) {
    if (e.record() instanceof EventLogRecord.State s) {
      state(s.record());
    } else if (e.record() instanceof EventLogRecord.Timeline t) {
      events.add(event(t.event().at(), t.event().kind(), t.event().node(), t.event().detail()));
    } else if (e.record() instanceof EventLogRecord.Batches b && !output) {
      output = true;
      // When the first batch was journaled; records of earlier versions say only when they were written (the flush).
      long at = b.batches().isEmpty() || b.batches().get(0).at() <= 0 ? e.timestamp() : b.batches().get(0).at();
      events.add(event(at, "output", last == null ? null : last.node(), "first events for its clients journaled"));
    }
  }

  private void state(RequestRecord r) {
    RequestRecord prev = last;
    last = r;
    if (prev == null) {
      events.add(event(r.receivedAt(), "received", r.node(), received(r)));
    }
    // Durable may arrive in the same write as a status change (the dispatcher started before the ack was read, or
    // the ack came before the first record was written): it is shown before the change, after the arrival.
    boolean durable = r.kafkaPartition() != null
        && (prev == null || !Objects.equals(prev.kafkaPartition(), r.kafkaPartition()));
    if (durable && prev != null) events.add(durableEvent(r));
    if (prev == null || prev.status() != r.status()) {
      String kind = switch (r.status()) {
        case QUEUED -> prev == null ? "queued" : "requeued";
        case RUNNING -> "started";
        default -> r.status().wire();
      };
      events.add(stateEvent(r, kind, detail(r, prev)));
      if (durable && prev == null) events.add(durableEvent(r));
    } else if (r.cancelRequested() && !prev.cancelRequested()) {
      events.add(stateEvent(r, "cancel_requested", "noted while it ran on " + r.node()));
    }
  }

  private static JsonObject durableEvent(RequestRecord r) {
    return stateEvent(r, "durable", "in clawbus.requests, partition " + r.kafkaPartition() + " offset "
        + r.kafkaOffset());
  }

  private static String received(RequestRecord r) {
    StringBuilder sb = new StringBuilder().append(r.api().wire()).append(' ').append(r.model())
        .append(r.stream() ? ", streaming" : ", not streaming");
    if (r.replayOf() != null) sb.append(", replay of ").append(r.replayOf());
    return sb.toString();
  }

  private static String detail(RequestRecord r, RequestRecord prev) {
    return switch (r.status()) {
      case QUEUED -> prev == null ? "held by " + r.node() : "back in the queue, held by " + r.node();
      case RUNNING -> "run " + r.attempts() + " on " + r.node();
      case DONE -> r.completionTokens() == null ? "answered"
          : "answered: " + (r.promptTokens() == null ? "?" : r.promptTokens()) + " prompt + "
              + r.completionTokens() + " completion tokens";
      case FAILED, CANCELLED -> r.error() == null ? r.status().wire()
          : (r.error().code() == null ? "" : r.error().code() + ": ") + r.error().message();
    };
  }

  private static JsonObject stateEvent(RequestRecord r, String kind, String detail) {
    JsonObject j = event(r.updatedAt(), kind, r.node(), detail).put("status", r.status().wire())
        .put("attempts", r.attempts());
    if (r.error() != null && r.status() != Status.RUNNING) j.put("error", r.error().toJson());
    return j;
  }

  private static JsonObject event(long at, String kind, String node, String detail) {
    return new JsonObject().put("at", at).put("kind", kind).put("node", node).put("detail", detail);
  }
}
