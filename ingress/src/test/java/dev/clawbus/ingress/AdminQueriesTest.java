package dev.clawbus.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.Status;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminQueriesTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
  static final long NOW = CLOCK.millis();
  static final ErrorInfo DOWN = new ErrorInfo(503, "service_unavailable", "vllm_unavailable", "down");

  static DeadLetter letter(String tenant, String id, long failedAt) {
    RequestEnvelope env = new RequestEnvelope(id, tenant, Api.CHAT, "m", "chatcmpl-" + id, 1, true, false, false,
        "auto", "split", new JsonObject().put("model", "m"), failedAt - 100, failedAt, "A", null, null, null, 10);
    return DeadLetter.of(env, DOWN, 2, "node-a", failedAt);
  }

  static OpenAiError refused(Runnable r) {
    OpenAiError e = assertThrows(OpenAiError.class, r::run);
    assertEquals(400, e.status());
    return e;
  }

  static MultiMap params(String... kv) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < kv.length; i += 2) m.add(kv[i], kv[i + 1]);
    return m;
  }

  @Test
  void rangesReadTimesTenantsAndLimitsAndNameTheParameterTheyRefuse() {
    AdminQueries.Range r = AdminQueries.range(params("since", "1h", "until", "2026-11-29T11:30:00Z", "tenant",
        "team-a", "limit", "5"), CLOCK);
    assertEquals(NOW - 3_600_000L, r.since());
    assertEquals(NOW - 1_800_000L, r.until());
    assertEquals("team-a", r.tenant());
    assertEquals(5, r.limit());
    assertTrue(r.keeps("team-a/x"));
    assertFalse(r.keeps("team-ab/x"), "a tenant is matched whole");
    assertFalse(r.keeps(null));
    AdminQueries.Range open = AdminQueries.range(params(), CLOCK);
    assertNull(open.since());
    assertEquals(AdminQueries.DEFAULT_LIMIT, open.limit());
    assertTrue(open.keeps("anyone/x"));
    assertEquals("since", refused(() -> AdminQueries.range(params("since", "yesterday"), CLOCK)).param());
    assertEquals("until", refused(() -> AdminQueries.range(params("since", "1h", "until", "2h"), CLOCK)).param());
    assertEquals("tenant", refused(() -> AdminQueries.range(params("tenant", "a/b"), CLOCK)).param());
    for (String bad : new String[] {"0", "1001", "x", "-3"}) {
      assertEquals("limit", refused(() -> AdminQueries.range(params("limit", bad), CLOCK)).param());
    }
    assertEquals(Status.FAILED, AdminQueries.status("failed"));
    assertNull(AdminQueries.status(null));
    assertEquals("status", refused(() -> AdminQueries.status("lost")).param());
  }

  @Test
  void aReplayIsIdsOrAFilterAndNothingElse() {
    AdminQueries.ReplayAsk ids = AdminQueries.replayAsk(new JsonObject().put("ids", new JsonArray()
        .add("abc12345").add("team-b/xyz").add("abc12345")).put("tenant", "team-a").put("force", true), CLOCK);
    assertTrue(ids.byIds());
    assertEquals(List.of(new AdminQueries.Target("team-a", "abc12345"), new AdminQueries.Target("team-b", "xyz")),
        ids.ids(), "the call's tenant for plain ids, duplicates once");
    assertTrue(ids.force());
    assertFalse(ids.dryRun());
    assertTrue(ids.mayMean("team-a/abc12345"));
    assertFalse(ids.mayMean("team-c/abc12345"));
    assertFalse(ids.mayMean(null));

    AdminQueries.ReplayAsk filter = AdminQueries.replayAsk(new JsonObject().put("since", "30m").put("dry_run", true),
        CLOCK);
    assertFalse(filter.byIds());
    assertTrue(filter.dryRun());
    assertEquals(NOW - 1_800_000L, filter.range().since());
    assertTrue(filter.mayMean("anyone/x"));

    assertEquals("ids", refused(() -> AdminQueries.replayAsk(new JsonObject(), CLOCK)).param());
    assertEquals("ids", refused(() -> AdminQueries.replayAsk(new JsonObject().put("ids", new JsonArray()), CLOCK))
        .param());
    assertEquals("ids", refused(() -> AdminQueries.replayAsk(new JsonObject().put("ids", "abc"), CLOCK)).param());
    assertEquals("ids", refused(() -> AdminQueries.replayAsk(new JsonObject().put("ids", new JsonArray().add(7)),
        CLOCK)).param());
    for (String bad : new String[] {"a b", "/x", "t//x", "a/b/c", "", "x".repeat(129)}) {
      assertEquals("ids", refused(() -> AdminQueries.replayAsk(new JsonObject().put("ids", new JsonArray().add(bad)),
          CLOCK)).param(), bad);
    }
    assertEquals("force", refused(() -> AdminQueries.replayAsk(new JsonObject().put("ids", new JsonArray().add("a"))
        .put("force", "yes"), CLOCK)).param());
    assertEquals("since", refused(() -> AdminQueries.replayAsk(new JsonObject().put("since", 5), CLOCK)).param());
    assertEquals("tenant", refused(() -> AdminQueries.replayAsk(new JsonObject().put("since", "1h").put("tenant", 5),
        CLOCK)).param());
    assertEquals("idz", refused(() -> AdminQueries.replayAsk(new JsonObject().put("idz", new JsonArray()), CLOCK))
        .param(), "an unknown field is named, not ignored");
    assertNull(refused(() -> AdminQueries.replayAsk(null, CLOCK)).param());
  }

  @Test
  void idsFindTheirLatestDeadLetterAndSayWhenNoneOrSeveralTenantsMatch() {
    DeadLetter a1 = letter("team-a", "dup-1", NOW - 5_000);
    DeadLetter a1again = letter("team-a", "dup-1", NOW - 1_000);
    DeadLetter b1 = letter("team-b", "dup-1", NOW - 2_000);
    DeadLetter a2 = letter("team-a", "only-a", NOW - 3_000);
    DeadLetter unreadable = DeadLetter.unreadable("team-a/junk", "{", "not JSON", "n", NOW);
    List<DeadLetter> topic = List.of(a1, b1, a2, a1again, unreadable);

    List<AdminQueries.Item> byIds = AdminQueries.resolve(AdminQueries.replayAsk(new JsonObject().put("ids",
        new JsonArray().add("only-a").add("dup-1").add("team-a/dup-1").add("missing")), CLOCK), topic);
    assertEquals(4, byIds.size());
    assertEquals(a2, byIds.get(0).letter());
    assertNull(byIds.get(1).letter());
    assertEquals("dead letters of several tenants [team-a, team-b] have this id: name it as tenant/id",
        byIds.get(1).problem());
    assertEquals(a1again, byIds.get(2).letter(), "the latest dead letter of a request");
    assertEquals("not in the dead-letter topic", byIds.get(3).problem());

    List<AdminQueries.Item> byFilter = AdminQueries.resolve(AdminQueries.replayAsk(new JsonObject()
        .put("since", "1h").put("tenant", "team-a"), CLOCK), topic);
    assertEquals(List.of("only-a", "dup-1", "junk"), byFilter.stream().map(i -> i.letter() == null ? i.target().id()
        : i.letter().key().substring(7)).toList(), "each request of the tenant once, latest letter");
    assertEquals(a1again, byFilter.get(1).letter());
    assertEquals("the dead letter holds no readable request", byFilter.get(2).problem());
  }

  @Test
  void aDeadLetterIsListedWithoutItsBodyUnlessAskedFor() {
    DeadLetter d = letter("team-a", "r1", NOW);
    JsonObject v = AdminQueries.view(d, "new-1", false);
    assertEquals("r1", v.getString("id"));
    assertEquals("new-1", v.getString("replayed_as"));
    assertEquals("m", v.getString("model"));
    assertEquals(DOWN.toJson(), v.getJsonObject("error"));
    assertTrue(v.getBoolean("replayable"));
    assertFalse(v.containsKey("request"));
    assertEquals(new JsonObject().put("model", "m"), AdminQueries.view(d, null, true).getJsonObject("request"));
  }
}
