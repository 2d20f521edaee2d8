package dev.clawbus.infra.journal;

import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Write-ahead journal of one response with group commit: at most one batch write is in flight; events
 * that arrive meanwhile form the next batch. An event reaches clients only after its batch is stored,
 * so a node that takes over never re-sends a sequence number with different content. Latency is one
 * map write; under load batches grow by themselves instead of writes queueing up.
 * Not thread-safe: used from the owning verticle's context.
 */
public final class JournalWriter {
  private final Journal journal;
  private final String id;
  /** The ingress instance that holds the client, or null when none does (a replay-only request). */
  private final String replyTo;
  private long nextSeq;
  private int nextBatch;
  private List<StreamEvent> pending = new ArrayList<>();
  private StringBuilder pendingRaw = new StringBuilder();
  private boolean writing;
  private int truncateTo = -1;
  /** Length of the whole raw text as recorded: batches written plus what is pending. */
  private int rawLength;

  JournalWriter(Journal journal, String id, long nextSeq, int nextBatch, int rawLength, String replyTo) {
    this.replyTo = replyTo;
    this.rawLength = rawLength;
    this.journal = journal;
    this.id = id;
    this.nextSeq = nextSeq;
    this.nextBatch = nextBatch;
  }

  /** The sequence number the next event must carry. */
  public long nextSeq() {
    return nextSeq;
  }

  /** Raw model text generated since the last call; stored with the next batch. */
  public void appendRaw(CharSequence text) {
    pendingRaw.append(text);
    rawLength += text.length();
  }

  /**
   * The response's raw text is cut back to {@code length} (a continuation restarts before an unfinished
   * tool call); recorded with the next batch so a node that takes over continues from the same point.
   */
  public void truncateRaw(int length) {
    int flushed = rawLength - pendingRaw.length();
    if (length >= flushed) {
      pendingRaw.setLength(length - flushed);
    } else {
      pendingRaw.setLength(0);
      truncateTo = length;
    }
    rawLength = length;
  }

  public void append(StreamEvent e) {
    if (e.seq() != nextSeq) {
      throw new IllegalStateException("journal " + id + " expected seq " + nextSeq + " but got " + e.seq());
    }
    nextSeq++;
    pending.add(e);
    if (!writing) flush();
  }

  private void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<StreamEvent> batch = pending;
    String raw = pendingRaw.toString();
    int cut = truncateTo;
    truncateTo = -1;
    pending = new ArrayList<>();
    pendingRaw = new StringBuilder();
    JsonArray events = new JsonArray(new ArrayList<>(batch.size()));
    for (StreamEvent e : batch) events.add(e.encode());
    writing = true;
    JsonObject record = new JsonObject().put("e", events).put("r", raw);
    if (cut >= 0) record.put("rt", cut);
    journal.storeBatch(id, nextBatch++, record).onComplete(ar -> {
      // Delivered even if the store failed: the live client must not stall because Hazelcast did;
      // only a later takeover could then diverge, which is the lesser harm.
      if (replyTo != null) journal.deliver(replyTo, id, batch);
      writing = false;
      flush();
    });
  }
}
