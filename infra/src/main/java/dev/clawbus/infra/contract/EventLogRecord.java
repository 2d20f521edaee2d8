package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A record of Kafka {@link Topics#EVENTS}, keyed by the request's key: the durable history of a request that a
 * lone node rebuilds its memory from after a restart, and that operators read as the request's timeline. One of:
 * <ul>
 *   <li>{@code {"state": RequestRecord}}: every change of the request's record;</li>
 *   <li>{@code {"batches":[{"n":N,"data":"<base64 JournalBatch>","at":T}…]}}: journal batches, coalesced per request
 *       ({@code at}: when the batch was journaled, epoch milliseconds; absent in records of earlier versions);</li>
 *   <li>{@code {"timeline":{"at","kind","node","detail"}}}: what happened that is not a state change (an attempt
 *       failed, a continuation, a takeover, an exec step);</li>
 *   <li>{@code {"answer":"<base64 CompactAnswer>"}}: a finished answer, written once when it ends; after the
 *       journal's memory tail it is read back from here. Always a record of its own: its position is its
 *       reference ({@code partition:offset}).</li>
 *   <li>{@code {"group":[record, record…]}}: several of the above of one request, in the order they happened
 *       (the {@link dev.clawbus.infra.journal.EventLog} writes a request's changes behind, one record per request
 *       per flush). {@link #decodeAll} reads any record as the list of what it holds.</li>
 * </ul>
 */
public sealed interface EventLogRecord {
  String encode();

  record State(RequestRecord record) implements EventLogRecord {
    public String encode() {
      return "{\"state\":" + record.encode() + "}";
    }
  }

  record Batches(List<Numbered> batches) implements EventLogRecord {
    public String encode() {
      StringBuilder sb = new StringBuilder("{\"batches\":[");
      for (int i = 0; i < batches.size(); i++) {
        if (i > 0) sb.append(',');
        Numbered b = batches.get(i);
        sb.append("{\"n\":").append(b.n()).append(",\"data\":\"").append(b.base64()).append('"');
        if (b.at() > 0) sb.append(",\"at\":").append(b.at());
        sb.append('}');
      }
      return sb.append("]}").toString();
    }
  }

  /**
   * Batch {@code n} of a request, as {@link JournalBatch#toText}, journaled at {@code at} (epoch milliseconds; 0 when
   * not known: records of earlier versions).
   */
  record Numbered(int n, String base64, long at) {
    public Numbered(int n, String base64) {
      this(n, base64, 0);
    }
  }

  record Timeline(TimelineEvent event) implements EventLogRecord {
    public String encode() {
      return new JsonObject().put("timeline", event.toJson()).encode();
    }
  }

  /** A finished answer as base64 of {@link CompactAnswer#encode}. */
  record Answer(String compact) implements EventLogRecord {
    public String encode() {
      return new JsonObject().put("answer", compact).encode();
    }
  }

  /** Several records of one request, oldest first; never nested, never an {@link Answer}. */
  record Group(List<EventLogRecord> records) implements EventLogRecord {
    public Group {
      for (EventLogRecord r : records) {
        if (r instanceof Group || r instanceof Answer) {
          throw new IllegalArgumentException("a group holds states, batches and timeline events only");
        }
      }
    }

    public String encode() {
      StringBuilder sb = new StringBuilder("{\"group\":[");
      for (int i = 0; i < records.size(); i++) {
        if (i > 0) sb.append(',');
        sb.append(records.get(i).encode());
      }
      return sb.append("]}").toString();
    }
  }

  /** IllegalArgumentException when the text is none of the forms. */
  static EventLogRecord decode(String text) {
    return decode(parse(text));
  }

  /**
   * What a record holds, oldest first: the records of a {@link Group}, or the record itself. IllegalArgumentException
   * when the text (or a member of its group) is none of the forms.
   */
  static List<EventLogRecord> decodeAll(String text) {
    EventLogRecord r = decode(text);
    return r instanceof Group g ? g.records() : List.of(r);
  }

  private static JsonObject parse(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not JSON");
    }
  }

  private static EventLogRecord decode(JsonObject j) {
    try {
      if (j.getValue("group") instanceof JsonArray g) {
        List<EventLogRecord> out = new ArrayList<>(g.size());
        for (int i = 0; i < g.size(); i++) out.add(decode(g.getJsonObject(i)));
        return new Group(out);
      }
      if (j.getValue("state") instanceof JsonObject s) return new State(RequestRecord.fromJson(s));
      if (j.getValue("batches") instanceof JsonArray a) {
        List<Numbered> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
          JsonObject b = a.getJsonObject(i);
          out.add(new Numbered(b.getInteger("n"), b.getString("data"), b.getLong("at", 0L)));
        }
        return new Batches(out);
      }
      if (j.getValue("timeline") instanceof JsonObject t) return new Timeline(TimelineEvent.fromJson(t));
      if (j.getValue("answer") instanceof String s) return new Answer(s);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed events record");
    }
    throw new IllegalArgumentException("unknown events record");
  }
}
