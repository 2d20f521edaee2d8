package dev.clawbus.infra.contract.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecResultTest {
  private static final ExecResult R = new ExecResult("req-1", "box", 0, "hé\n", "warn\n", 1234, false, true, 3_000_000,
      5, 7, "c2ln");

  @Test
  void roundTripsAndTheApiFormHasExactlyTheDocumentedFields() {
    assertEquals(R, ExecResult.fromJson(new JsonObject(R.toJson().encode())));
    assertEquals(Set.of("exit_code", "stdout", "stderr", "duration_ms", "timed_out", "truncated"),
        R.toApiJson().fieldNames());
    assertEquals(0, R.toApiJson().getInteger("exit_code"));
    assertEquals(true, R.toApiJson().getBoolean("truncated"));
    assertFalse(R.withSignature(null).toJson().containsKey("signature"));
  }

  @Test
  void aMalformedAnswerIsA502() {
    for (JsonObject bad : List.of(new JsonObject(), R.toJson().put("exit_code", "0"), R.toJson().putNull("stdout"))) {
      OpenAiError e = assertThrows(OpenAiError.class, () -> ExecResult.fromJson(bad));
      assertEquals(502, e.status());
      assertEquals(ExecErrors.NODE_BAD_ANSWER, e.code());
    }
  }

  @Test
  void signedBytesCoverEveryFieldAndTheRequestNonce() {
    List<byte[]> forms = List.of(R.signedBytes("n1"), R.signedBytes("n2"),
        new ExecResult("req-2", "box", 0, "hé\n", "warn\n", 1234, false, true, 3_000_000, 5, 7, null).signedBytes("n1"),
        new ExecResult("req-1", "box", 1, "hé\n", "warn\n", 1234, false, true, 3_000_000, 5, 7, null).signedBytes("n1"),
        new ExecResult("req-1", "box", 0, "he\n", "warn\n", 1234, false, true, 3_000_000, 5, 7, null).signedBytes("n1"),
        new ExecResult("req-1", "box", 0, "hé\n", "warn", 1234, false, true, 3_000_000, 5, 7, null).signedBytes("n1"),
        new ExecResult("req-1", "box", 0, "hé\n", "warn\n", 1234, true, true, 3_000_000, 5, 7, null).signedBytes("n1"),
        new ExecResult("req-1", "box", 0, "hé\n", "warn\n", 1234, false, false, 3_000_000, 5, 7, null)
            .signedBytes("n1"),
        new ExecResult("req-1", "box", 0, "hé\n", "warn\n", 1234, false, true, 3_000_000, 5, 8, null)
            .signedBytes("n1"));
    Set<String> distinct = new HashSet<>();
    forms.forEach(f -> distinct.add(Arrays.toString(f)));
    assertEquals(forms.size(), distinct.size());
  }
}
