package dev.clawbus.infra.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Per-model settings from the config file's {@code models} section. Defaults make OpenClaw's requests
 * work on a strict, older vLLM; each "compat" switch can be turned off for a backend that accepts the
 * field as is.
 */
public record ModelSettings(
    String name,
    String backendModel,
    String parser,
    String reasoning,
    Integer maxModelLen,
    boolean contentArraysToString,
    boolean developerToSystem,
    boolean maxCompletionTokensToMaxTokens,
    boolean dropToolStrict,
    Set<String> dropFields) {

  /** Fields OpenAI clients send that vLLM rejects or ignores badly. */
  public static final List<String> DEFAULT_DROP_FIELDS = List.of("store", "service_tier", "prompt_cache_key",
      "metadata", "safety_identifier", "user", "parallel_tool_calls", "modalities", "audio", "prediction",
      "web_search_options", "reasoning_effort", "verbosity");

  public static ModelSettings of(String name, JsonObject m, String defaultParser) {
    JsonObject compat = m.getJsonObject("compat", new JsonObject());
    Set<String> drop = new LinkedHashSet<>(DEFAULT_DROP_FIELDS);
    JsonArray extra = compat.getJsonArray("drop_fields");
    if (extra != null) extra.forEach(f -> drop.add(String.valueOf(f)));
    JsonArray keep = compat.getJsonArray("keep_fields");
    if (keep != null) keep.forEach(f -> drop.remove(String.valueOf(f)));
    String reasoning = m.getString("reasoning", "split");
    if (!Set.of("split", "pass", "drop").contains(reasoning)) {
      throw new ConfigException("models." + name + ".reasoning must be split, pass or drop, got '" + reasoning + "'");
    }
    return new ModelSettings(name,
        m.getString("backend_model", name),
        m.getString("parser", defaultParser),
        reasoning,
        m.getInteger("max_model_len"),
        compat.getBoolean("content_arrays_to_string", true),
        compat.getBoolean("developer_to_system", true),
        compat.getBoolean("max_completion_tokens_to_max_tokens", true),
        compat.getBoolean("drop_tool_strict", true),
        Set.copyOf(drop));
  }
}
