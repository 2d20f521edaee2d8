package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoopGuardTest {
  private static JsonObject user(String text) {
    return new JsonObject().put("role", "user").put("content", text);
  }

  private static JsonObject call(String name, String args) {
    return new JsonObject().put("role", "assistant").put("content", (String) null).put("tool_calls", new JsonArray()
        .add(new JsonObject().put("id", "c").put("type", "function")
            .put("function", new JsonObject().put("name", name).put("arguments", args))));
  }

  private static JsonObject result() {
    return new JsonObject().put("role", "tool").put("tool_call_id", "c").put("content", "ok");
  }

  private static JsonArray turn(JsonArray history, int times, String name, String args) {
    for (int i = 0; i < times; i++) history.add(call(name, args)).add(result());
    return history;
  }

  @Test
  void sameCallRepeatedAtTheEndStops() {
    JsonArray h = turn(new JsonArray().add(user("go")), 3, "exec", "{\"command\":\"ls\"}");
    LoopGuard g = new LoopGuard(3, 60);
    Optional<String> stop = g.check(h);
    assertTrue(stop.isPresent());
    assertTrue(stop.get().contains("exec"), stop.get());
    assertEquals(Optional.empty(), new LoopGuard(4, 60).check(h));
  }

  @Test
  void argumentsAreComparedAsJson() {
    JsonArray h = new JsonArray().add(user("go"))
        .add(call("exec", "{\"command\":\"ls\",\"a\":1}")).add(result())
        .add(call("exec", "{ \"a\": 1, \"command\": \"ls\" }")).add(result());
    assertTrue(new LoopGuard(2, 60).check(h).isPresent());
  }

  @Test
  void differentCallsInBetweenDoNotCount() {
    JsonArray h = new JsonArray().add(user("go"));
    turn(h, 2, "exec", "{\"command\":\"ls\"}");
    turn(h, 1, "exec", "{\"command\":\"pwd\"}");
    turn(h, 2, "exec", "{\"command\":\"ls\"}");
    assertEquals(Optional.empty(), new LoopGuard(3, 60).check(h));
  }

  @Test
  void repeatsBeforeTheLastUserMessageDoNotCount() {
    JsonArray h = turn(new JsonArray().add(user("first")), 10, "exec", "{\"command\":\"ls\"}");
    h.add(new JsonObject().put("role", "assistant").put("content", "done"));
    h.add(user("again"));
    turn(h, 2, "exec", "{\"command\":\"ls\"}");
    assertEquals(Optional.empty(), new LoopGuard(3, 60).check(h));
  }

  @Test
  void tooManyCallsInTheTurnStopsButNotAcrossTheHistory() {
    JsonArray h = new JsonArray();
    for (int turnNo = 0; turnNo < 10; turnNo++) {
      h.add(user("task " + turnNo));
      for (int i = 0; i < 8; i++) h.add(call("exec", "{\"n\":" + i + "}")).add(result());
    }
    LoopGuard g = new LoopGuard(5, 10);
    assertEquals(Optional.empty(), g.check(h), "80 calls in history, 8 in this turn");
    for (int i = 0; i < 3; i++) h.add(call("read", "{\"p\":" + i + "}")).add(result());
    Optional<String> stop = g.check(h);
    assertTrue(stop.isPresent());
    assertTrue(stop.get().contains("11"), stop.get());
  }

  @Test
  void parallelCallsCountOneByOne() {
    JsonObject m = call("exec", "{}");
    m.getJsonArray("tool_calls").add(m.getJsonArray("tool_calls").getJsonObject(0).copy());
    JsonArray h = new JsonArray().add(user("go")).add(m);
    assertTrue(new LoopGuard(2, 60).check(h).isPresent());
    assertTrue(new LoopGuard(0, 1).check(h).isPresent());
    assertEquals(Optional.empty(), new LoopGuard(3, 2).check(h));
  }

  @Test
  void emptyOrNullHistoryIsFine() {
    assertEquals(Optional.empty(), new LoopGuard().check(null));
    assertEquals(Optional.empty(), new LoopGuard().check(new JsonArray()));
    assertEquals(5, LoopGuard.DEFAULT_MAX_REPEATS);
  }
}
