package dev.clawbus.responses;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Response contexts made the way the ingress will make them: from a translated request. */
final class Contexts {
  static final String REQUEST_ID = "req1";
  static final long CREATED = 1_760_000_000L;

  private Contexts() {}

  static JsonObject execTool() {
    return new JsonObject().put("type", "function").put("name", "exec").put("description", "Run a shell command")
        .put("parameters", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("command", new JsonObject().put("type", "string")))
            .put("required", new JsonArray().add("command")));
  }

  static JsonObject request() {
    return new JsonObject().put("model", "Qwen/Qwen3-Coder-Next-FP8").put("input", "list my files")
        .put("instructions", "Be brief.").put("tools", new JsonArray().add(execTool())).put("stream", true)
        .put("max_output_tokens", 512).put("metadata", new JsonObject().put("team", "a"));
  }

  static ResponseContext streaming() {
    return ResponsesRequestTranslator.translate(request(), null).context(REQUEST_ID, CREATED);
  }

  static ResponseContext background() {
    return ResponsesRequestTranslator.translate(request().put("background", true), null).context(REQUEST_ID, CREATED);
  }
}
