package dev.clawbus.infra.vllm;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Turns what vLLM answered with (its {@code {"object":"error",...}} body, or anything else) into an
 * OpenAI-shaped error that keeps vLLM's status and message, so the client sees the real reason.
 */
public final class VllmErrors {
  private VllmErrors() {}

  public static OpenAiError fromResponse(int status, Buffer body) {
    String message = null;
    String type = null;
    String param = null;
    Object code = null;
    try {
      JsonObject json = body == null || body.length() == 0 ? null : body.toJsonObject();
      if (json != null) {
        JsonObject e = json.containsKey("error") && json.getValue("error") instanceof JsonObject
            ? json.getJsonObject("error") : json;
        message = e.getString("message");
        type = e.getString("type");
        param = e.getString("param");
        code = e.getValue("code");
      }
    } catch (RuntimeException notJson) {
      message = body.toString().strip();
    }
    if (message == null || message.isBlank()) {
      message = "vLLM answered HTTP " + status;
    }
    String openAiType = status >= 500 ? "server_error"
        : status == 404 ? "invalid_request_error"
        : "invalid_request_error";
    if (type != null && type.endsWith("_error")) {
      openAiType = type;
    }
    String codeText = code == null || code instanceof Number ? null : code.toString();
    if (codeText == null && message.contains("maximum context length")) {
      codeText = "context_length_exceeded";
    }
    if (codeText == null && status == 404) {
      codeText = "model_not_found";
    }
    return new OpenAiError(status, openAiType, codeText, param, message);
  }
}
