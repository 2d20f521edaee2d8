package dev.clawbus.infra.limits;

import dev.clawbus.infra.contract.OpenAiError;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of admission control for one request: admitted or not, why, when to retry, and the OpenAI rate-limit
 * headers ({@code x-ratelimit-*}) that go on the answer whatever it is, for a tenant with rpm or tpm.
 */
public record Admission(Outcome outcome, long retryAfterMillis, Map<String, String> headers, String message)
    implements Serializable {

  public enum Outcome {
    ADMITTED, TENANT_QUEUE_FULL, QUEUE_FULL, REQUESTS_PER_MINUTE, TOKENS_PER_MINUTE, TOO_LARGE
  }

  private static final Admission OPEN = new Admission(Outcome.ADMITTED, 0, Map.of(), null);

  /** Admitted, no limits apply, no headers. */
  public static Admission unlimited() {
    return OPEN;
  }

  public boolean admitted() {
    return outcome == Outcome.ADMITTED;
  }

  /** {@code Retry-After} in whole seconds, at least 1 (only meaningful when not admitted). */
  public int retryAfterSeconds() {
    return (int) Math.max(1, (retryAfterMillis + 999) / 1000);
  }

  /**
   * Headers to set on the HTTP answer: the rate-limit headers, plus {@code Retry-After} when refused. The
   * same headers go on every answer to a limited tenant, 200 or 429.
   */
  public Map<String, String> responseHeaders() {
    if (admitted()) return headers;
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("retry-after", Integer.toString(retryAfterSeconds()));
    return Collections.unmodifiableMap(h);
  }

  /** The 429 in OpenAI's error shape ({@code type} requests or tokens as OpenAI sends it; queue limits say so). */
  public OpenAiError error() {
    if (admitted()) throw new IllegalStateException("admitted");
    String type = switch (outcome) {
      case TOKENS_PER_MINUTE, TOO_LARGE -> "tokens";
      case REQUESTS_PER_MINUTE -> "requests";
      default -> "rate_limit_error";
    };
    String code = switch (outcome) {
      case TENANT_QUEUE_FULL, QUEUE_FULL -> "queue_full";
      default -> "rate_limit_exceeded";
    };
    return new OpenAiError(429, type, code, null, message);
  }
}
