package dev.clawbus.infra.contract.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecAuditTest {
  @Test
  void startAndEndRecordsRoundTrip() {
    ExecAudit start = ExecAudit.started(10, "team-a", "req-1", "box", "ls -l", "direct", "/usr/bin/ls");
    ExecAudit end = start.ended(20, 0, 9, 100, 2, false, false, null);
    for (ExecAudit a : new ExecAudit[] {start, end}) {
      assertEquals(a, ExecAudit.fromJson(new JsonObject(a.toJson().encode())));
    }
    assertEquals(ExecAudit.START, start.phase());
    assertNull(start.exitCode());
    assertEquals(ExecAudit.END, end.phase());
    assertEquals(0, end.exitCode());
    assertEquals("req-1", end.key());
    assertEquals(Set.of("phase", "at", "tenant", "request_id", "node", "command", "decision", "mode", "executable",
        "reason", "exit_code", "duration_ms", "stdout_bytes", "stderr_bytes", "timed_out", "truncated"),
        end.toJson().fieldNames());
  }

  @Test
  void aRefusalIsOneEndRecordWithItsReason() {
    ExecAudit r = ExecAudit.refused(5, "t", null, "box", "rm -rf /", ExecAudit.DENIED, "not in the allowlist");
    ExecAudit back = ExecAudit.fromJson(r.toJson());
    assertEquals(r, back);
    assertEquals(ExecAudit.END, back.phase());
    assertEquals("not in the allowlist", back.reason());
    assertEquals("box", back.key());
  }

  @Test
  void rejectsWhatIsNotARecord() {
    assertThrows(IllegalArgumentException.class, () -> ExecAudit.fromJson(new JsonObject().put("phase", "x")));
    assertThrows(IllegalArgumentException.class, () -> ExecAudit.fromJson(
        ExecAudit.refused(1, "t", "r", "n", "c", "denied", "x").toJson().put("exit_code", "zero")));
  }
}
