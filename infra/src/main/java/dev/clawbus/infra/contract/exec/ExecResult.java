package dev.clawbus.infra.contract.exec;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;

/**
 * What a node answers to an {@link ExecRequest} it ran (a refusal is a failed reply instead, see {@link ExecErrors}).
 *
 * @param requestId   the request's id
 * @param node        the node that ran it
 * @param exitCode    the process's exit status; 128+N when killed by signal N (137 after a timeout), 127 when the
 *                    program could not be started
 * @param stdout      standard output as UTF-8 text, at most the node's cap, with a marker line when truncated
 * @param stderr      standard error, likewise
 * @param durationMs  from start to exit
 * @param timedOut    the timeout killed the process tree
 * @param truncated   stdout or stderr was cut at the cap
 * @param stdoutBytes bytes the command wrote to stdout (including what was cut)
 * @param stderrBytes bytes the command wrote to stderr (including what was cut)
 * @param events      how many {@link ExecEvent}s the node sent to the request's {@code streamTo} address
 * @param signature   base64url HMAC-SHA256 of {@link #signedBytes(String)}, proving a secret holder answered
 */
public record ExecResult(String requestId, String node, int exitCode, String stdout, String stderr, long durationMs,
    boolean timedOut, boolean truncated, long stdoutBytes, long stderrBytes, int events, String signature) {

  /**
   * The full form on the bus. Field names follow the HTTP API: {@code exit_code, stdout, stderr, duration_ms,
   * timed_out, truncated}, plus {@code request_id, node, stdout_bytes, stderr_bytes, events, signature}.
   */
  public JsonObject toJson() {
    JsonObject j = toApiJson().put("request_id", requestId).put("node", node).put("stdout_bytes", stdoutBytes)
        .put("stderr_bytes", stderrBytes).put("events", events);
    if (signature != null) j.put("signature", signature);
    return j;
  }

  /** The answer of {@code POST /v1/nodes/{name}/exec}: the fields an API user needs, no bus bookkeeping. */
  public JsonObject toApiJson() {
    return new JsonObject().put("exit_code", exitCode).put("stdout", stdout).put("stderr", stderr)
        .put("duration_ms", durationMs).put("timed_out", timedOut).put("truncated", truncated);
  }

  /** Reads a node's answer; throws a 502 {@link OpenAiError} when it is not one. */
  public static ExecResult fromJson(JsonObject j) {
    try {
      ExecResult r = new ExecResult(j.getString("request_id"), j.getString("node"), j.getInteger("exit_code"),
          j.getString("stdout"), j.getString("stderr"), j.getLong("duration_ms"), j.getBoolean("timed_out"),
          j.getBoolean("truncated"), j.getLong("stdout_bytes", 0L), j.getLong("stderr_bytes", 0L),
          j.getInteger("events", 0), j.getString("signature"));
      if (r.requestId == null || r.node == null || r.stdout == null || r.stderr == null) {
        throw new NullPointerException();
      }
      return r;
    } catch (ClassCastException | NullPointerException e) {
      throw ExecErrors.badAnswer("the node's answer is not an exec result");
    }
  }

  /** The bytes the node signs: every field but the signature, bound to the request's nonce. */
  public byte[] signedBytes(String requestNonce) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + stdout.length() + stderr.length());
    ExecRequest.field(out, "clawbus-exec-result-v1");
    ExecRequest.field(out, requestNonce);
    ExecRequest.field(out, requestId);
    ExecRequest.field(out, node);
    ExecRequest.field(out, String.valueOf(exitCode));
    ExecRequest.field(out, stdout);
    ExecRequest.field(out, stderr);
    ExecRequest.field(out, String.valueOf(durationMs));
    ExecRequest.field(out, String.valueOf(timedOut));
    ExecRequest.field(out, String.valueOf(truncated));
    ExecRequest.field(out, String.valueOf(stdoutBytes));
    ExecRequest.field(out, String.valueOf(stderrBytes));
    ExecRequest.field(out, String.valueOf(events));
    return out.toByteArray();
  }

  public ExecResult withSignature(String sig) {
    return new ExecResult(requestId, node, exitCode, stdout, stderr, durationMs, timedOut, truncated, stdoutBytes,
        stderrBytes, events, sig);
  }
}
