package dev.clawbus.transformer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request bodies (their hashes) this node accepted lately. A new request is handed to the dispatcher before its
 * dedupe claim is made, so that vLLM is called at once; a body this node saw within the dedupe window is likely a
 * retry that the claim will attach to an earlier request, so it is claimed first instead and vLLM never hears of it.
 * Bounded: the oldest hashes go first. I/O-free, not thread-safe (the transformer's context).
 */
final class RecentBodies {
  private final int capacity;
  private final Map<String, Long> seen;

  RecentBodies(int capacity) {
    this.capacity = capacity;
    this.seen = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > RecentBodies.this.capacity;
      }
    };
  }

  /** Notes {@code hash} at {@code now}; whether it was noted before within {@code windowMillis}. */
  boolean seenWithin(String hash, long now, long windowMillis) {
    Long before = seen.put(hash, now); // access order: a sighting makes it the newest
    return before != null && now - before < windowMillis;
  }

  int size() {
    return seen.size();
  }
}
