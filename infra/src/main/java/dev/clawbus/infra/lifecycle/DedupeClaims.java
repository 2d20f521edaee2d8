package dev.clawbus.infra.lifecycle;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dedupe window: an identical body from the same tenant within the window names the request that sent it
 * first (clients retry after errors). A claim is atomic where it lives, so two retries a few milliseconds apart
 * cannot both generate. Claims are keyed by a hash of the tenant and the body bytes.
 */
public final class DedupeClaims {
  public static final String MAP = "clawbus.dedupe";

  private final Vertx vertx;
  private final IMap<String, String> map;

  public DedupeClaims(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.map = hz.getMap(MAP);
  }

  /** Claims {@code hash} for {@code key} for {@code windowSeconds}; resolves with the earlier claimant, or null. */
  public Future<String> claim(String hash, String key, int windowSeconds) {
    return Future.fromCompletionStage(map.submitToKey(hash, new Claim(key, windowSeconds * 1000L, false)),
        vertx.getOrCreateContext());
  }

  /** Makes {@code key} the claimant whatever was there (the earlier one failed: a retry is a new attempt). */
  public Future<String> replace(String hash, String key, int windowSeconds) {
    return Future.fromCompletionStage(map.submitToKey(hash, new Claim(key, windowSeconds * 1000L, true)),
        vertx.getOrCreateContext());
  }

  static final class Claim implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final String key;
    private final long ttlMillis;
    private final boolean overwrite;

    Claim(String key, long ttlMillis, boolean overwrite) {
      this.key = key;
      this.ttlMillis = ttlMillis;
      this.overwrite = overwrite;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      String previous = entry.getValue();
      if (previous == null || overwrite) {
        ((ExtendedMapEntry<String, String>) entry).setValue(key, ttlMillis, TimeUnit.MILLISECONDS);
      }
      return previous;
    }
  }
}
