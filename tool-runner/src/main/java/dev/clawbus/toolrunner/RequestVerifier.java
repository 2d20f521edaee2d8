package dev.clawbus.toolrunner;

import dev.clawbus.infra.contract.exec.ExecRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The node's gate: a request runs only if its signature is valid, its timestamp within {@code maxSkew} of the node's
 * clock, it is addressed to this node, and its nonce has not been seen. Nonces are remembered for as long as their
 * timestamps could pass (2 × maxSkew), at most {@code maxNonces} of them: when that many valid requests arrived within
 * the window, further ones are refused rather than forgetting a nonce that could still be replayed. The signature is
 * checked first, so requests from anyone without the secret never touch the nonce memory. I/O-free; thread-safe.
 */
public final class RequestVerifier {
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofSeconds(60);
  public static final int DEFAULT_MAX_NONCES = 100_000;

  private record Seen(String nonce, long expiresAt) {}

  private final ExecSigner signer;
  private final String nodeName;
  private final Clock clock;
  private final long maxSkewMs;
  private final int maxNonces;
  private final Set<String> nonces = new HashSet<>();
  private final ArrayDeque<Seen> byExpiry = new ArrayDeque<>();

  public RequestVerifier(ExecSigner signer, String nodeName, Clock clock, Duration maxSkew, int maxNonces) {
    this.signer = signer;
    this.nodeName = nodeName;
    this.clock = clock;
    this.maxSkewMs = maxSkew.toMillis();
    this.maxNonces = maxNonces;
  }

  /** Null if the request may run; otherwise why not (for the caller and the audit, never containing the secret). */
  public synchronized String reject(ExecRequest r) {
    if (r.signature() == null || r.nonce() == null) {
      return "the request is not signed";
    }
    if (!signer.signatureValid(r)) {
      return "the request's signature is not valid (do serve and this node use the same exec secret file?)";
    }
    long now = clock.millis();
    long skew = Math.abs(now - r.issuedAt());
    if (skew > maxSkewMs) {
      return "the request was signed " + skew / 1000 + " s " + (r.issuedAt() < now ? "ago" : "in the future")
          + " (more than " + maxSkewMs / 1000 + " s off this node's clock; are the clocks synchronised?)";
    }
    if (!nodeName.equals(r.node())) {
      return "the request is for node '" + r.node() + "', not '" + nodeName + "'";
    }
    forgetExpired(now);
    if (nonces.contains(r.nonce())) {
      return "the request was already received once (replayed nonce)";
    }
    if (nonces.size() >= maxNonces) {
      return "too many signed requests within " + 2 * maxSkewMs / 1000 + " s; retry later";
    }
    nonces.add(r.nonce());
    // Expiry in arrival order is monotonic enough: every nonce stays at least until its own window has passed.
    byExpiry.addLast(new Seen(r.nonce(), Math.max(now, r.issuedAt()) + maxSkewMs + 1));
    return null;
  }

  private void forgetExpired(long now) {
    while (!byExpiry.isEmpty() && byExpiry.peekFirst().expiresAt() < now) {
      nonces.remove(byExpiry.removeFirst().nonce());
    }
  }

  synchronized int remembered() {
    return nonces.size();
  }
}
