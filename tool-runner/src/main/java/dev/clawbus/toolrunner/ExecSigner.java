package dev.clawbus.toolrunner;

import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 (the JDK's {@link Mac}) with the secret that {@code serve} and {@code node} read from
 * {@code --exec-secret-file}. The gateway signs each {@link ExecRequest} (time, nonce, signature over
 * {@link ExecRequest#signedBytes()}); the node checks it ({@link RequestVerifier}) and signs its {@link ExecResult}
 * bound to the request's nonce, which the gateway checks, so a cluster member without the secret can neither run
 * commands nor forge their results. The secret is never printed: not by {@link #toString()}, not in any error.
 */
public final class ExecSigner {
  /** Shortest secret accepted: 32 bytes, e.g. {@code openssl rand -hex 32 > exec.secret} gives 64. */
  public static final int MIN_SECRET_BYTES = 32;
  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ExecSigner(byte[] secret, Clock clock) {
    if (secret.length < MIN_SECRET_BYTES) {
      throw new ConfigException("the exec secret is too short (" + secret.length + " bytes; at least "
          + MIN_SECRET_BYTES + " needed)");
    }
    this.key = new SecretKeySpec(secret, ALGORITHM);
    this.clock = clock;
  }

  /**
   * Reads the secret from {@code file} (surrounding whitespace, such as the final newline, is not part of it).
   * Errors name the file, never its content.
   */
  public static ExecSigner fromFile(Path file, Clock clock) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read the exec secret file " + file + " ("
          + e.getClass().getSimpleName().replace("Exception", "") + ")");
    }
    int start = 0;
    int end = raw.length;
    while (start < end && Character.isWhitespace(raw[start])) start++;
    while (end > start && Character.isWhitespace(raw[end - 1])) end--;
    byte[] secret = Arrays.copyOfRange(raw, start, end);
    Arrays.fill(raw, (byte) 0);
    if (secret.length < MIN_SECRET_BYTES) {
      throw new ConfigException("the exec secret in " + file + " is too short (" + secret.length
          + " bytes; at least " + MIN_SECRET_BYTES + " needed, e.g. openssl rand -hex 32 > " + file + ")");
    }
    try {
      return new ExecSigner(secret, clock);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** Whether group or others may read {@code file}: worth a warning at start. */
  public static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** The request with the current time, a fresh 128-bit nonce and its signature. */
  public ExecRequest sign(ExecRequest request) {
    byte[] n = new byte[16];
    random.nextBytes(n);
    ExecRequest withTimeAndNonce = request.withSignature(clock.millis(), B64.encodeToString(n), null);
    return withTimeAndNonce.withSignature(withTimeAndNonce.issuedAt(), withTimeAndNonce.nonce(),
        mac(withTimeAndNonce.signedBytes()));
  }

  /** Whether the request's signature is the one this secret gives (constant-time comparison). */
  public boolean signatureValid(ExecRequest request) {
    return request.signature() != null && request.nonce() != null
        && equal(mac(request.signedBytes()), request.signature());
  }

  /** The node's side: the result signed and bound to the request it answers. */
  public ExecResult signResult(ExecRequest request, ExecResult result) {
    return result.withSignature(mac(result.signedBytes(request.nonce())));
  }

  /** The gateway's side: whether the result comes from a holder of the secret and answers this very request. */
  public boolean resultValid(ExecRequest request, ExecResult result) {
    return result.signature() != null && request.id().equals(result.requestId())
        && equal(mac(result.signedBytes(request.nonce())), result.signature());
  }

  private String mac(byte[] data) {
    try {
      Mac m = Mac.getInstance(ALGORITHM);
      m.init(key);
      return B64.encodeToString(m.doFinal(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  private static boolean equal(String expected, String actual) {
    return MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        actual.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  @Override
  public String toString() {
    return "ExecSigner[HmacSHA256, secret not shown]";
  }
}
