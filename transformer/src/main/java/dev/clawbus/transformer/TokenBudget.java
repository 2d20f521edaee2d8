package dev.clawbus.transformer;

import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * Clamps {@code max_tokens} so prompt + output fits the model's context window: OpenClaw sends the
 * model's whole configured maxTokens, which vLLM refuses outright once the conversation grows. The
 * prompt is counted with vLLM's {@code /tokenize} only when it could matter (a token is at least one
 * character, so a short prompt needs no count); when {@code /tokenize} fails, an estimate is used.
 */
public final class TokenBudget {
  private static final long TOKENIZE_TIMEOUT_MILLIS = 2_000;
  /** Chat template and tool rendering add tokens the JSON length does not show. */
  private static final int TEMPLATE_OVERHEAD = 1_024;

  private final HttpClient client;
  private final VllmEndpoint endpoint;

  public TokenBudget(HttpClient client, VllmEndpoint endpoint) {
    this.client = client;
    this.endpoint = endpoint;
  }

  /** Resolves with the body, its {@code max_tokens} lowered when it would overflow {@code maxModelLen}. */
  public Future<JsonObject> clamp(JsonObject body, Integer maxModelLen) {
    Integer requested = body.getInteger("max_tokens");
    if (maxModelLen == null || requested == null) {
      return Future.succeededFuture(body);
    }
    int promptChars = promptChars(body);
    if ((long) promptChars + TEMPLATE_OVERHEAD + requested <= maxModelLen) {
      return Future.succeededFuture(body);
    }
    return countPrompt(body)
        .otherwise(err -> estimate(promptChars))
        .map(promptTokens -> {
          int available = maxModelLen - promptTokens;
          if (available >= 1 && requested > available) {
            body.put("max_tokens", available);
          }
          // available < 1: the prompt alone overflows; vLLM's own 400 says so precisely.
          return body;
        });
  }

  static int promptChars(JsonObject body) {
    int n = body.getJsonArray("messages").encode().length();
    Object tools = body.getValue("tools");
    return tools == null ? n : n + tools.toString().length();
  }

  /** Roughly 3 characters a token for code and English: errs towards a smaller max_tokens. */
  static int estimate(int chars) {
    return chars / 3 + TEMPLATE_OVERHEAD;
  }

  private Future<Integer> countPrompt(JsonObject body) {
    JsonObject req = new JsonObject()
        .put("model", body.getString("model"))
        .put("messages", body.getJsonArray("messages"))
        .put("add_generation_prompt", true);
    if (body.containsKey("tools")) req.put("tools", body.getValue("tools"));
    return client.request(endpoint.options(HttpMethod.POST, "/tokenize").setTimeout(TOKENIZE_TIMEOUT_MILLIS))
        .compose(r -> r.putHeader("content-type", "application/json").send(req.toBuffer()))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) throw new IllegalStateException("tokenize answered " + resp.statusCode());
          return b.toJsonObject().getInteger("count");
        }));
  }
}
