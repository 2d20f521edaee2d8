package dev.clawbus.sim;

import io.vertx.core.json.JsonObject;

/**
 * An error as vLLM's OpenAI server returns it: {@code {"object":"error","message","type","param","code"}}
 * with the HTTP status repeated in {@code code}. Mid-stream, vLLM wraps the same object in {@code {"error":…}}.
 */
final class VllmError extends RuntimeException {
  final int status;

  VllmError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static VllmError badRequest(String message) {
    return new VllmError(400, message);
  }

  static VllmError modelNotFound(String model) {
    return new VllmError(404, "The model `" + model + "` does not exist.");
  }

  static VllmError contextOverflow(int maxModelLen, int promptTokens, int completionTokens) {
    return badRequest("This model's maximum context length is " + maxModelLen + " tokens. However, you requested "
        + (promptTokens + completionTokens) + " tokens (" + promptTokens + " in the messages, " + completionTokens
        + " in the completion). Please reduce the length of the messages or completion.");
  }

  static VllmError promptTooLong(int maxModelLen, int promptTokens) {
    return badRequest("This model's maximum context length is " + maxModelLen + " tokens. However, you requested "
        + promptTokens + " tokens in the messages, Please reduce the length of the messages.");
  }

  /** Pydantic's wording for a field that vLLM's request model forbids (older vLLM: extra="forbid"). */
  static VllmError extraForbidden(String loc, String inputJson) {
    return badRequest("[{'type': 'extra_forbidden', 'loc': ('body', " + loc + "), 'msg': 'Extra inputs are not "
        + "permitted', 'input': " + inputJson + "}]");
  }

  static String type(int status) {
    return switch (status) {
      case 400 -> "BadRequestError";
      case 404 -> "NotFoundError";
      case 501 -> "NotImplementedError";
      case 503 -> "ServiceUnavailableError";
      default -> status >= 500 ? "InternalServerError" : "BadRequestError";
    };
  }

  JsonObject body() {
    return body(status, getMessage());
  }

  static JsonObject body(int status, String message) {
    return new JsonObject().put("object", "error").put("message", message).put("type", type(status))
        .put("param", null).put("code", status);
  }
}
