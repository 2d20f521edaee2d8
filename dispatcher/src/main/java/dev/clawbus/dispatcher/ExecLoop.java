package dev.clawbus.dispatcher;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.exec.ExecErrors;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import dev.clawbus.parser.LoopGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The decisions of the server-side tool loop of one answer, without I/O. For a tenant or model with an exec node,
 * the model's {@code exec} calls are kept from the client ({@link #intercepts}); when a round of the model's output
 * ends with some, the loop records the round (its content and calls), then runs each call in order — recording it
 * as started before it is sent and its result once it is back — and asks vLLM again with the round's assistant
 * message and a {@code tool} message per call, until the model answers without {@code exec} or the loop guard
 * stops it.
 *
 * <p>Rules:
 * <ul>
 *   <li><b>Both kinds of calls in one round</b>: the other calls go to the client as usual (finish reason
 *       {@code tool_calls}) and the round's {@code exec} calls are not run — nothing runs whose result could not
 *       reach the model; a note in {@code reasoning_content} says so, and the model asks again if it still needs
 *       them.</li>
 *   <li><b>Loop guard</b>: before a round's calls run, the conversation with the round's assistant message is checked
 *       by the same {@link LoopGuard} rules as a client request ({@code --loop-max-repeats},
 *       {@code --loop-max-calls-per-turn}); when it says stop, nothing runs and the answer ends with its reason as
 *       content, finish reason {@code stop}.</li>
 *   <li><b>Unknown outcome</b>: a call recorded as started without a recorded result (the node that ran the loop
 *       died meanwhile) is never sent again; its tool message says the outcome is unknown. The same holds for the
 *       errors after which the command may have run ({@code node_gone}, {@code node_timeout}, ...).</li>
 * </ul>
 * State is rebuilt from the step records ({@link #restore}), so a node that takes the answer over continues after
 * the last recorded step. Times come from the caller ({@code now}), never from a clock here.
 */
final class ExecLoop {
  /** The tool the loop runs: OpenClaw's shell tool. */
  static final String TOOL = "exec";
  /** A stream longer than head + tail is cut in the middle for the model (build errors are at the end). */
  static final int HEAD_CHARS = 2_000;
  static final int TAIL_CHARS = 6_000;
  /** Errors after which the command may have run: never retried, reported as an unknown outcome. */
  static final Set<String> OUTCOME_UNKNOWN = Set.of(ExecErrors.NODE_GONE, ExecErrors.NODE_TIMEOUT,
      ExecErrors.NODE_BAD_ANSWER, "gateway_stopping", "exec_failed");

  /** One exec call of a round: its place, the id it gets in the conversation, its arguments as the model wrote them. */
  record Call(int round, int index, String id, String arguments) {}

  /** What the end of a round with exec calls means. */
  sealed interface Decision {}

  /** Other tool calls went to the client: the round's exec calls are dropped; {@code note} says so. */
  record HandToClient(String note) implements Decision {}

  /** The loop guard stopped the loop: nothing runs, the answer ends with {@code text}. */
  record Stop(String text) implements Decision {}

  /** The round is recorded by {@code records} (durably, before anything runs); then {@link #next} says what to do. */
  record Run(List<JsonObject> records) implements Decision {}

  /** The next thing to do inside a recorded round. */
  sealed interface Step {}

  /**
   * Send {@code request} to the node, once {@code started} is durable; {@code visible} is shown first.
   */
  record Execute(Call call, ExecRequest request, JsonObject started, String visible) implements Step {}

  /** A call that is not sent (started before without a result, or unusable arguments): record and show it. */
  record Resolved(Call call, Outcome outcome) implements Step {}

  /** Every call of the round has a result: ask vLLM again with {@code body}. */
  record NextRound(JsonObject body) implements Step {}

  /** A call's outcome: the {@code record} to make durable, the tool message text, and what the client sees. */
  record Outcome(JsonObject record, String text, String visible, String timeline) {}

  private static final class Round {
    final int number;
    final String content;
    final List<Call> calls;
    final long[] startedAt;
    final String[] results;
    /** The answer's sequence number when the round was recorded: events after it belong to later rounds. */
    final long seq;

    Round(int number, String content, List<Call> calls, long seq) {
      this.number = number;
      this.content = content;
      this.calls = calls;
      this.startedAt = new long[calls.size()];
      java.util.Arrays.fill(startedAt, -1);
      this.results = new String[calls.size()];
      this.seq = seq;
    }

    boolean complete() {
      for (String r : results) {
        if (r == null) return false;
      }
      return true;
    }
  }

  private final RequestEnvelope env;
  private final String node;
  private final LoopGuard guard;
  private final List<Round> rounds = new ArrayList<>();
  private final StringBuilder content = new StringBuilder();
  private final List<String> held = new ArrayList<>();

  /**
   * @param node  the node host that runs this answer's exec calls
   * @param guard the loop guard with the configured limits
   */
  ExecLoop(RequestEnvelope env, String node, LoopGuard guard) {
    this.env = env;
    this.node = node;
    this.guard = guard;
  }

  /** The exec node of a request: the tenant's ({@code exec.node} in the tenants file) before the model's. */
  static String nodeFor(String tenantExecNode, String modelExecNode) {
    return tenantExecNode != null ? tenantExecNode : modelExecNode;
  }

  String node() {
    return node;
  }

  /** Whether a call of this tool is the loop's, not the client's. */
  boolean intercepts(String toolName) {
    return TOOL.equals(toolName);
  }

  /** Content the client saw in the current round: the round's assistant message carries it. */
  void content(String text) {
    content.append(text);
  }

  /** An exec call of the current round (complete: the parser emits whole calls). */
  void hold(String argumentsJson) {
    held.add(argumentsJson);
  }

  /** Exec calls of the current round so far. */
  int held() {
    return held.size();
  }

  /** Rounds recorded. */
  int rounds() {
    return rounds.size();
  }

  /** A recorded round still has calls without a result: they come before the next vLLM call. */
  boolean pending() {
    return !rounds.isEmpty() && !rounds.get(rounds.size() - 1).complete();
  }

  /** The first sequence number after the recorded rounds: earlier events belong to them (0: none recorded). */
  long recordedSeq() {
    return rounds.isEmpty() ? 0 : rounds.get(rounds.size() - 1).seq;
  }

  /**
   * The current round ended with exec calls ({@link #held()} &gt; 0).
   *
   * @param otherCallsShown the round also gave the client calls of other tools
   * @param seq             the answer's next sequence number
   */
  Decision endRound(boolean otherCallsShown, long seq, long now) {
    List<String> calls = List.copyOf(held);
    String text = content.toString();
    held.clear();
    content.setLength(0);
    if (otherCallsShown) {
      return new HandToClient("[clawbus: " + calls.size() + " exec call" + (calls.size() == 1 ? " was" : "s were")
          + " not run on node '" + node + "' because this answer also calls other tools; ask again if still "
          + "needed]\n");
    }
    int r = rounds.size();
    List<Call> list = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) list.add(new Call(r, i, callId(r, i), calls.get(i)));
    Round round = new Round(r, text, List.copyOf(list), seq);
    JsonArray messages = messages();
    messages.add(assistant(round));
    Optional<String> stop = guard.check(messages);
    if (stop.isPresent()) {
      return new Stop((text.isEmpty() ? "" : "\n\n") + stop.get());
    }
    rounds.add(round);
    JsonArray recorded = new JsonArray();
    for (Call c : round.calls) recorded.add(new JsonObject().put("id", c.id()).put("arguments", c.arguments()));
    return new Run(List.of(new JsonObject().put("k", "round").put("r", r).put("content", text)
        .put("calls", recorded).put("seq", seq).put("at", now)));
  }

  /** What to do next in the last recorded round; call after each outcome is recorded. */
  Step next(long now) {
    Round round = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
    int i = round == null ? -1 : firstWithoutResult(round);
    if (i < 0) {
      return new NextRound(nextBody());
    }
    Call call = round.calls.get(i);
    if (round.startedAt[i] >= 0) {
      long ago = Math.max(0, now - round.startedAt[i]) / 1000;
      return new Resolved(call, outcome(call, "[outcome unknown: this command was sent to node '" + node + "' " + ago
          + " s ago and the clawbus node running this answer stopped before its result was recorded; it was not run "
          + "again. Check its effects before repeating it]", null, "outcome unknown (not run again after a takeover)",
          now));
    }
    ExecRequest request;
    String command;
    try {
      JsonObject args = new JsonObject(call.arguments());
      request = ExecRequest.fromApi(execId(call), env.tenant(), node, args);
      command = request.command();
    } catch (OpenAiError e) {
      return new Resolved(call, outcome(call, "[not run: invalid exec arguments: " + e.getMessage() + "]", null,
          "not run: invalid arguments", now));
    } catch (RuntimeException notJson) {
      return new Resolved(call, outcome(call, "[not run: the exec arguments are not a JSON object]", null,
          "not run: invalid arguments", now));
    }
    round.startedAt[i] = now;
    JsonObject started = new JsonObject().put("k", "started").put("r", call.round()).put("c", call.index())
        .put("at", now);
    return new Execute(call, request, started, "[exec on " + node + "] $ " + command + "\n");
  }

  /** The node's result of a call that ran. */
  Outcome finished(Call call, ExecResult r, long now) {
    StringBuilder sb = new StringBuilder();
    if (!r.stdout().isEmpty()) sb.append(cut(r.stdout())).append(endLine(r.stdout()));
    if (!r.stderr().isEmpty()) sb.append("[stderr]\n").append(cut(r.stderr())).append(endLine(r.stderr()));
    if (r.stdout().isEmpty() && r.stderr().isEmpty()) sb.append("(no output)\n");
    if (r.timedOut()) {
      sb.append("[timed out: the command was killed after ").append(r.durationMs() / 1000).append(" s, exit code ")
          .append(r.exitCode()).append(']');
    } else {
      sb.append("[exit code ").append(r.exitCode()).append(", ").append(r.durationMs()).append(" ms]");
    }
    return outcome(call, sb.toString(), r.exitCode(), "exit " + r.exitCode() + " in " + r.durationMs() + " ms"
        + (r.timedOut() ? " (timed out)" : ""), now);
  }

  /** The call failed at the node or on the way: refused (it did not run) or lost (its outcome is unknown). */
  Outcome failed(Call call, OpenAiError e, long now) {
    boolean unknown = e.code() != null && OUTCOME_UNKNOWN.contains(e.code());
    String text = (unknown ? "[outcome unknown: " : "[not run: ") + e.getMessage()
        + (e.code() == null ? "" : " (" + e.code() + ")") + (unknown ? "; it was not run again]" : "]");
    return outcome(call, text, null, (unknown ? "outcome unknown: " : "not run: ") + e.code(), now);
  }

  private Outcome outcome(Call call, String text, Integer exitCode, String timeline, long now) {
    rounds.get(call.round()).results[call.index()] = text;
    JsonObject record = new JsonObject().put("k", "result").put("r", call.round()).put("c", call.index())
        .put("text", text).put("exit_code", exitCode).put("at", now);
    return new Outcome(record, text, text + "\n", timeline);
  }

  /** Rebuilds the loop from the answer's step records (in the order they were written). */
  void restore(List<JsonObject> records) {
    for (JsonObject s : records) {
      switch (s.getString("k", "")) {
        case "round" -> {
          JsonArray calls = s.getJsonArray("calls", new JsonArray());
          List<Call> list = new ArrayList<>(calls.size());
          int r = s.getInteger("r");
          for (int i = 0; i < calls.size(); i++) {
            JsonObject c = calls.getJsonObject(i);
            list.add(new Call(r, i, c.getString("id"), c.getString("arguments")));
          }
          if (r == rounds.size()) rounds.add(new Round(r, s.getString("content", ""), list, s.getLong("seq", -1L)));
        }
        case "started" -> {
          Round round = round(s);
          if (round != null) round.startedAt[s.getInteger("c")] = s.getLong("at", 0L);
        }
        case "result" -> {
          Round round = round(s);
          if (round != null) round.results[s.getInteger("c")] = s.getString("text", "");
        }
        default -> { }
      }
    }
  }

  private Round round(JsonObject s) {
    Integer r = s.getInteger("r");
    Integer c = s.getInteger("c");
    if (r == null || c == null || r < 0 || r >= rounds.size()) return null;
    Round round = rounds.get(r);
    return c >= 0 && c < round.calls.size() ? round : null;
  }

  /**
   * The body of the next round: the request with every recorded round appended (assistant message, then one
   * {@code tool} message per call). A forced {@code tool_choice} is satisfied by the first round and becomes
   * {@code auto}, or the model could never answer. {@code max_tokens} shrinks by what the loop added to the prompt
   * (3 characters a token, the transformer's conservative estimate), so prompt plus answer stay within the window
   * it was clamped to.
   */
  JsonObject nextBody() {
    JsonObject body = env.body().copy();
    if (rounds.isEmpty()) return body;
    JsonArray added = new JsonArray();
    for (Round r : rounds) {
      added.add(assistant(r));
      for (Call c : r.calls) {
        added.add(new JsonObject().put("role", "tool").put("tool_call_id", c.id())
            .put("content", r.results[c.index()] == null ? "" : r.results[c.index()]));
      }
    }
    body.getJsonArray("messages").addAll(added);
    Object choice = body.getValue("tool_choice");
    if ("required".equals(choice) || choice instanceof JsonObject) body.put("tool_choice", "auto");
    if (body.getValue("max_tokens") instanceof Number max) {
      body.put("max_tokens", (int) Math.max(1, max.longValue() - added.encode().length() / 3));
    }
    return body;
  }

  /** The request's messages and every recorded round, for the loop guard. */
  private JsonArray messages() {
    return nextBody().getJsonArray("messages");
  }

  private static JsonObject assistant(Round r) {
    JsonArray calls = new JsonArray();
    for (Call c : r.calls) {
      calls.add(new JsonObject().put("id", c.id()).put("type", "function").put("function", new JsonObject()
          .put("name", TOOL).put("arguments", c.arguments())));
    }
    return new JsonObject().put("role", "assistant").put("content", r.content).put("tool_calls", calls);
  }

  private static int firstWithoutResult(Round r) {
    for (int i = 0; i < r.results.length; i++) {
      if (r.results[i] == null) return i;
    }
    return -1;
  }

  /** Tool-call ids of the loop's calls: alphanumeric, unique in the conversation, the same on every node. */
  private String callId(int round, int index) {
    String base = "call" + env.id().replaceAll("[^A-Za-z0-9]", "");
    return (base.length() > 28 ? base.substring(0, 28) : base) + "x" + round + "n" + index;
  }

  /**
   * The exec request id of a call: the same on every node that runs this answer (the audit record's key, so an
   * operator finds a call's start and end in {@code clawbus.exec.audit}), tenant-qualified when it fits.
   */
  String execId(Call call) {
    String suffix = ":r" + call.round() + "c" + call.index();
    String full = env.tenant() + ":" + env.id() + suffix;
    return full.length() <= 128 ? full : env.id() + suffix;
  }

  /** A stream cut for the model: head, a marker with what was left out, tail. */
  static String cut(String s) {
    if (s.length() <= HEAD_CHARS + TAIL_CHARS) return s;
    int omitted = s.length() - HEAD_CHARS - TAIL_CHARS;
    return s.substring(0, HEAD_CHARS) + "\n[clawbus: " + omitted + " characters omitted]\n"
        + s.substring(s.length() - TAIL_CHARS);
  }

  private static String endLine(String s) {
    return s.endsWith("\n") ? "" : "\n";
  }
}
