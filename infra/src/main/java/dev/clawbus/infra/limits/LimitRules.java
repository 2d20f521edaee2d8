package dev.clawbus.infra.limits;

import dev.clawbus.infra.limits.Admission.Outcome;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decisions of admission control, without I/O: a queue cap and two token buckets per key.
 *
 * <p>Buckets: the requests bucket holds up to {@code rpm} and refills at {@code rpm} per minute; the tokens bucket up
 * to {@code tpm} at {@code tpm} per minute. A request needs one request and its estimated tokens (prompt tokens +
 * max_tokens); both are taken at admission. When it finishes, {@link #settle} gives back the estimate and takes the
 * actual prompt + completion tokens, so an over-estimate is refunded and an under-estimate leaves a debt. A request
 * estimated at more than {@code tpm} can never pass and is refused as too large.
 *
 * <p>Headers follow OpenAI: {@code x-ratelimit-limit-*} the per-minute limit, {@code -remaining-*} the whole units in
 * the bucket, {@code -reset-*} the time until the bucket is full again, as a Go-style duration ({@code 1s},
 * {@code 6m0s}, {@code 20ms}).
 */
public final class LimitRules {
  /** When a queue is full: nothing tells when a place frees up, so clients are told to come back after this. */
  public static final long QUEUE_FULL_RETRY_MILLIS = 5_000;
  private static final double MINUTE = 60_000.0;

  private LimitRules() {}

  /**
   * Admits request {@code id} of cost {@code cost} tokens at {@code now}, or says why not; changes {@code s} only when
   * admitted. A request already in the queue set (a retry of the same id) is admitted again without a second charge.
   */
  public static Admission admit(LimitState s, Limits l, String id, long cost, long expiresAt, long now) {
    refill(s, l, now);
    prune(s, now);
    if (l.maxQueued() > 0 && s.queued.containsKey(id)) {
      return new Admission(Outcome.ADMITTED, 0, headers(s, l), null);
    }
    if (l.maxQueued() > 0 && s.queued.size() >= l.maxQueued()) {
      return refuse(s, l, Outcome.TENANT_QUEUE_FULL, QUEUE_FULL_RETRY_MILLIS,
          "Too many requests waiting: at most " + l.maxQueued() + " may wait at once. Please try again shortly.");
    }
    if (l.rpm() > 0 && s.requests < 1) {
      long wait = (long) Math.ceil((1 - s.requests) * MINUTE / l.rpm());
      return refuse(s, l, Outcome.REQUESTS_PER_MINUTE, wait, "Rate limit reached on requests per min (RPM): Limit "
          + l.rpm() + ", Remaining " + (long) Math.floor(s.requests) + ". Please try again in " + duration(wait) + ".");
    }
    if (l.tpm() > 0 && cost > l.tpm()) {
      return refuse(s, l, Outcome.TOO_LARGE, 60_000, "Request too large on tokens per min (TPM): Limit " + l.tpm()
          + ", Requested " + cost + ". Send fewer prompt tokens or a smaller max_tokens.");
    }
    if (l.tpm() > 0 && s.tokens < cost) {
      long wait = (long) Math.ceil((cost - s.tokens) * MINUTE / l.tpm());
      return refuse(s, l, Outcome.TOKENS_PER_MINUTE, wait, "Rate limit reached on tokens per min (TPM): Limit "
          + l.tpm() + ", Remaining " + (long) Math.max(0, Math.floor(s.tokens)) + ", Requested " + cost
          + ". Please try again in " + duration(wait) + ".");
    }
    if (l.rpm() > 0) s.requests -= 1;
    if (l.tpm() > 0) s.tokens -= cost;
    if (l.maxQueued() > 0) s.queued.put(id, expiresAt);
    return new Admission(Outcome.ADMITTED, 0, headers(s, l), null);
  }

  /** The request left the queue (it started, was cancelled, or failed before it ran). */
  public static boolean leave(LimitState s, String id) {
    return s.queued.remove(id) != null;
  }

  /** A request finished: its estimate is given back and its actual tokens taken (tpm only). */
  public static void settle(LimitState s, Limits l, long estimated, long actual, long now) {
    refill(s, l, now);
    if (l.tpm() > 0) s.tokens = Math.min(l.tpm(), s.tokens + estimated - actual);
  }

  /** The headers as they stand, for an answer that did not go through admission. */
  public static Map<String, String> peek(LimitState s, Limits l, long now) {
    refill(s, l, now);
    return headers(s, l);
  }

  static void refill(LimitState s, Limits l, long now) {
    if (s.refilledAt < 0) {
      s.requests = l.rpm();
      s.tokens = l.tpm();
      s.refilledAt = now;
      return;
    }
    long elapsed = Math.max(0, now - s.refilledAt); // a member whose clock is behind refills nothing
    s.requests = Math.min(l.rpm(), s.requests + elapsed * l.rpm() / MINUTE);
    s.tokens = Math.min(l.tpm(), s.tokens + elapsed * l.tpm() / MINUTE);
    s.refilledAt = Math.max(s.refilledAt, now);
  }

  private static void prune(LimitState s, long now) {
    s.queued.values().removeIf(expiresAt -> expiresAt <= now);
  }

  private static Admission refuse(LimitState s, Limits l, Outcome why, long retryAfterMillis, String message) {
    return new Admission(why, retryAfterMillis, headers(s, l), message);
  }

  static Map<String, String> headers(LimitState s, Limits l) {
    if (!l.rateLimited()) return Map.of();
    Map<String, String> h = new LinkedHashMap<>();
    if (l.rpm() > 0) {
      h.put("x-ratelimit-limit-requests", Integer.toString(l.rpm()));
      h.put("x-ratelimit-remaining-requests", Long.toString((long) Math.max(0, Math.floor(s.requests))));
      h.put("x-ratelimit-reset-requests", duration((long) Math.ceil((l.rpm() - s.requests) * MINUTE / l.rpm())));
    }
    if (l.tpm() > 0) {
      h.put("x-ratelimit-limit-tokens", Long.toString(l.tpm()));
      h.put("x-ratelimit-remaining-tokens", Long.toString((long) Math.max(0, Math.floor(s.tokens))));
      h.put("x-ratelimit-reset-tokens", duration((long) Math.ceil((l.tpm() - s.tokens) * MINUTE / l.tpm())));
    }
    return Collections.unmodifiableMap(h);
  }

  /** A duration as OpenAI writes it (Go's format, to the millisecond): {@code 0s}, {@code 20ms}, {@code 1.5s}, {@code 6m0s}, {@code 1h2m3s}. */
  public static String duration(long millis) {
    if (millis <= 0) return "0s";
    if (millis < 1000) return millis + "ms";
    long h = millis / 3_600_000;
    long m = millis / 60_000 % 60;
    long ms = millis % 60_000;
    String sec = ms % 1000 == 0 ? Long.toString(ms / 1000)
        : (ms / 1000 + "." + String.format("%03d", ms % 1000)).replaceAll("0+$", "");
    StringBuilder sb = new StringBuilder();
    if (h > 0) sb.append(h).append('h');
    if (h > 0 || m > 0) sb.append(m).append('m');
    return sb.append(sec).append('s').toString();
  }
}
