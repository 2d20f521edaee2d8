package dev.clawbus.infra.journal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.contract.EventBatch;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Topics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The response journal and request states of the cluster, in Hazelcast maps (with a backup on another
 * member) and appended to Kafka {@link Topics#EVENTS} so a lone node can rebuild them after a restart.
 * Journal entries are batches keyed {@code <id>#<n>}; see {@link JournalWriter} for how they are made.
 */
public final class Journal {
  public static final String BATCHES = "clawbus.journal";
  public static final String STATES = "clawbus.state";
  /** Batches are read this many keys at a time until one is missing. */
  private static final int READ_STRIDE = 32;

  private final Vertx vertx;
  private final IMap<String, String> batches;
  private final IMap<String, String> states;
  private final KafkaEventLog kafka;
  private final long retentionMillis;

  public Journal(Vertx vertx, HazelcastInstance hz, KafkaProducer<String, String> kafka, Duration retention) {
    this.vertx = vertx;
    this.batches = hz.getMap(BATCHES);
    this.states = hz.getMap(STATES);
    this.kafka = kafka == null ? null : new KafkaEventLog(vertx, kafka);
    this.retentionMillis = retention.toMillis();
  }

  static String key(String id, int batch) {
    return id + "#" + batch;
  }

  private <T> Future<T> onContext(CompletionStage<T> cs) {
    Context ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(cs, ctx);
  }

  /** A writer for a response, continuing after what is already recorded (nothing, for a new one). */
  public JournalWriter writer(String id, Recorded existing, int existingBatches, String replyTo) {
    return new JournalWriter(this, id, existing.lastSeq() + 1, existingBatches, existing.raw().length(), replyTo);
  }

  /** Stores one batch; resolves when it is in Hazelcast (and its backup). */
  Future<Void> storeBatch(String id, int n, JsonObject batch) {
    String text = batch.encode();
    if (kafka != null) {
      kafka.batch(id, n, text);
    }
    return onContext(batches.setAsync(key(id, n), text, retentionMillis, TimeUnit.MILLISECONDS));
  }

  /** Sends stored events to the ingress instance that holds the request's client. */
  void deliver(String replyTo, String id, List<StreamEvent> events) {
    vertx.eventBus().send(replyTo, new EventBatch(id, events).encode());
  }

  public Future<Void> putState(JsonObject state) {
    state.put(RequestState.UPDATED_AT, System.currentTimeMillis());
    String id = state.getString(RequestState.ID);
    if (kafka != null) {
      kafka.state(id, state);
    }
    return onContext(states.setAsync(id, state.encode(), retentionMillis, TimeUnit.MILLISECONDS));
  }

  /** The request's state, or null when clawbus does not know it (never seen, or expired). */
  public Future<JsonObject> state(String id) {
    return onContext(states.getAsync(id)).map(s -> s == null ? null : new JsonObject(s));
  }

  /** Everything recorded for {@code id}, in order. Blocking map reads run off the event loop. */
  public Future<Recorded> read(String id) {
    return readWithCount(id).map(r -> r.recorded);
  }

  /** What {@link #read} returns plus how many batches it came from (where a resumed writer continues). */
  public record Read(Recorded recorded, int batches) {
    public static final Read EMPTY = new Read(new Recorded(List.of(), ""), 0);
  }

  public Future<Read> readWithCount(String id) {
    // Most reads are of a request that has just been queued and has no batch yet. One async get of
    // batch #0 says so without a worker thread; the strided getAll below fans out to ~32 partitions
    // and, once per request, used to fill the worker pool and cap a node at ~60 requests/s.
    return readFrom(id, 0);
  }

  /**
   * What is recorded from batch {@code from} on ({@code raw} then holds only those batches' text), and
   * the batch count: how a follower polls for what is new.
   */
  public Future<Read> readFrom(String id, int from) {
    return onContext(batches.getAsync(key(id, from))).compose(first -> first == null
        ? Future.succeededFuture(new Read(new Recorded(new ArrayList<>(), ""), from))
        : readAll(id, from));
  }

  private Future<Read> readAll(String id, int from) {
    return vertx.executeBlocking(() -> {
      List<StreamEvent> events = new ArrayList<>();
      StringBuilder raw = new StringBuilder();
      int n = from;
      while (true) {
        Set<String> keys = new HashSet<>();
        for (int i = n; i < n + READ_STRIDE; i++) keys.add(key(id, i));
        Map<String, String> found = batches.getAll(keys);
        int i = n;
        for (; i < n + READ_STRIDE; i++) {
          String b = found.get(key(id, i));
          if (b == null) break;
          JsonObject batch = new JsonObject(b);
          for (Object e : batch.getJsonArray("e", new JsonArray())) events.add(StreamEvent.decode((String) e));
          Integer cut = batch.getInteger("rt");
          if (cut != null && cut <= raw.length()) raw.setLength(cut);
          raw.append(batch.getString("r", ""));
        }
        if (i < n + READ_STRIDE) {
          return new Read(new Recorded(events, raw.toString()), i);
        }
        n = i;
      }
    }, false);
  }

  /**
   * Puts a record of {@link Topics#EVENTS} back into the maps: how a lone node that restarted rebuilds
   * what it knew. Later records of the same key win, as they did when written.
   */
  public void restore(String id, JsonObject record) {
    if (record.containsKey("state")) {
      states.set(id, record.getJsonObject("state").encode(), retentionMillis, TimeUnit.MILLISECONDS);
    } else if (record.containsKey("batches")) {
      for (Object o : record.getJsonArray("batches")) {
        JsonObject b = (JsonObject) o;
        batches.set(key(id, b.getInteger("n")), b.getJsonObject("data").encode(), retentionMillis,
            TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Sends what the Kafka copy still holds back; call when the owning verticle stops. */
  public void close() {
    if (kafka != null) kafka.close();
  }

  public boolean isEmpty() {
    return states.isEmpty();
  }
}
