package dev.clawbus.toolrunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestVerifierTest {
  private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-test".getBytes(StandardCharsets.UTF_8);

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    long now = 1_700_000_000_000L;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }
  }

  private final TestClock clock = new TestClock();
  private final ExecSigner signer = new ExecSigner(SECRET, clock);
  private final RequestVerifier verifier = new RequestVerifier(signer, "box", clock, Duration.ofSeconds(60), 3);
  private final ExecRequest unsigned = ExecRequest.of("req-1", "team", "box", "ls -l").withEnv(Map.of("A", "1"));

  @Test
  void aSignedRequestPassesOnce() {
    ExecRequest r = signer.sign(unsigned);
    assertEquals(clock.now, r.issuedAt());
    assertNotEquals(signer.sign(unsigned).nonce(), r.nonce(), "fresh nonce each time");
    assertNull(verifier.reject(r));
    assertEquals("the request was already received once (replayed nonce)", verifier.reject(r));
  }

  @Test
  void unsignedOrTamperedRequestsAreRefused() {
    assertEquals("the request is not signed", verifier.reject(unsigned));
    ExecRequest r = signer.sign(unsigned);
    ExecRequest tampered = new ExecRequest(r.id(), r.tenant(), r.node(), "rm -rf /", r.workdir(), r.env(),
        r.timeoutSeconds(), r.stdin(), r.streamTo(), r.issuedAt(), r.nonce(), r.signature());
    assertTrue(verifier.reject(tampered).startsWith("the request's signature is not valid"));
    assertTrue(verifier.reject(r.withEnv(Map.of("A", "2"))).startsWith("the request's signature is not valid"));
    ExecRequest otherSecret = new ExecSigner("another secret that is long enough....".getBytes(StandardCharsets.UTF_8),
        clock).sign(unsigned);
    assertTrue(verifier.reject(otherSecret).startsWith("the request's signature is not valid"));
    assertEquals(0, verifier.remembered(), "refused requests leave no nonce behind");
    assertNull(verifier.reject(r), "the genuine one still passes");
  }

  @Test
  void staleAndFutureTimestampsAreRefused() {
    ExecRequest old = signer.sign(unsigned);
    clock.now += 60_001;
    assertEquals("the request was signed 60 s ago (more than 60 s off this node's clock; are the clocks "
        + "synchronised?)", verifier.reject(old));
    ExecRequest fromTheFuture = signer.sign(unsigned);
    clock.now -= 120_000;
    assertTrue(verifier.reject(fromTheFuture).contains("in the future"));
    clock.now += 60_000; // exactly at the edge
    assertNull(verifier.reject(fromTheFuture));
  }

  @Test
  void aRequestForAnotherNodeIsRefused() {
    ExecRequest r = signer.sign(ExecRequest.of("req-1", "team", "other", "ls"));
    assertEquals("the request is for node 'other', not 'box'", verifier.reject(r));
  }

  @Test
  void noncesAreForgottenOnlyAfterTheirWindowAndTheMemoryIsBounded() {
    ExecRequest a = signer.sign(unsigned);
    assertNull(verifier.reject(a));
    assertNull(verifier.reject(signer.sign(unsigned)));
    assertNull(verifier.reject(signer.sign(unsigned)));
    assertEquals("too many signed requests within 120 s; retry later", verifier.reject(signer.sign(unsigned)));
    clock.now += 59_000;
    assertTrue(verifier.reject(a).contains("replayed"), "still remembered inside the window");
    clock.now += 2_000;
    assertNull(verifier.reject(signer.sign(unsigned)), "expired nonces make room");
    assertEquals(1, verifier.remembered());
    assertTrue(verifier.reject(a).contains("ago"), "an old replay is stale by then");
  }

  @Test
  void resultsAreBoundToTheirRequest() {
    ExecRequest r = signer.sign(unsigned);
    ExecResult result = new ExecResult("req-1", "box", 0, "out", "", 5, false, false, 3, 0, 0, null);
    ExecResult signed = signer.signResult(r, result);
    assertTrue(signer.resultValid(r, signed));
    assertFalse(signer.resultValid(r, result), "unsigned");
    assertFalse(signer.resultValid(r, new ExecResult("req-1", "box", 0, "forged", "", 5, false, false, 3, 0, 0,
        signed.signature())));
    assertFalse(signer.resultValid(signer.sign(unsigned), signed), "another request's nonce");
  }

  @Test
  void theSecretComesFromAFileAndNeverShows(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("secret"), "  " + new String(SECRET, StandardCharsets.UTF_8) + "\n\n");
    ExecSigner fromFile = ExecSigner.fromFile(f, clock);
    assertNull(new RequestVerifier(fromFile, "box", clock, Duration.ofSeconds(60), 10).reject(signer.sign(unsigned)),
        "surrounding whitespace is not part of the secret");
    assertFalse(fromFile.toString().contains("0123456789"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertTrue(ExecSigner.readableByOthers(f));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertFalse(ExecSigner.readableByOthers(f));

    Path shortOne = Files.writeString(dir.resolve("short"), "hunter2-is-my-password\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ExecSigner.fromFile(shortOne, clock));
    assertEquals("the exec secret in " + shortOne + " is too short (22 bytes; at least 32 needed, e.g. openssl rand "
        + "-hex 32 > " + shortOne + ")", e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
    ConfigException missing = assertThrows(ConfigException.class, () -> ExecSigner.fromFile(dir.resolve("no"), clock));
    assertEquals("cannot read the exec secret file " + dir.resolve("no") + " (NoSuchFile)", missing.getMessage());
  }
}
