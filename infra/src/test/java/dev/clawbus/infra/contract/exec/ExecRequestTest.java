package dev.clawbus.infra.contract.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecRequestTest {
  private static final ExecRequest FULL = ExecRequest.of("req-1", "team-a", "build-box", "ls -la 'my dir'")
      .withWorkdir("sub/dir").withEnv(Map.of("B", "2", "A", "1")).withTimeoutSeconds(42).withStdin("in\n")
      .withStreamTo("clawbus.execout.x").withSignature(1_700_000_000_000L, "n0nce", "c2ln");

  @Test
  void roundTripsThroughJson() {
    assertEquals(FULL, ExecRequest.fromJson(new JsonObject(FULL.toJson().encode())));
    ExecRequest bare = ExecRequest.of("r", "t", "n", "true");
    ExecRequest back = ExecRequest.fromJson(bare.toJson());
    assertEquals(bare, back);
    assertNull(back.workdir());
    assertNull(back.stdin());
    assertNull(back.streamTo());
    assertEquals(Map.of(), back.env());
    assertEquals(ExecRequest.DEFAULT_TIMEOUT_SECONDS, back.timeoutSeconds());
    assertEquals(Set.of("id", "tenant", "node", "command", "timeout_seconds", "issued_at"), bare.toJson().fieldNames());
  }

  @Test
  void readsTheExecToolsArgumentsAndIgnoresTheOtherFields() {
    JsonObject args = new JsonObject().put("command", "make test").put("workdir", "proj")
        .put("env", new JsonObject().put("CI", "1")).put("timeoutSeconds", 90).put("yieldMs", 1000)
        .put("background", false).put("pty", false).put("host", "node").put("title", "tests");
    ExecRequest r = ExecRequest.fromApi("call_1", "team-a", "box", args);
    assertEquals("make test", r.command());
    assertEquals("proj", r.workdir());
    assertEquals(Map.of("CI", "1"), r.env());
    assertEquals(90, r.timeoutSeconds());
    assertNull(r.stdin());
    assertNull(r.signature());
    assertEquals(1800, ExecRequest.fromApi("x", "t", "box", new JsonObject().put("command", "ls")).timeoutSeconds());
    assertNull(ExecRequest.fromApi("x", "t", "box", new JsonObject().put("command", "ls").put("workdir", " "))
        .workdir());
  }

  @Test
  void badArgumentsAre400sNamingTheField() {
    Object[][] cases = {
        {new JsonObject(), "command"},
        {new JsonObject().put("command", "  "), "command"},
        {new JsonObject().put("command", 5), "command"},
        {new JsonObject().put("command", "ls").put("timeoutSeconds", 0), "timeoutSeconds"},
        {new JsonObject().put("command", "ls").put("timeoutSeconds", 1.5), "timeoutSeconds"},
        {new JsonObject().put("command", "ls").put("timeoutSeconds", "9"), "timeoutSeconds"},
        {new JsonObject().put("command", "ls").put("timeoutSeconds", 86_401), "timeoutSeconds"},
        {new JsonObject().put("command", "ls").put("env", "A=1"), "env"},
        {new JsonObject().put("command", "ls").put("env", new JsonObject().put("A", 1)), "env"},
        {new JsonObject().put("command", "ls").put("env", new JsonObject().put("A-B", "1")), "env"},
        {new JsonObject().put("command", "ls").put("workdir", 3), "workdir"},
        {new JsonObject().put("command", "ls").put("stdin", true), "stdin"},
        {new JsonObject().put("command", "a\0b"), "command"},
    };
    for (Object[] c : cases) {
      OpenAiError e = assertThrows(OpenAiError.class, () -> ExecRequest.fromApi("x", "t", "n", (JsonObject) c[0]),
          c[0].toString());
      assertEquals(400, e.status());
      assertEquals(c[1], e.param(), c[0].toString());
    }
    assertThrows(OpenAiError.class, () -> ExecRequest.of("has space", "t", "n", "ls"));
    assertThrows(OpenAiError.class, () -> ExecRequest.of("r", "t", ".hidden", "ls"));
    assertThrows(OpenAiError.class, () -> ExecRequest.of("r", "", "n", "ls"));
    assertEquals(400, assertThrows(OpenAiError.class,
        () -> ExecRequest.fromJson(FULL.toJson().put("timeout_seconds", "x"))).status());
    assertEquals(400, assertThrows(OpenAiError.class, () -> ExecRequest.fromJson(FULL.toJson().put("id", 7))).status());
  }

  @Test
  void everySignedFieldChangesTheSignedBytes() {
    List<ExecRequest> variants = List.of(FULL,
        new ExecRequest("req-2", FULL.tenant(), FULL.node(), FULL.command(), FULL.workdir(), FULL.env(), 42,
            FULL.stdin(), FULL.streamTo(), FULL.issuedAt(), FULL.nonce(), null),
        FULL.withSignature(FULL.issuedAt(), FULL.nonce(), null).withTimeoutSeconds(43),
        FULL.withWorkdir(null), FULL.withWorkdir(""), FULL.withEnv(Map.of("A", "1", "B", "3")),
        FULL.withEnv(Map.of("A", "1")), FULL.withStdin(null), FULL.withStdin(""), FULL.withStreamTo(null),
        FULL.withSignature(FULL.issuedAt() + 1, FULL.nonce(), null), FULL.withSignature(FULL.issuedAt(), "n0nce2", null),
        ExecRequest.of("req-1", "team-b", "build-box", FULL.command()),
        ExecRequest.of("req-1", "team-a", "other-box", FULL.command()),
        // field boundaries cannot be shifted: "a b" + "c" vs "a" + "b c"
        ExecRequest.of("req-1", "x\n1:y", "n", "c"), ExecRequest.of("req-1", "x", "n", "1:y\nc"));
    Set<String> forms = new HashSet<>();
    for (ExecRequest r : variants) {
      forms.add(Arrays.toString(r.signedBytes()));
    }
    assertEquals(variants.size(), forms.size());
    // The signature itself is not covered, and the map order of env does not matter.
    assertArrayEquals(FULL.signedBytes(), FULL.withSignature(FULL.issuedAt(), FULL.nonce(), "other").signedBytes());
    assertArrayEquals(FULL.signedBytes(), FULL.withEnv(Map.of("A", "1", "B", "2")).signedBytes());
  }

  @Test
  void toStringKeepsStdinAndEnvValuesOut() {
    ExecRequest r = FULL.withEnv(Map.of("TOKEN", "s3cr3t-value")).withStdin("password123");
    assertFalse(r.toString().contains("s3cr3t-value"));
    assertFalse(r.toString().contains("password123"));
    assertTrue(r.toString().contains("ls -la"));
  }
}
