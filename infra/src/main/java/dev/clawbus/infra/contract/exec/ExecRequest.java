package dev.clawbus.infra.contract.exec;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One command to run on a node host, sent to {@link Addresses#exec(String)} as JSON ({@link #toJson()}). The gateway
 * builds it unsigned ({@link #of}, {@link #fromApi}), the {@code ExecSigner} fills {@code issuedAt}, {@code nonce} and
 * {@code signature}; the node runs only requests whose signature covers {@link #signedBytes()}.
 *
 * @param id             request id (letters, digits, {@code . _ : -}; at most 128), also the audit record's key
 * @param tenant         on whose behalf the command runs (audit only)
 * @param node           name of the node that must run it; signed, so a request cannot be redirected to another node
 * @param command        the command line as the agent's {@code exec} tool sends it
 * @param workdir        working directory, relative to the node's {@code --workdir}; null = the node's workdir
 * @param env            environment overrides (never null)
 * @param timeoutSeconds the process tree is killed after this many seconds
 * @param stdin          text written to the command's standard input; null = none (stdin is closed at once)
 * @param streamTo       event-bus address for {@link ExecEvent}s while the command runs; null = no streaming
 * @param issuedAt       signing time, epoch ms
 * @param nonce          random, single use
 * @param signature      base64url HMAC-SHA256 of {@link #signedBytes()}
 */
public record ExecRequest(String id, String tenant, String node, String command, String workdir,
    Map<String, String> env, int timeoutSeconds, String stdin, String streamTo, long issuedAt, String nonce,
    String signature) {
  public static final int DEFAULT_TIMEOUT_SECONDS = 1800;
  public static final int MAX_TIMEOUT_SECONDS = 86_400;
  public static final int MAX_COMMAND_CHARS = 65_536;
  public static final int MAX_STDIN_CHARS = 1 << 20;
  public static final int MAX_ENV_ENTRIES = 256;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** Node names: also the suffix of the node's event-bus address. */
  public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");

  public ExecRequest {
    env = env == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(env));
  }

  /** An unsigned request with the defaults: no workdir, env or stdin, the default timeout. */
  public static ExecRequest of(String id, String tenant, String node, String command) {
    return new ExecRequest(id, tenant, node, command, null, Map.of(), DEFAULT_TIMEOUT_SECONDS, null, null, 0, null,
        null).validated();
  }

  /**
   * An unsigned request from the arguments of an agent's {@code exec} tool call or the body of
   * {@code POST /v1/nodes/{name}/exec}: {@code command} (required), {@code workdir}, {@code env} (string map),
   * {@code timeoutSeconds}, {@code stdin}. Other fields (the exec tool's {@code yieldMs}, {@code pty}, ...) are
   * ignored. Throws a 400 {@link OpenAiError} naming the field at fault.
   */
  public static ExecRequest fromApi(String id, String tenant, String node, JsonObject body) {
    Object command = body.getValue("command");
    if (!(command instanceof String c) || c.isBlank()) {
      throw OpenAiError.invalidRequest("command", "'command' must be a non-empty string");
    }
    Object workdir = body.getValue("workdir");
    if (workdir != null && !(workdir instanceof String)) {
      throw OpenAiError.invalidRequest("workdir", "'workdir' must be a string");
    }
    Object stdin = body.getValue("stdin");
    if (stdin != null && !(stdin instanceof String)) {
      throw OpenAiError.invalidRequest("stdin", "'stdin' must be a string");
    }
    Object timeout = body.getValue("timeoutSeconds");
    int seconds = DEFAULT_TIMEOUT_SECONDS;
    if (timeout != null) {
      if (!(timeout instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > MAX_TIMEOUT_SECONDS) {
        throw OpenAiError.invalidRequest("timeoutSeconds",
            "'timeoutSeconds' must be a whole number from 1 to " + MAX_TIMEOUT_SECONDS);
      }
      seconds = n.intValue();
    }
    return new ExecRequest(id, tenant, node, (String) command, blankToNull((String) workdir), envOf(body, "env"),
        seconds, (String) stdin, null, 0, null, null).validated();
  }

  /** Reads a request sent over the bus; throws a 400 {@link OpenAiError} when it is malformed. */
  public static ExecRequest fromJson(JsonObject j) {
    try {
      Object timeout = j.getValue("timeout_seconds", DEFAULT_TIMEOUT_SECONDS);
      if (!(timeout instanceof Integer t)) {
        throw OpenAiError.invalidRequest("timeout_seconds", "'timeout_seconds' must be a whole number");
      }
      return new ExecRequest(str(j, "id"), str(j, "tenant"), str(j, "node"), str(j, "command"), str(j, "workdir"),
          envOf(j, "env"), t, str(j, "stdin"), str(j, "stream_to"), j.getLong("issued_at", 0L), str(j, "nonce"),
          str(j, "signature")).validated();
    } catch (ClassCastException e) {
      throw OpenAiError.invalidRequest(null, "malformed exec request: a field has the wrong type");
    }
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("id", id).put("tenant", tenant).put("node", node).put("command", command);
    if (workdir != null) j.put("workdir", workdir);
    if (!env.isEmpty()) j.put("env", new JsonObject(new TreeMap<String, Object>(env)));
    j.put("timeout_seconds", timeoutSeconds);
    if (stdin != null) j.put("stdin", stdin);
    if (streamTo != null) j.put("stream_to", streamTo);
    j.put("issued_at", issuedAt);
    if (nonce != null) j.put("nonce", nonce);
    if (signature != null) j.put("signature", signature);
    return j;
  }

  /**
   * The bytes the signature covers: every field but the signature, in a fixed order, each length-prefixed so that no
   * two different requests share a form (env sorted by name).
   */
  public byte[] signedBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + command.length());
    field(out, "clawbus-exec-request-v1");
    field(out, id);
    field(out, tenant);
    field(out, node);
    field(out, command);
    field(out, workdir);
    field(out, String.valueOf(env.size()));
    env.forEach((k, v) -> {
      field(out, k);
      field(out, v);
    });
    field(out, String.valueOf(timeoutSeconds));
    field(out, stdin);
    field(out, streamTo);
    field(out, String.valueOf(issuedAt));
    field(out, nonce);
    return out.toByteArray();
  }

  /** {@code len:value\n}, or {@code -\n} for null. Shared with {@link ExecResult#signedBytes}. */
  static void field(ByteArrayOutputStream out, String value) {
    if (value == null) {
      out.write('-');
    } else {
      byte[] b = value.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(String.valueOf(b.length).getBytes(StandardCharsets.US_ASCII));
      out.write(':');
      out.writeBytes(b);
    }
    out.write('\n');
  }

  public ExecRequest withWorkdir(String dir) {
    return new ExecRequest(id, tenant, node, command, dir, env, timeoutSeconds, stdin, streamTo, issuedAt, nonce,
        signature).validated();
  }

  public ExecRequest withEnv(Map<String, String> vars) {
    return new ExecRequest(id, tenant, node, command, workdir, vars, timeoutSeconds, stdin, streamTo, issuedAt, nonce,
        signature).validated();
  }

  public ExecRequest withTimeoutSeconds(int seconds) {
    return new ExecRequest(id, tenant, node, command, workdir, env, seconds, stdin, streamTo, issuedAt, nonce,
        signature).validated();
  }

  public ExecRequest withStdin(String text) {
    return new ExecRequest(id, tenant, node, command, workdir, env, timeoutSeconds, text, streamTo, issuedAt, nonce,
        signature).validated();
  }

  public ExecRequest withStreamTo(String address) {
    return new ExecRequest(id, tenant, node, command, workdir, env, timeoutSeconds, stdin, address, issuedAt, nonce,
        signature).validated();
  }

  /** The signer's part: time, nonce and signature. */
  public ExecRequest withSignature(long issuedAtMillis, String nonceValue, String sig) {
    return new ExecRequest(id, tenant, node, command, workdir, env, timeoutSeconds, stdin, streamTo, issuedAtMillis,
        nonceValue, sig);
  }

  private ExecRequest validated() {
    if (id == null || !ID.matcher(id).matches()) {
      throw OpenAiError.invalidRequest("id", "exec request id must be 1-128 letters, digits or . _ : -");
    }
    if (node == null || !NODE_NAME.matcher(node).matches()) {
      throw OpenAiError.invalidRequest("node", "node name must be 1-63 letters, digits or . _ - (starting with a "
          + "letter or digit)");
    }
    if (tenant == null || tenant.isEmpty() || tenant.length() > 256) {
      throw OpenAiError.invalidRequest("tenant", "exec request needs a tenant");
    }
    if (command == null || command.isBlank()) {
      throw OpenAiError.invalidRequest("command", "'command' must be a non-empty string");
    }
    if (command.length() > MAX_COMMAND_CHARS || command.indexOf('\0') >= 0) {
      throw OpenAiError.invalidRequest("command", "'command' must be at most " + MAX_COMMAND_CHARS
          + " characters without NUL");
    }
    if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw OpenAiError.invalidRequest("timeoutSeconds", "'timeoutSeconds' must be from 1 to " + MAX_TIMEOUT_SECONDS);
    }
    if (stdin != null && stdin.length() > MAX_STDIN_CHARS) {
      throw OpenAiError.invalidRequest("stdin", "'stdin' must be at most " + MAX_STDIN_CHARS + " characters");
    }
    if (workdir != null && workdir.indexOf('\0') >= 0) {
      throw OpenAiError.invalidRequest("workdir", "'workdir' must not contain NUL");
    }
    if (env.size() > MAX_ENV_ENTRIES) {
      throw OpenAiError.invalidRequest("env", "'env' has more than " + MAX_ENV_ENTRIES + " entries");
    }
    env.forEach((k, v) -> {
      if (!ENV_NAME.matcher(k).matches()) {
        throw OpenAiError.invalidRequest("env", "'env' name '" + k + "' is not a valid variable name");
      }
      if (v == null || v.indexOf('\0') >= 0) {
        throw OpenAiError.invalidRequest("env", "'env." + k + "' must be a string without NUL");
      }
    });
    return this;
  }

  private static Map<String, String> envOf(JsonObject j, String field) {
    Object e = j.getValue(field);
    if (e == null) {
      return Map.of();
    }
    if (!(e instanceof JsonObject o)) {
      throw OpenAiError.invalidRequest("env", "'env' must be an object of strings");
    }
    Map<String, String> out = new TreeMap<>();
    for (String k : o.fieldNames()) {
      if (!(o.getValue(k) instanceof String v)) {
        throw OpenAiError.invalidRequest("env", "'env." + k + "' must be a string");
      }
      out.put(k, v);
    }
    return out;
  }

  /** A string field or null; Vert.x's getString would turn a number into text. */
  private static String str(JsonObject j, String key) {
    Object v = j.getValue(key);
    if (v != null && !(v instanceof String)) {
      throw OpenAiError.invalidRequest(key, "'" + key + "' must be a string");
    }
    return (String) v;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Never prints stdin or env values (they may hold secrets). */
  @Override
  public String toString() {
    return "ExecRequest[id=" + id + ", tenant=" + tenant + ", node=" + node + ", command=" + command + "]";
  }
}
