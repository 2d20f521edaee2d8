package dev.clawbus.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** A validated {@code /v1/chat/completions} body, with the checks vLLM makes before it generates. */
record ChatRequest(String model, JsonArray messages, JsonArray tools, boolean stream, boolean includeUsage,
    boolean continueFinal, boolean generationPrompt, Integer maxTokens) {

  /** Top-level fields of vLLM's ChatCompletionRequest (0.6–0.8 era); strict mode forbids anything else. */
  private static final Set<String> KNOWN_FIELDS = Set.of("model", "messages", "frequency_penalty", "logit_bias",
      "logprobs", "top_logprobs", "max_tokens", "n", "presence_penalty", "response_format", "seed", "stop",
      "stream", "stream_options", "temperature", "top_p", "tools", "tool_choice", "parallel_tool_calls", "user",
      "best_of", "use_beam_search", "top_k", "min_p", "repetition_penalty", "length_penalty", "stop_token_ids",
      "include_stop_str_in_output", "ignore_eos", "min_tokens", "skip_special_tokens",
      "spaces_between_special_tokens", "truncate_prompt_tokens", "prompt_logprobs", "echo",
      "add_generation_prompt", "continue_final_message", "add_special_tokens", "documents", "chat_template",
      "chat_template_kwargs", "mm_processor_kwargs", "guided_json", "guided_regex", "guided_choice",
      "guided_grammar", "guided_decoding_backend", "guided_whitespace_pattern", "priority", "request_id",
      "logits_processors", "return_tokens_as_token_ids");

  private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "developer");

  static ChatRequest of(JsonObject body, SimOptions options) {
    if (options.strict()) rejectNewerFields(body);
    Object model = body.getValue("model");
    String modelName = model == null ? options.model() : String.valueOf(model);
    if (!modelName.equals(options.model())) throw VllmError.modelNotFound(modelName);

    JsonArray messages = array(body, "messages");
    if (messages == null) throw VllmError.badRequest("[{'type': 'missing', 'loc': ('body', 'messages'), "
        + "'msg': 'Field required', 'input': null}]");
    if (messages.isEmpty()) throw VllmError.badRequest("messages must not be empty");
    for (int i = 0; i < messages.size(); i++) {
      if (!(messages.getValue(i) instanceof JsonObject m)) {
        throw VllmError.badRequest("messages[" + i + "] must be an object");
      }
      String role = m.getValue("role") instanceof String r ? r : null;
      if (role == null || !ROLES.contains(role)) {
        throw VllmError.badRequest("messages[" + i + "]: unknown role '" + m.getValue("role") + "'");
      }
      Object content = m.getValue("content");
      if (content != null && !(content instanceof String) && !(content instanceof JsonArray)) {
        throw VllmError.badRequest("messages[" + i + "].content must be a string or an array of content parts");
      }
    }
    JsonArray tools = array(body, "tools");
    boolean stream = bool(body, "stream", false);
    JsonObject streamOptions = body.getValue("stream_options") instanceof JsonObject o ? o : null;
    boolean includeUsage = stream && streamOptions != null && bool(streamOptions, "include_usage", false);
    boolean continueFinal = bool(body, "continue_final_message", false);
    // vLLM defaults add_generation_prompt to true, so a continuation must turn it off explicitly.
    boolean generationPrompt = bool(body, "add_generation_prompt", true);
    if (continueFinal && generationPrompt) {
      throw VllmError.badRequest("Cannot set both `continue_final_message` and `add_generation_prompt` to True.");
    }
    if (continueFinal && !"assistant".equals(messages.getJsonObject(messages.size() - 1).getString("role"))) {
      throw VllmError.badRequest("continue_final_message is set but the last message is not an assistant message.");
    }
    Integer maxTokens = integer(body, "max_tokens");
    if (maxTokens == null && !options.strict()) maxTokens = integer(body, "max_completion_tokens");
    if (maxTokens != null && maxTokens < 1) {
      throw VllmError.badRequest("max_tokens must be at least 1, got " + maxTokens + ".");
    }
    return new ChatRequest(modelName, messages, tools, stream, includeUsage, continueFinal, generationPrompt,
        maxTokens);
  }

  /** What older vLLM rejected from newer OpenAI clients (OpenClaw sends all of these). */
  private static void rejectNewerFields(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!KNOWN_FIELDS.contains(field)) {
        throw VllmError.extraForbidden("'" + field + "'", pyRepr(body.getValue(field)));
      }
    }
    JsonArray messages = body.getValue("messages") instanceof JsonArray a ? a : new JsonArray();
    for (int i = 0; i < messages.size(); i++) {
      if (!(messages.getValue(i) instanceof JsonObject m)) continue;
      if ("developer".equals(m.getValue("role"))) {
        throw VllmError.badRequest("[{'type': 'literal_error', 'loc': ('body', 'messages', " + i + ", 'role'), "
            + "'msg': \"Input should be 'system', 'user', 'assistant' or 'tool'\", 'input': 'developer'}]");
      }
      if (m.getValue("content") instanceof JsonArray) {
        throw VllmError.badRequest("[{'type': 'string_type', 'loc': ('body', 'messages', " + i + ", 'content'), "
            + "'msg': 'Input should be a valid string', 'input': [...]}]");
      }
    }
    JsonArray tools = body.getValue("tools") instanceof JsonArray a ? a : new JsonArray();
    for (int i = 0; i < tools.size(); i++) {
      if (tools.getValue(i) instanceof JsonObject t && t.getValue("function") instanceof JsonObject f
          && f.containsKey("strict")) {
        throw VllmError.extraForbidden("'tools', " + i + ", 'function', 'strict'", pyRepr(f.getValue("strict")));
      }
    }
  }

  private static String pyRepr(Object v) {
    if (v instanceof Boolean b) return b ? "True" : "False";
    if (v == null) return "None";
    if (v instanceof String s) return "'" + s + "'";
    return String.valueOf(v);
  }

  private static JsonArray array(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) return null;
    if (v instanceof JsonArray a) return a;
    throw VllmError.badRequest(key + " must be an array");
  }

  private static boolean bool(JsonObject body, String key, boolean dflt) {
    Object v = body.getValue(key);
    if (v == null) return dflt;
    if (v instanceof Boolean b) return b;
    throw VllmError.badRequest(key + " must be a boolean");
  }

  private static Integer integer(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) return null;
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) return n.intValue();
    throw VllmError.badRequest(key + " must be an integer");
  }
}
