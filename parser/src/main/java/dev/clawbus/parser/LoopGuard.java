package dev.clawbus.parser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * Request-time check that stops an agent stuck in a loop, looking only at the current turn (the messages
 * after the last user message): never at the whole history, so a long productive conversation is never
 * refused.
 */
public final class LoopGuard {
  /**
   * Five identical calls in a row: agents legitimately retry a command two or three times (flaky network, a
   * build re-run after a fix elsewhere), but five times the same call with the same arguments, with nothing
   * else in between, means the model no longer reads the results.
   */
  public static final int DEFAULT_MAX_REPEATS = 5;

  /**
   * Sixty calls for one user message: long coding tasks take 20–40 tool calls per request in practice;
   * beyond 60 a turn is almost always churning, and the user should get control back.
   */
  public static final int DEFAULT_MAX_CALLS_PER_TURN = 60;

  private final int maxRepeats;
  private final int maxCallsPerTurn;

  public LoopGuard() {
    this(DEFAULT_MAX_REPEATS, DEFAULT_MAX_CALLS_PER_TURN);
  }

  /** A limit of 0 or less disables that check. */
  public LoopGuard(int maxRepeats, int maxCallsPerTurn) {
    this.maxRepeats = maxRepeats;
    this.maxCallsPerTurn = maxCallsPerTurn;
  }

  /** The reason to stop (text for the assistant's stop message), if the current turn is looping. */
  public Optional<String> check(JsonArray messages) {
    if (messages == null || messages.isEmpty()) return Optional.empty();
    int turnStart = 0;
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.getValue(i) instanceof JsonObject m && "user".equals(m.getValue("role"))) {
        turnStart = i + 1;
        break;
      }
    }
    int total = 0;
    int repeats = 0;
    boolean trailing = true; // still in the run of identical calls at the end of the history
    String lastName = null;
    Object lastArgs = null;
    for (int i = messages.size() - 1; i >= turnStart; i--) {
      if (!(messages.getValue(i) instanceof JsonObject m) || !"assistant".equals(m.getValue("role"))) continue;
      JsonArray calls = m.getValue("tool_calls") instanceof JsonArray a ? a : null;
      if (calls == null || calls.isEmpty()) {
        trailing = false; // an assistant message without calls ends the run
        continue;
      }
      for (int j = calls.size() - 1; j >= 0; j--) {
        total++;
        if (!trailing) continue;
        JsonObject fn = calls.getValue(j) instanceof JsonObject c && c.getValue("function") instanceof JsonObject f
            ? f : new JsonObject();
        String name = fn.getValue("name") instanceof String s ? s : "";
        Object args = canonicalArguments(fn.getValue("arguments"));
        if (lastName == null) {
          lastName = name;
          lastArgs = args;
          repeats = 1;
        } else if (lastName.equals(name) && lastArgs.equals(args)) {
          repeats++;
        } else {
          trailing = false;
        }
      }
    }
    if (maxRepeats > 0 && repeats >= maxRepeats) {
      return Optional.of("Stopped: the tool call " + lastName + " was repeated " + repeats
          + " times with the same arguments without progress.");
    }
    if (maxCallsPerTurn > 0 && total > maxCallsPerTurn) {
      return Optional.of("Stopped: " + total + " tool calls since the last user message exceed the limit of "
          + maxCallsPerTurn + ".");
    }
    return Optional.empty();
  }

  /** Arguments compared as JSON values, so key order and spacing do not hide a repeat. */
  private static Object canonicalArguments(Object raw) {
    if (raw instanceof String s) {
      Object v = JsonValues.parse(s);
      return v == JsonValues.FAIL ? s : v;
    }
    return raw == null ? "" : raw;
  }
}
