package dev.clawbus.infra.limits;

import java.io.Serializable;
import java.util.HashMap;

/**
 * What the cluster keeps per limited tenant (one Hazelcast entry): two token buckets, requests and tokens, refilled
 * continuously at {@code limit / minute} up to {@code limit}, and the ids of the tenant's requests waiting for vLLM
 * with the time each stops counting (its deadline, so a request lost with a dead node does not hold a place forever).
 * Mutable; changed only by {@link LimitRules}, inside an entry processor.
 */
public final class LimitState implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Requests bucket level (may be fractional). */
  double requests;
  /** Tokens bucket level; negative when actual usage exceeded the estimate (a debt paid by the refill). */
  double tokens;
  /** When the buckets were last refilled (epoch ms); -1 = never (both full). */
  long refilledAt = -1;
  /** Queued request id → epoch ms after which it no longer counts. */
  final HashMap<String, Long> queued = new HashMap<>();

  public int queuedCount() {
    return queued.size();
  }

  public double requestsLevel() {
    return requests;
  }

  public double tokensLevel() {
    return tokens;
  }
}
