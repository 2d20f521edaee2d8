package dev.clawbus.infra.contract.exec;

import dev.clawbus.infra.contract.OpenAiError;

/**
 * The failures of an exec, in OpenAI's error shape. A node refuses a request by failing the bus message with the
 * status as failure code and {@link OpenAiError#body()} as message; the gateway answers with the same status (except
 * {@link #signatureRejected}, which the client sees as a 502: a secret mismatch is the server's fault).
 */
public final class ExecErrors {
  private ExecErrors() {}

  public static final String NODE_NOT_FOUND = "node_not_found";
  public static final String NODE_UNAVAILABLE = "node_unavailable";
  public static final String NODE_GONE = "node_gone";
  public static final String NODE_STOPPING = "node_stopping";
  public static final String NODE_BUSY = "node_busy";
  public static final String NODE_TIMEOUT = "node_timeout";
  public static final String NODE_BAD_ANSWER = "node_bad_answer";
  public static final String EXEC_DENIED = "exec_denied";
  public static final String INVALID_EXEC = "invalid_exec_request";
  public static final String SIGNATURE_REJECTED = "exec_signature_rejected";
  public static final String AUDIT_UNAVAILABLE = "audit_unavailable";

  /** 404: no node of that name has registered (or its entry expired). */
  public static OpenAiError unknownNode(String name) {
    return new OpenAiError(404, "invalid_request_error", NODE_NOT_FOUND, "node",
        "no node named '" + name + "' has joined the cluster");
  }

  /** 503: the node is registered but not connected now; the command did not run. */
  public static OpenAiError nodeUnavailable(String name, String detail) {
    return OpenAiError.server(503, NODE_UNAVAILABLE, "node '" + name + "' " + detail + "; the command was not run");
  }

  /** 502: the node left while the command ran; whether it finished is unknown. */
  public static OpenAiError nodeGone(String name, String detail) {
    return OpenAiError.server(502, NODE_GONE, "node '" + name + "' " + detail
        + " while the command was running; its outcome is unknown");
  }

  /** 503: the node shut down cleanly while the command ran and killed it. */
  public static OpenAiError nodeStopping(String name) {
    return OpenAiError.server(503, NODE_STOPPING, "node '" + name + "' is shutting down; the command was killed");
  }

  /** 429: the node already runs as many commands as it allows. */
  public static OpenAiError busy(String name, int max) {
    return new OpenAiError(429, "rate_limit_error", NODE_BUSY, null,
        "node '" + name + "' is already running " + max + " commands; retry later");
  }

  /** 504: no answer from the node within the command's timeout plus a grace period. */
  public static OpenAiError noAnswer(String name, long waitedMs) {
    return OpenAiError.server(504, NODE_TIMEOUT, "node '" + name + "' did not answer within " + waitedMs / 1000
        + " s; the command's outcome is unknown");
  }

  /** 502: the node's answer was malformed or its signature did not verify. */
  public static OpenAiError badAnswer(String detail) {
    return OpenAiError.server(502, NODE_BAD_ANSWER, detail);
  }

  /** 403: the node's policy refuses the command; the reason says why. */
  public static OpenAiError denied(String reason) {
    return new OpenAiError(403, "permission_error", EXEC_DENIED, "command", reason);
  }

  /** 400: the request cannot run as given (bad quoting, missing workdir, ...). */
  public static OpenAiError invalid(String param, String message) {
    return new OpenAiError(400, "invalid_request_error", INVALID_EXEC, param, message);
  }

  /** 401 on the bus: the node refused the signature, timestamp or nonce. */
  public static OpenAiError signatureRejected(String reason) {
    return new OpenAiError(401, "authentication_error", SIGNATURE_REJECTED, null, reason);
  }

  /** 503: the audit record could not be written, so the command was not run. */
  public static OpenAiError auditUnavailable(String detail) {
    return OpenAiError.server(503, AUDIT_UNAVAILABLE, "the exec audit trail is unavailable (" + detail
        + "); the command was not run");
  }
}
