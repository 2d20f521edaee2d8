package dev.clawbus.ingress;

import dev.clawbus.infra.contract.CompactAnswer;
import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.journal.Journal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a request's events to one client in sequence order, each exactly once. The client that submitted the
 * request gets them live from its ingress instance ({@link LiveRequests}), and the journal is read whenever
 * nothing arrived for {@link #LIVE_CHECK_MILLIS} (an ending written by someone other than the run — a cancel
 * while queued — or a batch the bus lost); a client that attaches to an existing request, or resumes one, reads
 * the journal and then polls it for what is new until the answer ends. Polling costs a resumed client up to
 * {@link #POLL_MILLIS} of latency and spares every request a cluster-wide subscription.
 *
 * <p>Flow control: when the client's socket takes no more, the follower stops pushing and drops what arrives
 * live (the journal has it); when the socket drains it reads the journal from where the client is, at most
 * {@link #STEP_CHARS} of event data from at most {@link #CATCH_UP_BATCHES} batches at a time (what comes before
 * the client or after that budget is walked over, not rebuilt), and goes live again once it has caught up. A client
 * that never reads costs its socket's buffers and nothing more; one that reads again gets the exact stream. A batch
 * goes to the
 * socket in slices of at most {@link #SLICE_CHARS} characters of event data, the socket checked after each: a batch
 * that is a whole long answer (a fast backend fills one while the previous write is in flight) must not land in the
 * socket's write queue at once, where a client that stops reading would keep it in memory; what is left of it is
 * read again from the journal when the socket drains.
 */
final class EventFollower {
  private static final Logger LOG = LoggerFactory.getLogger(EventFollower.class);
  static final long POLL_MILLIS = 100;
  static final long LIVE_CHECK_MILLIS = 1_000;
  static final int CATCH_UP_BATCHES = 16;
  /**
   * One read of the journal brings at most about this much event data (a few slices): a client that reads slowly
   * through a long answer, or catches up after a pause, has only what it can take rebuilt from the compact journal,
   * not the rest of the answer again at every drain.
   */
  static final int STEP_CHARS = 128 * 1024;
  /**
   * At most this much event data goes to the client's socket before the follower looks whether it is full. Small,
   * because "full" in Vert.x 5 ({@code writeQueueFull}) counts writes, not bytes: once Netty's buffer is past its
   * high-water mark, Vert.x queues 16 more writes (on the heap) before it says full. A client that does not read
   * holds at most about 17 slices there (~300 KB), where 128 K slices let each hold ~2.4 MB.
   */
  static final int SLICE_CHARS = 16 * 1024;
  /** The largest slice handed to a client's socket in one write (all followers of the process; for tests). */
  static final java.util.concurrent.atomic.AtomicLong LARGEST_SLICE = new java.util.concurrent.atomic.AtomicLong();
  /** Nothing new in memory for this long: look in the archive too (the answer may have left memory). */
  static final long ARCHIVE_CHECK_MILLIS = 5_000;
  /** How often a client's socket was full and the follower stopped pushing (all followers of the process). */
  static final java.util.concurrent.atomic.AtomicLong PAUSES = new java.util.concurrent.atomic.AtomicLong();
  /** While paused, how often the follower looks whether the socket drained without telling it. */
  static final long DRAIN_CHECK_MILLIS = 1_000;
  /** Pauses ended by that look rather than by the socket's drain event (all followers of the process). */
  static final java.util.concurrent.atomic.AtomicLong UNSIGNALLED_DRAINS = new java.util.concurrent.atomic.AtomicLong();

  private final Vertx vertx;
  private final Journal journal;
  private final String key;
  private final ResponseSink sink;
  private final Promise<Void> ended = Promise.promise();
  private long last;
  private int nextBatch;
  private long timer = -1;
  private long drainCheck = -1;
  private long lastActivity = System.currentTimeMillis();
  private boolean reading;
  private boolean polling;
  private boolean paused;
  private boolean held;
  private boolean catchingUp;
  private boolean missedLive;
  private boolean checkingArchive;
  /** The archive's answer was cut short by a full socket: read it again as soon as the socket drains. */
  private boolean archiveCut;
  /** The compact form of an answer that left memory, held while the client reads it (null: not read from there). */
  private byte[] archived;
  private boolean archiveQueued;
  private long lastArchiveCheck;
  private boolean closed;
  private Runnable onClose = () -> {};

  /** @param after deliver only events with a greater sequence number (-1: from the start) */
  EventFollower(Vertx vertx, Journal journal, String key, long after, ResponseSink sink) {
    this.vertx = vertx;
    this.journal = journal;
    this.key = key;
    this.last = after;
    this.sink = sink;
  }

  /** Reads the journal from the start, then polls it until a terminal event; resolves when done. */
  Future<Void> follow() {
    polling = true;
    read(POLL_MILLIS);
    return ended.future();
  }

  /**
   * Events that arrive live before {@link #live} are left to the journal: for a sink that can only be opened with the
   * transformer's reply (a Responses answer needs the response's context).
   */
  EventFollower hold() {
    held = true;
    return this;
  }

  /** Events arrive live ({@link #deliver}); the journal is read only when they stop coming for a while. */
  EventFollower live() {
    held = false;
    if (missedLive) catchUp();
    if (!closed && timer < 0) timer = vertx.setTimer(LIVE_CHECK_MILLIS, t -> checkLive());
    return this;
  }

  private void checkLive() {
    timer = -1;
    if (closed) return;
    if (System.currentTimeMillis() - lastActivity >= LIVE_CHECK_MILLIS) {
      catchUp();
    }
    if (!closed && timer < 0) timer = vertx.setTimer(LIVE_CHECK_MILLIS, t -> checkLive());
  }

  /**
   * One read of what is new in the journal (a bounded step); then again at once if there was more, else in
   * {@code againMillis} (negative: not again). While the client's socket is full, reading waits for it to drain.
   */
  private void read(long againMillis) {
    if (closed || reading || paused) return;
    reading = true;
    step(more -> {
      reading = false;
      if (closed || againMillis < 0 || paused) return;
      long delay = more ? 0 : againMillis;
      timer = vertx.setTimer(Math.max(1, delay), t -> {
        timer = -1;
        read(againMillis);
      });
    });
  }

  /**
   * Reads the next bounded step of the journal after where the client is and delivers it; tells {@code then}
   * whether there was more to read (when not, the answer may have left memory: the archive is checked).
   */
  private void step(java.util.function.Consumer<Boolean> then) {
    int from = nextBatch;
    journal.eventsFrom(key, from, last, CATCH_UP_BATCHES, STEP_CHARS).onComplete(ar -> {
      boolean more = false;
      if (!closed && ar.succeeded()) {
        Journal.Slice slice = ar.result();
        more = slice.nextBatch() > nextBatch || slice.more();
        nextBatch = Math.max(nextBatch, slice.nextBatch());
        if (!deliverAll(slice.events())) {
          nextBatch = Math.min(nextBatch, from); // cut short by a full socket: the rest is read again
        } else if (!more) {
          checkArchive();
        }
      } else if (ar.failed()) {
        LOG.warn("journal of {} unreadable: {}", key, ar.cause().toString());
      }
      then.accept(more);
    });
  }

  /** A journal batch that arrived live. */
  void deliver(EventBatch batch) {
    lastActivity = System.currentTimeMillis();
    if (closed) return;
    if (paused || catchingUp || held) {
      missedLive = true; // the journal has it: read from there when the client can take more
      return;
    }
    List<StreamEvent> events = batch.events();
    int from = 0;
    while (from < events.size() && events.get(from).seq() <= last) from++;
    if (from < events.size() && events.get(from).seq() > last + 1) {
      catchUp(); // something in between did not arrive live: the journal has it, in order
      return;
    }
    int before = nextBatch;
    nextBatch = Math.max(nextBatch, batch.batch() + 1);
    if (!deliverAll(events)) nextBatch = Math.min(before, batch.batch()); // the rest is read again from the journal
  }

  /** Reads the journal from where the client is, in bounded steps, until nothing is new: then live again. */
  private void catchUp() {
    if (closed || paused || catchingUp) return;
    catchingUp = true;
    missedLive = false;
    step(more -> {
      catchingUp = false;
      if (!closed && !paused && (more || missedLive)) catchUp();
    });
  }

  /**
   * Nothing new in memory for a while: the answer may have ended and left memory (a client that stopped reading
   * for longer than the memory tail, or resumes late). Its compact form is fetched from the archive once and held
   * while the client reads it, a slice at a time.
   */
  private void checkArchive() {
    long now = System.currentTimeMillis();
    // A follower that found nothing at all in memory looks at once (an old answer being read back); one that
    // has been following looks only after a quiet while.
    boolean firstLook = lastArchiveCheck == 0 && nextBatch == 0;
    if (closed || checkingArchive || (!firstLook && !archiveCut && (now - lastActivity < ARCHIVE_CHECK_MILLIS
        || now - lastArchiveCheck < ARCHIVE_CHECK_MILLIS))) {
      return;
    }
    lastArchiveCheck = now;
    if (archived != null) {
      if (!archiveQueued) deliverArchived();
      return;
    }
    checkingArchive = true;
    journal.archived(key).onComplete(ar -> {
      checkingArchive = false;
      if (closed || ar.failed() || ar.result() == null) return;
      archived = ar.result();
      deliverArchived();
    });
  }

  /**
   * The next slice of the archived answer after where the client is; the next one after it on the event loop's next
   * turn, until the socket is full (then again when it drains) or the answer's end went out (the follower closes).
   */
  private void deliverArchived() {
    if (closed || paused) return;
    List<StreamEvent> slice = new ArrayList<>();
    boolean whole = CompactAnswer.eventsAfter(archived, 0, last, STEP_CHARS, slice);
    boolean delivered = deliverAll(slice);
    archiveCut = !delivered || !whole; // something is left: the next look goes straight on from the held answer
    if (delivered && !whole && !closed && !archiveQueued) {
      archiveQueued = true;
      vertx.runOnContext(v -> {
        archiveQueued = false;
        deliverArchived();
      });
    }
  }

  /**
   * The socket is full: push nothing until it drains, then continue from the journal. The drain event is the
   * signal; a check every {@link #DRAIN_CHECK_MILLIS} is the safety net, so that a drain event that never comes
   * costs a client at most that long instead of its whole answer (counted in {@link #UNSIGNALLED_DRAINS}).
   */
  private void pause() {
    paused = true;
    PAUSES.incrementAndGet();
    sink.onDrain(this::resume);
    if (drainCheck < 0) drainCheck = vertx.setTimer(DRAIN_CHECK_MILLIS, t -> checkDrain());
  }

  private void checkDrain() {
    drainCheck = -1;
    if (closed || !paused) return;
    if (sink.full()) {
      drainCheck = vertx.setTimer(DRAIN_CHECK_MILLIS, t -> checkDrain());
      return;
    }
    UNSIGNALLED_DRAINS.incrementAndGet();
    LOG.warn("request {}: the client's socket drained without a drain event; resuming", key);
    resume();
  }

  private void resume() {
    if (!paused) return;
    paused = false;
    if (closed) return;
    if (polling) {
      read(POLL_MILLIS);
    } else {
      catchUp();
    }
  }

  /**
   * Events of the request, live or from the journal, in order: those at or before the cursor are dropped, the
   * rest go to the client in slices of at most {@link #SLICE_CHARS}, until the socket is full.
   *
   * @return false when the socket filled before the last of them went out (the cursor is at the last one sent)
   */
  boolean deliverAll(List<StreamEvent> events) {
    if (closed) return true;
    int from = 0;
    while (from < events.size() && events.get(from).seq() <= last) from++;
    if (from == events.size()) return true;
    if (events.get(from).seq() > last + 1) {
      LOG.warn("request {}: events {}..{} missing from the journal", key, last + 1, events.get(from).seq() - 1);
    }
    while (from < events.size()) {
      int to = from;
      long chars = 0;
      while (to < events.size() && (to == from || chars + events.get(to).data().length() <= SLICE_CHARS)) {
        chars += events.get(to).data().length();
        to++;
      }
      if (chars > LARGEST_SLICE.get()) LARGEST_SLICE.accumulateAndGet(chars, Math::max); // a read, rarely a write
      last = events.get(to - 1).seq();
      lastActivity = System.currentTimeMillis();
      if (sink.acceptAll(events.subList(from, to))) {
        close();
        return true;
      }
      from = to;
      if (sink.full()) {
        pause();
        return from == events.size();
      }
    }
    return true;
  }

  /** Everything up to the end was seen already (a resume after the terminal event). */
  boolean endedBefore(long terminalSeq) {
    return terminalSeq <= last;
  }

  /** Runs once when the follower closes (its answer ended or its client left). */
  EventFollower onClose(Runnable action) {
    this.onClose = action;
    return this;
  }

  long lastSeq() {
    return last;
  }

  void close() {
    if (closed) return;
    closed = true;
    if (timer >= 0) vertx.cancelTimer(timer);
    if (drainCheck >= 0) vertx.cancelTimer(drainCheck);
    sink.close();
    onClose.run();
    ended.tryComplete();
  }
}
