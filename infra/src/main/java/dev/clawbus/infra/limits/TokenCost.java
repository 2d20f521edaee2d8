package dev.clawbus.infra.limits;

import io.vertx.core.json.JsonObject;

/**
 * What a request costs in tokens, for tpm limits and the fair queue. At admission nothing is tokenised yet, so the
 * estimate is the request body's size at {@value #CHARS_PER_TOKEN} bytes a token (JSON syntax and tool schemas
 * included: it errs high, and the excess is refunded) plus the most it may generate ({@code max_completion_tokens},
 * else {@code max_tokens}, else the given default, e.g. the model's context length). When the request ends, the
 * actual cost is vLLM's {@code usage.prompt_tokens + usage.completion_tokens}.
 */
public final class TokenCost {
  public static final int CHARS_PER_TOKEN = 3;

  private TokenCost() {}

  /** The estimate for a body of {@code bodyBytes} bytes that may generate {@code maxTokens}. */
  public static long estimate(long bodyBytes, long maxTokens) {
    return Math.max(1, (Math.max(0, bodyBytes) + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + Math.max(0, maxTokens));
  }

  /** {@code max_completion_tokens}, else {@code max_tokens}, else {@code dflt} (a value that is not a number too). */
  public static long maxTokens(JsonObject body, long dflt) {
    for (String f : new String[] {"max_completion_tokens", "max_tokens"}) {
      Object v = body.getValue(f);
      if (v instanceof Number n && n.longValue() > 0) return n.longValue();
    }
    return dflt;
  }

  public static long actual(long promptTokens, long completionTokens) {
    return Math.max(0, promptTokens) + Math.max(0, completionTokens);
  }
}
