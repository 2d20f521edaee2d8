package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;

/**
 * A failure the client must see in OpenAI's error shape: {@code {"error":{"message","type","param","code"}}}.
 * Thrown anywhere on the request path; the ingress turns it into the response.
 */
public class OpenAiError extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  public OpenAiError(int status, String type, String code, String param, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  public static OpenAiError invalidRequest(String param, String message) {
    return new OpenAiError(400, "invalid_request_error", null, param, message);
  }

  public static OpenAiError modelNotFound(String model) {
    return new OpenAiError(404, "invalid_request_error", "model_not_found", "model",
        "The model `" + model + "` does not exist or you do not have access to it.");
  }

  public static OpenAiError unauthorized() {
    return new OpenAiError(401, "invalid_request_error", "invalid_api_key", null,
        "Incorrect API key provided. Send it as 'Authorization: Bearer <key>'.");
  }

  /** 499, as proxies say "client closed request": never sent as a status, only inside the error event. */
  public static final int CANCELLED_STATUS = 499;

  /** How a cancelled request ends, wherever it is cancelled. */
  public static OpenAiError cancelled() {
    return new OpenAiError(CANCELLED_STATUS, "request_cancelled", "cancelled", null, "The request was cancelled.");
  }

  public static boolean isCancellation(OpenAiError e) {
    return e != null && e.status() == CANCELLED_STATUS;
  }

  public static OpenAiError server(int status, String code, String message) {
    return new OpenAiError(status, status == 503 ? "service_unavailable" : "server_error", code, null, message);
  }

  public int status() { return status; }
  public String type() { return type; }
  public String param() { return param; }
  public String code() { return code; }

  public JsonObject body() {
    return new JsonObject().put("error", new JsonObject()
        .put("message", getMessage())
        .put("type", type)
        .put("param", param)
        .put("code", code));
  }

  /** Reads an error carried on the event bus or in a journal event back into an exception. */
  public static OpenAiError fromBody(int status, JsonObject body) {
    JsonObject e = body.getJsonObject("error", body);
    Object code = e.getValue("code");
    return new OpenAiError(status, e.getString("type", "server_error"), code == null ? null : code.toString(),
        e.getString("param"), e.getString("message", "unknown error"));
  }
}
