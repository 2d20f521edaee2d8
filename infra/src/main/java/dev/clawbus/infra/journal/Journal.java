package dev.clawbus.infra.journal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.contract.CompactAnswer;
import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Topics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * The response journal of the cluster: each response's client-visible events and raw model text, as compact
 * {@link JournalBatch}es in a Hazelcast map (with a backup on another member) keyed {@code <request key>#<n>},
 * copied to Kafka {@link Topics#EVENTS} by the node's {@link EventLog}. {@link JournalWriter} makes the batches.
 *
 * <p>Memory does not grow with retention × throughput: a running answer's batches stay in Hazelcast, and once it
 * has ended its whole answer is written to Kafka once ({@link #spill}) and its batches are kept only for the
 * memory tail ({@code --journal-memory-seconds}); after that, reads of the answer — a resume, a replay,
 * {@code GET /v1/requests/{id}} — come from Kafka through the {@link Archive}, for the whole retention.
 */
public final class Journal {
  public static final String BATCHES = "clawbus.journal";
  /** Batches are read this many keys at a time until one is missing. */
  private static final int READ_STRIDE = 32;

  /**
   * Where a finished answer is read back from once its batches left memory: its {@link CompactAnswer} form, null
   * when it is not archived.
   */
  public interface Archive {
    Future<byte[]> fetch(String key);
  }

  private final Vertx vertx;
  private final IMap<String, byte[]> batches;
  private final TtlSetter ttl;
  private final EventLog log;
  private final long retentionMillis;
  private final IntConsumer onStored;
  private Archive archive = key -> Future.succeededFuture(null);

  public Journal(Vertx vertx, HazelcastInstance hz, EventLog log, Duration retention) {
    this(vertx, hz, log, retention, n -> {});
  }

  /** @param onStored told how many events each stored batch held (the journal-entries metric) */
  public Journal(Vertx vertx, HazelcastInstance hz, EventLog log, Duration retention, IntConsumer onStored) {
    this.vertx = vertx;
    this.batches = hz.getMap(BATCHES);
    this.ttl = new TtlSetter(batches, vertx.getOrCreateContext());
    this.log = log;
    this.retentionMillis = retention.toMillis();
    this.onStored = onStored;
  }

  /** Where answers that left memory are read back from. */
  public Journal archive(Archive a) {
    this.archive = a;
    return this;
  }

  static String batchKey(String key, int batch) {
    return key + "#" + batch;
  }

  private <T> Future<T> onContext(CompletionStage<T> cs) {
    Context ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(cs, ctx);
  }

  /**
   * A writer for a response, continuing after what is already recorded ({@link Read#EMPTY} for a new one).
   *
   * @param replyTo where the client's ingress instance listens (null: nobody is waiting)
   * @param gate    nothing is written or shown before this completes (the request is durable in Kafka and this
   *                node holds it); a failed gate drops everything
   */
  public JournalWriter writer(String key, Read existing, String replyTo, Future<Void> gate) {
    Recorded r = existing.recorded();
    return new JournalWriter(this, key, r.lastSeq() + 1, existing.batches(), r.raw().length(), replyTo, gate);
  }

  /**
   * Stores one batch; resolves when it is in Hazelcast (and its backup). A batch with tool-loop steps also waits for
   * Kafka to acknowledge its copy, so a step survives the restart of a lone node too (other batches are copied
   * behind, coalesced).
   */
  Future<Void> storeBatch(String key, int n, JournalBatch batch) {
    return storeBatch(key, n, batch, batch.encode());
  }

  /** As {@link #storeBatch(String, int, JournalBatch)}, with the batch already encoded ({@code bytes}). */
  Future<Void> storeBatch(String key, int n, JournalBatch batch, byte[] bytes) {
    Future<Void> copied = Future.succeededFuture();
    if (log != null) {
      if (batch.steps().isEmpty()) {
        log.batch(key, n, bytes);
      } else {
        copied = onContext(log.batchAcknowledged(key, n, bytes));
      }
    }
    onStored.accept(batch.events().size());
    Future<Void> stored = onContext(batches.setAsync(batchKey(key, n), bytes, retentionMillis, TimeUnit.MILLISECONDS));
    return batch.steps().isEmpty() ? stored : Future.all(stored, copied).mapEmpty();
  }

  /** Sends stored events to the ingress instance that holds the request's client. */
  void deliver(String replyTo, String key, int batch, List<StreamEvent> events) {
    vertx.eventBus().send(replyTo, new EventBatch(key, batch, events).encode());
  }

  /**
   * What is recorded of one response, and how many batches it came from (where a writer continues).
   * {@link #ARCHIVED} as the count means the answer came whole from the archive: nothing more will come.
   */
  public record Read(Recorded recorded, int batches) {
    public static final Read EMPTY = new Read(new Recorded(List.of(), ""), 0);
    public static final int ARCHIVED = Integer.MAX_VALUE;
  }

  /** Everything recorded for {@code key}, in order: from memory, or from the archive once it left memory. */
  public Future<Read> read(String key) {
    return readFrom(key, 0).compose(r -> r.batches() > 0 ? Future.succeededFuture(r)
        : archive.fetch(key).map(a -> a == null ? r : new Read(CompactAnswer.decode(a), Read.ARCHIVED)));
  }

  /**
   * The compact form of an answer that left memory, as archived (null while its batches are still in memory, or
   * when it is not archived): what a follower reads an old answer from, a slice at a time
   * ({@link CompactAnswer#eventsAfter}), instead of the whole answer decoded.
   */
  public Future<byte[]> archived(String key) {
    return onContext(batches.getAsync(batchKey(key, 0))).compose(first -> first != null
        ? Future.succeededFuture(null) : archive.fetch(key));
  }

  /**
   * What is recorded from batch {@code from} on ({@code raw} then holds only those batches' text), and the
   * batch count (where a writer continues). Only memory; followers read {@link #eventsFrom} instead.
   */
  public Future<Read> readFrom(String key, int from) {
    if (from == Read.ARCHIVED) return Future.succeededFuture(new Read(new Recorded(List.of(), ""), from));
    // Most reads find nothing new: one async get says so without a worker thread; the strided getAll below
    // fans out to many partitions and runs on a worker.
    return onContext(batches.getAsync(batchKey(key, from))).compose(first -> first == null
        ? Future.succeededFuture(new Read(new Recorded(new ArrayList<>(), ""), from))
        : readAll(key, from, first));
  }

  /**
   * A slice of what is recorded for a follower: events after a sequence number, from at most a few batches and up to
   * a character budget. {@code nextBatch}: where to read next (the batch the budget stopped in, when it did).
   * {@code more}: the budget stopped the read (more is stored right there).
   */
  public record Slice(List<StreamEvent> events, int nextBatch, boolean more) {}

  /**
   * The events after {@code afterSeq} from batch {@code from} on: at most {@code maxBatches} batches, and no more
   * events than reach {@code maxChars} of data. Events at or before {@code afterSeq} and those past the budget are
   * walked over, not rebuilt: a client that reads slowly through a long answer costs what it reads. Only memory.
   */
  public Future<Slice> eventsFrom(String key, int from, long afterSeq, int maxBatches, int maxChars) {
    if (from == Read.ARCHIVED) return Future.succeededFuture(new Slice(List.of(), from, false));
    return onContext(batches.getAsync(batchKey(key, from))).compose(first -> first == null
        ? Future.succeededFuture(new Slice(List.of(), from, false))
        : vertx.executeBlocking(() -> {
          List<StreamEvent> events = new ArrayList<>();
          List<byte[]> found = batchBytes(key, from, first, maxBatches);
          int n = from;
          long chars = 0;
          for (byte[] bytes : found) {
            int before = events.size();
            boolean whole = JournalBatch.eventsAfter(bytes, afterSeq, (int) Math.max(1, maxChars - chars), events);
            for (int i = before; i < events.size(); i++) chars += events.get(i).data().length();
            if (!whole) return new Slice(events, n, true);
            n++;
            if (chars >= maxChars) break;
          }
          return new Slice(events, n, false);
        }, false));
  }

  private Future<Read> readAll(String key, int from, byte[] first) {
    return vertx.executeBlocking(() -> {
      List<byte[]> found = batchBytes(key, from, first, Integer.MAX_VALUE);
      return new Read(JournalBatch.recorded(found), from + found.size());
    }, false);
  }

  /**
   * The stored bytes of consecutive batches from {@code from} on, at most {@code maxBatches}, until one is missing
   * (blocking: on a worker). {@code first}: batch {@code from}'s bytes when already read, else null.
   */
  private List<byte[]> batchBytes(String key, int from, byte[] first, int maxBatches) {
    List<byte[]> out = new ArrayList<>();
    int n = from;
    if (first != null) {
      out.add(first);
      n++;
    }
    long limit = (long) from + maxBatches;
    while (n < limit) {
      int stride = (int) Math.min(READ_STRIDE, limit - n);
      Set<String> keys = new HashSet<>();
      for (int i = n; i < n + stride; i++) keys.add(batchKey(key, i));
      Map<String, byte[]> found = batches.getAll(keys);
      for (int i = n; i < n + stride; i++) {
        byte[] bytes = found.get(batchKey(key, i));
        if (bytes == null) return out;
        out.add(bytes);
      }
      n += stride;
    }
    return out;
  }

  /**
   * An answer has ended: it is written to Kafka whole, once (resolving with its position there, {@code
   * partition:offset}, for the request's record), and its batches stay in memory only for {@code tail} more.
   * Resolves with null when there is no Kafka to archive to (the batches then keep their retention).
   *
   * @param stored the answer's batches as its writer stored them ({@link JournalWriter#stored}), so they need not be
   *     read back from the map; null to read them
   */
  public Future<String> spill(String key, Duration tail, List<byte[]> stored) {
    if (log == null || !log.enabled()) return Future.succeededFuture(null);
    // The batches are joined as they are stored (compact already), not decoded into every token's chunk JSON and
    // encoded again: an answer's end costs its bytes, not three renderings of each of its events. Reading them back
    // (a getAll over every partition they are spread on) cost as many operations as the answer's writes: an answer
    // whose writer kept them is joined from those copies, on the event loop (a paced answer is ~200 small arrays).
    Future<Spilled> joined = stored != null && !stored.isEmpty()
        ? Future.succeededFuture(new Spilled(JournalBatch.answerOf(stored), stored.size()))
        : vertx.executeBlocking(() -> {
          List<byte[]> found = batchBytes(key, 0, null, Integer.MAX_VALUE);
          return found.isEmpty() ? null : new Spilled(JournalBatch.answerOf(found), found.size());
        }, false);
    return joined.compose(s -> s == null ? Future.succeededFuture(null)
        : Future.fromCompletionStage(log.answer(key, s.compact()), vertx.getOrCreateContext())
            .compose(ref -> expire(key, s.batches(), tail).map(ref)));
  }

  private record Spilled(byte[] compact, int batches) {}

  /**
   * Gives an answer's batches the memory tail (backups included), without a thread waiting on each: the node's
   * {@link TtlSetter} issues them a group at a time; resolves once, on the caller's context, when all are done.
   * Other ways were measured (bench/README.md, fifth and ninth sessions): a blocking {@code setTtl} per batch on a
   * worker (a third of the node's thread wakes), all of an answer's at once (a later median first token), one entry
   * processor on all the keys (Hazelcast runs it as an operation per partition: 19.5 against 6.9 ms of Hazelcast CPU
   * per paced answer in the run measured), and the batches in their request's partition with one operation (less
   * CPU, but a later median first token).
   */
  Future<Void> expire(String key, int count, Duration tail) {
    List<String> keys = new ArrayList<>(count);
    for (int n = 0; n < count; n++) keys.add(batchKey(key, n));
    return onContext(ttl.setAll(keys, tail.toMillis()));
  }

  /**
   * Ends a response that nobody runs with an error event (a queued request cancelled, or taken over with a
   * cancel noted): clients waiting on it get the terminal event. Only for a request no run holds: the caller
   * has just moved it to a terminal status.
   *
   * @param endedAt when the request ended (epoch milliseconds; the time its record finished at), carried by the event
   *     so every reader shows the same time; null when unknown
   */
  public Future<Void> endWithError(String key, int status, String errorJson, Long endedAt) {
    return readFrom(key, 0).compose(r -> {
      if (r.recorded().terminal()) return Future.succeededFuture();
      JournalBatch b = new JournalBatch(List.of(StreamEvent.error(r.recorded().lastSeq() + 1, status, errorJson,
          endedAt == null ? 0 : endedAt)), "", -1);
      return storeBatch(key, r.batches(), b);
    });
  }

  /**
   * Drops a finished response's batches from memory at once (its client deleted it). A copy archived in Kafka stays
   * until Kafka's own retention removes it, but is no longer read: lookups refuse the deleted record first.
   */
  public Future<Void> forget(String key) {
    return vertx.executeBlocking(() -> {
      for (int n = 0; batches.remove(batchKey(key, n)) != null; n++) {
        // next batch
      }
      return null;
    }, false);
  }

  /** Puts a batch back as it was (rebuilding a lone node's memory from Kafka). */
  public void restore(String key, int n, byte[] batch) {
    batches.set(batchKey(key, n), batch, retentionMillis, TimeUnit.MILLISECONDS);
  }
}
