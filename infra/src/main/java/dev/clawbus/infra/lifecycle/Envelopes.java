package dev.clawbus.infra.lifecycle;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.kafka.RecordFetcher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A request's envelope read back by any node of the cluster, for as long as its record exists: what the client
 * asked, normalised, and for the Responses API what its answer is rendered with ({@code apiRequest}). A durable
 * request's envelope is in Kafka {@link Topics#REQUESTS} at the position its record notes ({@link Transition.Locate},
 * applied the moment Kafka acknowledges it); without durability, the envelopes that are read again later (the
 * Responses API's) are {@link #keep kept} in Hazelcast for the journal's retention. The envelopes a node read last
 * are cached on it, up to {@link #CACHE_CHARS} characters: a client polling a response costs one Kafka read.
 */
public final class Envelopes {
  public static final String MAP = "clawbus.envelopes";
  /** Characters of envelope text a node caches. */
  static final long CACHE_CHARS = 8L * 1024 * 1024;
  /** How long a lookup waits for a durable request's record to note its Kafka position. */
  static final long LOCATE_WAIT_MILLIS = 10_000;
  private static final long LOCATE_POLL_MILLIS = 20;

  private final Vertx vertx;
  private final RequestStore store;
  private final RecordFetcher kafka;
  private final IMap<String, String> kept;
  private final long retentionMillis;
  private final Cache cache = new Cache(CACHE_CHARS);

  /** @param kafka reads {@link Topics#REQUESTS} back (null without Kafka) */
  public Envelopes(Vertx vertx, HazelcastInstance hz, RequestStore store, RecordFetcher kafka, Duration retention) {
    this.vertx = vertx;
    this.store = store;
    this.kafka = kafka;
    this.kept = hz.getMap(MAP);
    this.retentionMillis = retention.toMillis();
  }

  /** Keeps an envelope that is not written to Kafka, for {@link #of} on any node; resolves once it is stored. */
  public Future<Void> keep(RequestEnvelope env) {
    return Future.fromCompletionStage(kept.setAsync(env.key(), env.encode(), retentionMillis, TimeUnit.MILLISECONDS),
        vertx.getOrCreateContext());
  }

  /**
   * The envelope of {@code record}; null when there is none any more. A durable request that was acknowledged a
   * moment ago may not have its position noted yet: the record is read again until it has, for a few seconds. (Each
   * node decides its own durability, so a node reads both ways.)
   */
  public Future<RequestEnvelope> of(RequestRecord record) {
    return of(record, System.currentTimeMillis() + LOCATE_WAIT_MILLIS);
  }

  private Future<RequestEnvelope> of(RequestRecord record, long deadline) {
    String key = record.key();
    String cached = cache.get(key);
    if (cached != null) return Future.succeededFuture(RequestEnvelope.decode(cached));
    if (kafka != null && record.kafkaPartition() != null && record.kafkaOffset() != null) {
      return kafka.fetch(record.kafkaPartition(), record.kafkaOffset()).map(text -> remember(key, text));
    }
    return Future.fromCompletionStage(kept.getAsync(key), vertx.getOrCreateContext()).compose(text -> {
      if (text != null) return Future.succeededFuture(remember(key, text));
      if (kafka == null || System.currentTimeMillis() > deadline) return Future.succeededFuture(null);
      return vertx.timer(LOCATE_POLL_MILLIS).compose(t -> store.get(key)).compose(r -> r == null
          ? Future.succeededFuture(null) : of(r, deadline));
    });
  }

  private RequestEnvelope remember(String key, String text) {
    RequestEnvelope env = RequestEnvelope.decode(text);
    cache.put(key, text);
    return env;
  }

  /** Least recently used first out, bounded by the characters it holds; shared by the node's verticles. */
  static final class Cache {
    private final long maxChars;
    private final LinkedHashMap<String, String> map = new LinkedHashMap<>(64, 0.75f, true);
    private long chars;

    Cache(long maxChars) {
      this.maxChars = maxChars;
    }

    synchronized String get(String key) {
      return map.get(key);
    }

    synchronized void put(String key, String text) {
      if (text.length() > maxChars) return;
      String old = map.put(key, text);
      chars += text.length() - (old == null ? 0 : old.length());
      Iterator<Map.Entry<String, String>> it = map.entrySet().iterator();
      while (chars > maxChars && it.hasNext()) {
        chars -= it.next().getValue().length();
        it.remove();
      }
    }

    synchronized long chars() {
      return chars;
    }

    synchronized int size() {
      return map.size();
    }
  }
}
