package dev.clawbus.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenClaw's provider block for a running clawbus, built from clawbus's {@code GET /v1/models} answer (vLLM's list with
 * its {@code max_model_len}). No I/O: {@link OpenClawConfigCommand} fetches the list and prints the result.
 *
 * <p>The shape follows OpenClaw's config schema ({@code models.providers.<id>}: {@code baseUrl}, {@code apiKey},
 * {@code api}, {@code models[]} with {@code id}, {@code name}, {@code reasoning}, {@code input}, {@code cost},
 * {@code contextWindow}, {@code maxTokens}; the agent's model is {@code agents.defaults.model.primary} as
 * {@code provider/model}). Both objects are strict there, so nothing else is written.
 */
final class OpenClawConfig {
  /** The APIs clawbus serves: {@code POST /v1/chat/completions} and {@code POST /v1/responses}. */
  static final List<String> APIS = List.of("openai-completions", "openai-responses");
  static final String DEFAULT_PROVIDER = "clawbus";
  /** Output budget per turn at most this; a coding agent's turn rarely needs more, and it is charged up front. */
  static final int MAX_TOKENS_CAP = 32_768;
  /** The key written when clawbus has no keys (it then accepts any; OpenClaw's SDK wants a non-empty one). */
  static final String NO_KEY = "clawbus-local";

  /**
   * What to build.
   *
   * @param rootUrl  clawbus's URL without {@code /v1} (see {@link #rootUrl})
   * @param apiKey   the tenant key, or empty when clawbus has no keys
   * @param primary  the agent's model with {@code full}; empty = the first model clawbus lists
   */
  record Options(String rootUrl, String apiKey, String provider, String api, boolean full, String primary) {}

  /** The JSON to print, and notes for stderr (never part of the JSON). */
  record Result(JsonObject json, List<String> notes) {}

  private OpenClawConfig() {}

  /**
   * The {@code maxTokens} of a model with this context window: a quarter of the window, at most 32,768. OpenClaw sends
   * it as {@code max_completion_tokens} on every turn while its prompt (a ~50k-character system prompt, ~10 KB of
   * tools, then the growing history) takes the rest of the window, so three quarters stay for the prompt; and clawbus
   * charges a request's {@code max_tokens} against the tenant's {@code tpm} and the fair queue until vLLM reports the
   * real usage, so an oversized value delays everyone. (clawbus also clamps {@code max_tokens} to what the window has
   * left, so a turn never fails with vLLM's context-length 400.)
   */
  static int maxTokens(int contextWindow) {
    return Math.max(1, Math.min(MAX_TOKENS_CAP, contextWindow / 4));
  }

  /**
   * {@code url} as clawbus's root: trailing slashes and a trailing {@code /v1} removed. Throws
   * IllegalArgumentException (a one-line message) for anything but an http(s) URL with a host.
   */
  static String rootUrl(String url) {
    String u = url.trim();
    URI uri;
    try {
      uri = URI.create(u);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--url must be an http(s) URL like http://127.0.0.1:8003, got '" + url + "'");
    }
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("--url must be an http(s) URL like http://127.0.0.1:8003, got '" + url + "'");
    }
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    if (u.endsWith("/v1")) u = u.substring(0, u.length() - 3);
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    return u;
  }

  /**
   * The provider block ({@code {"models":{"providers":{NAME:{...}}}}}), plus the agent's primary model when
   * {@code full}. Throws IllegalArgumentException (one line) when the list has no models or {@code primary} is not
   * among them.
   */
  static Result build(JsonObject modelList, Options o) {
    JsonArray data = modelList.getJsonArray("data", new JsonArray());
    List<String> notes = new ArrayList<>();
    JsonArray models = new JsonArray();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      JsonObject m = data.getValue(i) instanceof JsonObject j ? j : null;
      String id = m == null ? null : m.getValue("id") instanceof String s ? s : null;
      if (id == null || id.isBlank()) continue;
      ids.add(id);
      JsonObject entry = new JsonObject().put("id", id).put("name", id + " via clawbus").put("reasoning", false)
          .put("input", new JsonArray().add("text"))
          .put("cost", new JsonObject().put("input", 0).put("output", 0).put("cacheRead", 0).put("cacheWrite", 0));
      Object len = m.getValue("max_model_len");
      if (len instanceof Number n && n.longValue() > 0 && n.longValue() <= Integer.MAX_VALUE) {
        entry.put("contextWindow", n.intValue()).put("maxTokens", maxTokens(n.intValue()));
      } else {
        notes.add("model " + id + ": clawbus did not report its max_model_len, so contextWindow and maxTokens are left "
            + "out; set them by hand (or set max_model_len for it in clawbus's config file)");
      }
      models.add(entry);
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(o.rootUrl() + " lists no models: vLLM is not reachable from clawbus and its "
          + "config file names none (see " + o.rootUrl() + "/readyz)");
    }
    String primary = o.primary() == null || o.primary().isBlank() ? ids.get(0) : o.primary();
    if (!ids.contains(primary)) {
      throw new IllegalArgumentException("--model " + primary + " is not served by " + o.rootUrl() + " (it serves "
          + String.join(", ", ids) + ")");
    }
    JsonObject provider = new JsonObject().put("baseUrl", o.rootUrl() + "/v1")
        .put("apiKey", o.apiKey() == null || o.apiKey().isEmpty() ? NO_KEY : o.apiKey())
        .put("api", o.api()).put("models", models);
    JsonObject json = new JsonObject().put("models",
        new JsonObject().put("providers", new JsonObject().put(o.provider(), provider)));
    if (o.full()) {
      json.put("agents", new JsonObject().put("defaults", new JsonObject().put("model",
          new JsonObject().put("primary", o.provider() + "/" + primary))));
    }
    String host = URI.create(o.rootUrl()).getHost();
    if (!isLoopback(host)) {
      notes.add("OpenClaw versions that guard private networks refuse a LAN or tailnet address for a custom provider "
          + "unless it also has \"request\": {\"allowPrivateNetwork\": true}");
    }
    return new Result(json, notes);
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
  }
}
