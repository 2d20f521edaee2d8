package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes OpenAI-shaped error responses, and reads errors that came back over the event bus. */
final class HttpErrors {
  private HttpErrors() {}

  static void send(HttpServerResponse resp, OpenAiError e) {
    send(resp, e.status(), e.body().encode());
  }

  static void send(HttpServerResponse resp, int status, String errorJson) {
    if (resp.ended() || resp.closed()) return;
    if (resp.headWritten()) {
      resp.end();
      return;
    }
    resp.setStatusCode(wireStatus(status)).putHeader("content-type", "application/json").end(errorJson);
  }

  /** The HTTP status of an error: a cancelled request (499 inside clawbus, nginx's number) is a 409 on the wire. */
  static int wireStatus(int status) {
    return status == OpenAiError.CANCELLED_STATUS ? 409 : status;
  }

  /** An error reply from the transformer (code = HTTP status, message = error body) or a bus failure. */
  static OpenAiError fromBus(Throwable err) {
    if (err instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 400) {
        try {
          return OpenAiError.fromBody(re.failureCode(), new JsonObject(re.getMessage()));
        } catch (RuntimeException notJson) {
          return OpenAiError.server(500, "internal_error", "clawbus failed to handle the request.");
        }
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return OpenAiError.server(503, "transformer_unavailable", "clawbus is starting or shutting down; retry.");
      }
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return OpenAiError.server(503, "queue_timeout", "the request could not be queued in time; retry.");
      }
    }
    return OpenAiError.server(500, "internal_error", "clawbus failed to handle the request.");
  }
}
