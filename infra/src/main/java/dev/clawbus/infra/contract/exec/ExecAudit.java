package dev.clawbus.infra.contract.exec;

import dev.clawbus.infra.contract.Topics;
import io.vertx.core.json.JsonObject;

/**
 * One record of Kafka {@link Topics#EXEC_AUDIT} (JSON, keyed by request id). A command that runs gets two: a
 * {@code start} record, written (and acknowledged) before the process starts, and an {@code end} record with its
 * outcome. A refused request gets one {@code end} record with the decision and reason. A {@code start} without an
 * {@code end} means the node died while the command ran.
 *
 * @param phase       {@link #START} or {@link #END}
 * @param at          when the record was made (node's clock, epoch ms)
 * @param tenant      on whose behalf (as the request claims it; unverified for {@code rejected} decisions)
 * @param requestId   the request's id
 * @param node        the node that decided
 * @param command     the command line as sent
 * @param decision    {@link #ALLOWED}, {@link #DENIED} (policy), {@link #REJECTED} (signature, staleness, replay,
 *                    wrong node), {@link #INVALID} (malformed) or {@link #BUSY}
 * @param mode        how it ran: {@code direct} (argv, no shell) or {@code shell} ({@code /bin/sh -c}); null if not run
 * @param executable  the resolved program path; null if none
 * @param reason      why it was refused, or why it could not start; null otherwise
 * @param exitCode    exit status; null unless it ran to an end
 * @param durationMs  run time
 * @param stdoutBytes bytes written to stdout (before the cap)
 * @param stderrBytes bytes written to stderr (before the cap)
 * @param timedOut    killed by the timeout
 * @param truncated   output was cut at the cap
 */
public record ExecAudit(String phase, long at, String tenant, String requestId, String node, String command,
    String decision, String mode, String executable, String reason, Integer exitCode, long durationMs,
    long stdoutBytes, long stderrBytes, boolean timedOut, boolean truncated) {
  public static final String START = "start";
  public static final String END = "end";
  public static final String ALLOWED = "allowed";
  public static final String DENIED = "denied";
  public static final String REJECTED = "rejected";
  public static final String INVALID = "invalid";
  public static final String BUSY = "busy";
  /**
   * Request/reply: a node without its own Kafka connection sends its audit records (JSON) here; a serve node writes
   * them to {@link Topics#EXEC_AUDIT} and replies once Kafka has acknowledged them.
   */
  public static final String ADDRESS = "clawbus.audit.exec";

  /** A refusal: one {@code end} record. */
  public static ExecAudit refused(long at, String tenant, String requestId, String node, String command,
      String decision, String reason) {
    return new ExecAudit(END, at, tenant, requestId, node, command, decision, null, null, reason, null, 0, 0, 0,
        false, false);
  }

  /** The record written before an allowed command starts. */
  public static ExecAudit started(long at, String tenant, String requestId, String node, String command, String mode,
      String executable) {
    return new ExecAudit(START, at, tenant, requestId, node, command, ALLOWED, mode, executable, null, null, 0, 0, 0,
        false, false);
  }

  /** The outcome of a command that ran; {@code reason} when it could not start. */
  public ExecAudit ended(long endAt, Integer exit, long duration, long outBytes, long errBytes, boolean timeout,
      boolean cut, String why) {
    return new ExecAudit(END, endAt, tenant, requestId, node, command, decision, mode, executable, why, exit,
        duration, outBytes, errBytes, timeout, cut);
  }

  public JsonObject toJson() {
    return new JsonObject().put("phase", phase).put("at", at).put("tenant", tenant).put("request_id", requestId)
        .put("node", node).put("command", command).put("decision", decision).put("mode", mode)
        .put("executable", executable).put("reason", reason).put("exit_code", exitCode).put("duration_ms", durationMs)
        .put("stdout_bytes", stdoutBytes).put("stderr_bytes", stderrBytes).put("timed_out", timedOut)
        .put("truncated", truncated);
  }

  /** Reads a record; throws IllegalArgumentException when it is not one. */
  public static ExecAudit fromJson(JsonObject j) {
    try {
      ExecAudit a = new ExecAudit(j.getString("phase"), j.getLong("at", 0L), j.getString("tenant"),
          j.getString("request_id"), j.getString("node"), j.getString("command"), j.getString("decision"),
          j.getString("mode"), j.getString("executable"), j.getString("reason"), j.getInteger("exit_code"),
          j.getLong("duration_ms", 0L), j.getLong("stdout_bytes", 0L), j.getLong("stderr_bytes", 0L),
          j.getBoolean("timed_out", false), j.getBoolean("truncated", false));
      if (!START.equals(a.phase) && !END.equals(a.phase) || a.decision == null || a.node == null) {
        throw new IllegalArgumentException("not an exec audit record");
      }
      return a;
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("not an exec audit record: " + e.getMessage());
    }
  }

  /** Kafka key: the request id (or the node name for a request without a usable id). */
  public String key() {
    return requestId != null ? requestId : node;
  }
}
