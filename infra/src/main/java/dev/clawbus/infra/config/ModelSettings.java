package dev.clawbus.infra.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.parser.ToolParsers;

/**
 * Per-model settings from the config file's {@code models} section. Defaults make OpenClaw's requests
 * work on a strict, older vLLM; each "compat" switch can be turned off for a backend that accepts the
 * field as is. {@code execNode} ({@code "exec": {"node": NAME}}): the node host that runs this model's
 * {@code exec} tool calls server-side (null: they go to the client), unless the tenant names its own.
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
    Set<String> dropFields,
    String execNode) {

  /** Fields OpenAI clients send that vLLM rejects or ignores badly. */
  public static final List<String> DEFAULT_DROP_FIELDS = List.of("store", "service_tier", "prompt_cache_key",
      "metadata", "safety_identifier", "user", "parallel_tool_calls", "modalities", "audio", "prediction",
      "web_search_options", "reasoning_effort", "verbosity");

  private static final Set<String> MODEL_KEYS = Set.of("parser", "reasoning", "backend_model", "max_model_len",
      "compat", "exec");
  private static final Set<String> COMPAT_KEYS = Set.of("content_arrays_to_string", "developer_to_system",
      "max_completion_tokens_to_max_tokens", "drop_tool_strict", "drop_fields", "keep_fields");
  private static final List<String> REASONING = List.of("split", "pass", "drop");

  /** Checks a tool-call parser name; a mistake names the option and the valid values in one line. */
  public static void checkParser(String where, String parser) {
    Set<String> known = ToolParsers.formats();
    if (!known.contains(parser)) {
      throw new ConfigException(where + ": unknown tool-call parser '" + parser + "'; valid: "
          + String.join(", ", new TreeSet<>(known)));
    }
  }

  /** Checks one entry of the config file's {@code models} section: keys, types and enumerated values. */
  public static void check(String name, JsonObject m) {
    String where = "models." + name;
    for (String k : m.fieldNames()) {
      if (!MODEL_KEYS.contains(k)) {
        throw new ConfigException(where + ": unknown key '" + k + "'; valid: " + String.join(", ",
            new TreeSet<>(MODEL_KEYS)));
      }
    }
    for (String k : List.of("parser", "reasoning", "backend_model")) {
      if (m.containsKey(k) && !(m.getValue(k) instanceof String)) {
        throw new ConfigException(where + "." + k + " must be a string");
      }
    }
    if (m.getValue("parser") instanceof String p) checkParser(where + ".parser", p);
    if (m.getValue("reasoning") instanceof String r && !REASONING.contains(r)) {
      throw new ConfigException(where + ".reasoning must be one of " + String.join(", ", REASONING) + ", got '" + r
          + "'");
    }
    Object len = m.getValue("max_model_len");
    if (len != null && !(len instanceof Integer i && i > 0)) {
      throw new ConfigException(where + ".max_model_len must be a positive whole number");
    }
    Object compat = m.getValue("compat");
    if (compat != null && !(compat instanceof JsonObject)) {
      throw new ConfigException(where + ".compat must be an object");
    }
    if (compat instanceof JsonObject c) {
      for (String k : c.fieldNames()) {
        if (!COMPAT_KEYS.contains(k)) {
          throw new ConfigException(where + ".compat: unknown key '" + k + "'; valid: " + String.join(", ",
              new TreeSet<>(COMPAT_KEYS)));
        }
        Object v = c.getValue(k);
        boolean list = k.endsWith("_fields");
        if (list ? !(v instanceof JsonArray a && a.stream().allMatch(x -> x instanceof String))
            : !(v instanceof Boolean)) {
          throw new ConfigException(where + ".compat." + k + " must be " + (list ? "a list of field names"
              : "true or false"));
        }
      }
    }
    Object exec = m.getValue("exec");
    if (exec != null && !(exec instanceof JsonObject e && e.getValue("node") instanceof String)) {
      throw new ConfigException(where + ".exec must be {\"node\": \"NAME\"}");
    }
    if (exec instanceof JsonObject e) {
      for (String k : e.fieldNames()) {
        if (!k.equals("node")) throw new ConfigException(where + ".exec: unknown key '" + k + "'; valid: node");
      }
      if (!ExecRequest.NODE_NAME.matcher(e.getString("node")).matches()) {
        throw new ConfigException(where + ".exec.node must be a node name (1-63 letters, digits or . _ -), got '"
            + e.getString("node") + "'");
      }
    }
  }

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
        Set.copyOf(drop),
        m.getValue("exec") instanceof JsonObject e && e.getValue("node") instanceof String n ? n : null);
  }
}
