package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonObject;
import java.io.Serializable;

/** Why a request failed (or was cancelled), as the client saw it: the HTTP status and OpenAI's error fields. */
public record ErrorInfo(int status, String type, String code, String message) implements Serializable {

  public static ErrorInfo of(OpenAiError e) {
    return new ErrorInfo(e.status(), e.type(), e.code(), e.getMessage());
  }

  public OpenAiError toError() {
    return new OpenAiError(status, type, code, null, message);
  }

  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("type", type).put("code", code).put("message", message);
  }

  public static ErrorInfo fromJson(JsonObject j) {
    return j == null ? null : new ErrorInfo(j.getInteger("status", 500), j.getString("type"), j.getString("code"),
        j.getString("message"));
  }
}
