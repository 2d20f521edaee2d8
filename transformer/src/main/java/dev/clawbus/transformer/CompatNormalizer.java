package dev.clawbus.transformer;

import dev.clawbus.infra.config.ModelSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Rewrites a validated client request into what the backend vLLM accepts, per the model's compat
 * settings: OpenClaw sends fields and shapes (content-part arrays, the developer role,
 * {@code max_completion_tokens}, {@code store}, {@code strict} tools) that older vLLM rejects with 400.
 * The result always streams with usage: the pipeline streams internally whatever the client asked.
 */
public final class CompatNormalizer {
  private CompatNormalizer() {}

  public static JsonObject normalize(JsonObject client, ModelSettings s) {
    JsonObject body = client.copy();
    for (String field : s.dropFields()) {
      body.remove(field);
    }
    body.put("model", s.backendModel());
    if (s.maxCompletionTokensToMaxTokens() && body.containsKey("max_completion_tokens")) {
      Object v = body.remove("max_completion_tokens");
      if (!body.containsKey("max_tokens")) body.put("max_tokens", v);
    }
    JsonArray messages = body.getJsonArray("messages");
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      if (s.developerToSystem() && "developer".equals(m.getString("role"))) {
        m.put("role", "system");
      }
      if (s.contentArraysToString() && m.getValue("content") instanceof JsonArray parts) {
        String text = textOnly(parts);
        if (text != null) m.put("content", text);
      }
    }
    if (s.dropToolStrict() && body.getValue("tools") instanceof JsonArray tools) {
      for (int i = 0; i < tools.size(); i++) {
        JsonObject fn = tools.getJsonObject(i).getJsonObject("function");
        if (fn != null) fn.remove("strict");
      }
      if (tools.isEmpty()) {
        body.remove("tools");
        body.remove("tool_choice");
      }
    }
    body.put("stream", true);
    body.put("stream_options", new JsonObject().put("include_usage", true));
    return body;
  }

  /** The parts joined as vLLM's chat template would see them, or null when a part is not text (an image). */
  static String textOnly(JsonArray parts) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      JsonObject p = parts.getJsonObject(i);
      if (!"text".equals(p.getString("type")) && !"input_text".equals(p.getString("type"))) {
        return null;
      }
      if (i > 0) sb.append('\n');
      sb.append(p.getString("text", ""));
    }
    return sb.toString();
  }
}
