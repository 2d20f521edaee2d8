package dev.clawbus.dispatcher;

import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.parser.ParserOptions;
import dev.clawbus.parser.ParserSink;
import dev.clawbus.parser.StreamingToolParser;
import dev.clawbus.parser.ToolParsers;
import dev.clawbus.parser.ToolSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * The decisions of one response, without I/O: what the client sees of vLLM's stream (through the model
 * family's tool-call parser), whether a failed attempt is retried, from where a continuation resumes (never
 * inside an unfinished tool call), what the continuation asks vLLM for, and when the answer ends. Driven by
 * events from {@link ResponseRun} — an attempt's HTTP status, each chunk's fields, the end of the stream, a
 * failure, the passing of time (every method takes {@code now}) — and writing to an {@link Output}. Tested
 * without a network.
 */
final class ResponseCore implements ParserSink {
  /** Knobs from the configuration. */
  record Settings(long stallMillis, long vllmWaitMillis, int maxAttempts) {}

  /** Where the core's output goes: the journal, which stores and delivers. */
  interface Output {
    void event(StreamEvent e);

    void appendRaw(CharSequence text);

    void truncateRaw(int length);
  }

  /** What to do after an attempt failed. */
  sealed interface Decision {}

  /** Wait {@code backoffMillis}, then for vLLM's health until {@code deadline}, then try again. */
  record Retry(long backoffMillis, long deadline) implements Decision {}

  /** The answer has ended (failed, or finished with the tool calls already made). */
  record Ended() implements Decision {}

  private final RequestEnvelope env;
  private final Settings settings;
  private final Output out;
  /** When the answer ends (epoch milliseconds): the time its terminal event carries, taken once here. */
  private final LongSupplier clock;
  private final ChunkWriter writer;
  private final String parserFormat;
  private final ParserOptions parserOptions;
  private StreamingToolParser parser;

  /** Everything the model generated as content so far: the prefix a continuation resumes from. */
  private final StringBuilder raw = new StringBuilder();
  private long seq;
  private int generatedTokens;
  private Integer promptTokens;
  private int completionTokens;
  private boolean roleSent;
  private boolean sawToolCalls;
  private boolean sawStructuredCalls;
  private OpenAiError error;
  private boolean ended;
  /** The time the terminal event carries; 0 before the answer ended. */
  private long endedAt;
  private String finishReason;
  private int attempts;
  private int structuredIndexBase;
  private int structuredIndexMax = -1;
  private long lastDataAt;
  private long waitStartedAt;
  /** When the first token reached the journal (the clock of the chunk that carried it); -1 before. */
  private long firstOutputAt = -1;

  // ---- the server-side tool loop (ExecLoop): null loop, and none of this matters ----
  /** Runs the answer's {@code exec} calls itself; null: every tool call goes to the client. */
  private final ExecLoop loop;
  /** What the current round asks vLLM: the request itself until the loop has recorded a round. */
  private JsonObject roundBody;
  /** The round ended with exec calls: the loop runs them before the next round ({@link #endRound}). */
  private boolean awaitingTools;
  /** Calls shown to the client, numbered from 0 (the loop's calls are not shown, so the parser's index is not). */
  private int clientCalls;
  private int roundStartAttempts;
  private int earlierPromptTokens;

  /**
   * @param resumeFrom what an earlier run of this request recorded (empty for a new request): the core continues
   *     after it, as if it had produced it
   */
  ResponseCore(RequestEnvelope env, Settings settings, Output out, Recorded resumeFrom) {
    this(env, settings, out, resumeFrom, null);
  }

  /** @param loop the server-side tool loop of this answer, or null when its tool calls all go to the client */
  ResponseCore(RequestEnvelope env, Settings settings, Output out, Recorded resumeFrom, ExecLoop loop) {
    this(env, settings, out, resumeFrom, loop, System::currentTimeMillis);
  }

  /**
   * @param clock the wall clock (epoch milliseconds) that dates the answer's end: read once, when the terminal event
   *     is made, and carried by it (the request's record and every rendering of the response show that time)
   */
  ResponseCore(RequestEnvelope env, Settings settings, Output out, Recorded resumeFrom, ExecLoop loop,
      LongSupplier clock) {
    this.env = env;
    this.clock = clock;
    this.loop = loop;
    this.settings = settings;
    this.out = out;
    this.writer = ChunkWriter.of(env);
    this.parserFormat = env.parser();
    this.parserOptions = parserOptions(env);
    this.parser = ToolParsers.create(parserFormat, parserOptions);
    if (loop != null) {
      loop.restore(resumeFrom.steps());
      if (loop.rounds() > 0 && !loop.pending()) roundBody = loop.nextBody();
    }
    if (!resumeFrom.events().isEmpty()) {
      resume(resumeFrom);
    }
  }

  /**
   * Takes over a response another run started: its events are already with the client, so the parser is brought
   * to the same state by replaying the raw text into a sink that sends nothing.
   */
  private void resume(Recorded r) {
    seq = r.lastSeq() + 1;
    roleSent = true;
    raw.append(r.raw());
    long roundFrom = loop == null ? 0 : loop.recordedSeq();
    for (StreamEvent e : r.events()) {
      // Content chunks stand for the tokens generated (the role chunk carries an empty content: not one).
      if (e.seq() >= roundFrom && e.type() == StreamEvent.CHUNK && e.data().contains("\"content\":")
          && !e.data().contains("\"role\":")) {
        generatedTokens++;
      }
    }
    clientCalls = replay(parser, raw, loop);
    sawToolCalls = clientCalls > 0;
  }

  /** Feeds {@code text} to {@code p} without sending anything; returns how many tool calls it held. */
  private static int replay(StreamingToolParser p, CharSequence text) {
    return replay(p, text, null);
  }

  /**
   * As {@link #replay(StreamingToolParser, CharSequence)}; with a loop, its calls and the content shown go back to
   * the loop as in the original run, and only the client's calls are counted.
   */
  private static int replay(StreamingToolParser p, CharSequence text, ExecLoop loop) {
    int[] calls = {0};
    p.feed(text, new ParserSink() {
      @Override public void content(String t) { if (loop != null) loop.content(t); }
      @Override public void reasoning(String t) {}
      @Override public void toolCall(int index, String id, String name, String args) {
        if (loop != null && loop.intercepts(name)) loop.hold(args); else calls[0]++;
      }
    });
    return calls[0];
  }

  /**
   * The request's tools (none when it offered none, or said {@code tool_choice: "none"}: then nothing becomes a
   * call), and tool-call ids that are alphanumeric (OpenClaw strips the rest) and the same for the same request
   * and index, so a continued or re-run answer keeps them.
   */
  static ParserOptions parserOptions(RequestEnvelope env) {
    JsonArray tools = "none".equals(env.body().getValue("tool_choice")) ? null
        : env.body().getValue("tools") instanceof JsonArray a ? a : null;
    String idPrefix = "call" + env.id().replaceAll("[^A-Za-z0-9]", "");
    String prefix = idPrefix.length() > 28 ? idPrefix.substring(0, 28) : idPrefix;
    IntFunction<String> ids = i -> prefix + "t" + i;
    return tools == null || tools.isEmpty() ? ParserOptions.noTools(env.reasoning(), ids)
        : new ParserOptions(ToolSpec.fromRequestTools(tools), false, env.reasoning(), ids);
  }

  /** The body of the next attempt: the request itself, or a continuation of the text so far. */
  JsonObject nextAttempt(long now) {
    attempts++;
    lastDataAt = now;
    return raw.length() == 0 ? body() : continuationBody();
  }

  private JsonObject body() {
    return roundBody != null ? roundBody : env.body();
  }

  JsonObject continuationBody() {
    JsonObject b = body().copy();
    b.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", raw.toString()));
    b.put("continue_final_message", true).put("add_generation_prompt", false).put("echo", false);
    Integer max = body().getInteger("max_tokens");
    if (max != null) {
      b.put("max_tokens", Math.max(1, max - generatedTokens));
    }
    return b;
  }

  /** vLLM answered 200: the stream begins. */
  void onStreamStarted(long now) {
    lastDataAt = now;
    if (!roleSent) {
      roleSent = true;
      emit(writer.role());
    }
  }

  /** vLLM refused the attempt: 5xx, 408 and 429 are worth retrying, the rest are the client's to see. */
  static boolean retryable(int status) {
    return status >= 500 || status == 429 || status == 408;
  }

  /** No token for longer than the stall setting: the attempt is dead even if its connection is not. */
  boolean stalled(long now) {
    return now - lastDataAt > settings.stallMillis();
  }

  /** vLLM's stream was paused by flow control and goes on now: the pause is not a stall. */
  void resumed(long now) {
    lastDataAt = Math.max(lastDataAt, now);
  }

  long stallMillis() {
    return settings.stallMillis();
  }

  /** How often the stall check runs: a quarter of the setting, at least every 100 ms. */
  long stalledCheckMillis() {
    return Math.max(100, settings.stallMillis() / 4);
  }

  /**
   * One chunk of vLLM's stream, as its fields.
   *
   * @param toolCalls vLLM's own structured tool-call deltas (its parser ran), or null
   */
  void onChunk(String content, String reasoning, JsonArray toolCalls, String chunkFinishReason, Integer prompt,
      Integer completion, long now) {
    lastDataAt = now;
    if (prompt != null && promptTokens == null) promptTokens = prompt;
    if (completion != null) completionTokens += completion;
    if (reasoning != null && !reasoning.isEmpty() && !"drop".equals(env.reasoning())) {
      emitOutput(writer.reasoning(reasoning));
    }
    if (content != null && !content.isEmpty()) {
      raw.append(content);
      out.appendRaw(content);
      generatedTokens++;
      parser.feed(content, this);
    }
    if (toolCalls != null) {
      sawStructuredCalls = true;
      for (int i = 0; i < toolCalls.size(); i++) {
        if (!(toolCalls.getValue(i) instanceof JsonObject tc)) continue;
        int index = structuredIndexBase + (tc.getValue("index") instanceof Number n ? n.intValue() : 0);
        structuredIndexMax = Math.max(structuredIndexMax, index);
        JsonObject fn = tc.getValue("function") instanceof JsonObject f ? f : new JsonObject();
        // vLLM's own ids are dropped: clawbus's are alphanumeric (OpenClaw strips the rest) and the same when an
        // answer is continued or re-run after a failure.
        parser.feedToolCallDelta(index, null, fn.getValue("name") instanceof String s ? s : null,
            fn.getValue("arguments") instanceof String a ? a : null, this);
      }
    }
    if (chunkFinishReason != null) {
      finishReason = chunkFinishReason;
    }
  }

  /** {@code [DONE]}: the answer is complete. */
  void onDone() {
    if (ended) return;
    parser.finish(this);
    if (loop != null && loop.held() > 0) {
      awaitingTools = true;
      return;
    }
    finishWith(sawToolCalls ? "tool_calls" : finishReason == null ? "stop" : finishReason);
  }

  /** vLLM refused the request with an error the client must see (a 4xx other than 408/429). */
  void onRefused(OpenAiError e) {
    fail(e);
  }

  /**
   * An attempt failed (refused connection, 5xx, reset, stall, stream ended without {@code [DONE]}, an error in
   * the stream): retry after vLLM is healthy again, unless attempts are used up or the turn is better ended.
   */
  Decision onAttemptFailed(String reason, long now) {
    if (ended) return new Ended();
    if (attempts - roundStartAttempts >= settings.maxAttempts()) {
      fail(OpenAiError.server(503, "vllm_unavailable", "vLLM failed " + attempts + " times; last: " + reason));
      return new Ended();
    }
    if (sawStructuredCalls && (sawToolCalls || loop != null && loop.held() > 0)) {
      // vLLM's own parser delivered whole calls already: a text continuation cannot express them and would risk
      // repeating them, so the turn ends with the calls made; the agent asks again after. Calls the loop holds
      // end the round instead, as if it had completed.
      if (loop != null && loop.held() > 0) {
        awaitingTools = true;
      } else {
        finishWith("tool_calls");
      }
      return new Ended();
    }
    boolean rebuilt = backToSafePoint();
    if (sawStructuredCalls) {
      // No call of vLLM's own was complete (else the turn ended above): its partial calls of the failed attempt are
      // dropped (a parser rebuilt from the raw text alone has none), not flushed as text at the end; the next
      // attempt sends its calls whole again.
      if (!rebuilt) {
        parser = ToolParsers.create(parserFormat, parserOptions);
        replay(parser, raw);
      }
      sawStructuredCalls = false;
    }
    structuredIndexBase = structuredIndexMax + 1;
    waitStartedAt = now;
    long deadline = roleSent ? now + settings.vllmWaitMillis() : env.deadlineAt();
    return new Retry(Math.min(2_000, 100L * attempts), deadline);
  }

  /** vLLM did not come back before the deadline of a {@link Retry}. */
  void onGaveUp(String reason, String vllmUrl, long now) {
    long since = roleSent ? waitStartedAt : env.receivedAt();
    long waited = Math.max(0, now - since) / 1000;
    fail(OpenAiError.server(503, "vllm_unavailable", "vLLM at " + vllmUrl + " was unreachable for " + waited
        + " s (" + reason + "); the request was not completed"));
  }

  /** The client (or an operator) cancelled: the answer ends with an error event. */
  void cancel() {
    fail(OpenAiError.cancelled());
  }

  /** Something went wrong in clawbus itself: the answer ends with an error event naming the request only. */
  void internalFailure() {
    fail(OpenAiError.server(500, "internal_error", "clawbus failed while answering request " + env.id()
        + "; the failure is logged under that id."));
  }

  /**
   * The raw text the parser still holds back because it may be the start of tool-call markup. Continuing from
   * inside a call is unsafe (re-tokenising mid-markup can change it), so a continuation starts before it and the
   * call is regenerated whole.
   */
  private String heldBack() {
    StreamingToolParser probe = ToolParsers.create(parserFormat, parserOptions);
    replay(probe, raw);
    StringBuilder flushed = new StringBuilder();
    probe.finish(new ParserSink() {
      @Override public void content(String t) { flushed.append(t); }
      @Override public void reasoning(String t) {}
      @Override public void toolCall(int index, String id, String name, String args) {}
    });
    return flushed.toString();
  }

  /**
   * Cuts the raw text back to the last safe point and rebuilds the parser's state up to it.
   *
   * @return whether the parser was rebuilt (from the raw text alone)
   */
  private boolean backToSafePoint() {
    String held = heldBack();
    if (held.isBlank()) {
      return false;
    }
    int cut = raw.lastIndexOf(held);
    if (cut < 0) cut = Math.max(0, raw.length() - held.length());
    raw.setLength(cut);
    out.truncateRaw(cut);
    parser = ToolParsers.create(parserFormat, parserOptions);
    replay(parser, raw);
    return true;
  }

  private void finishWith(String fr) {
    ended = true;
    emit(writer.finish(fr));
    if (env.includeUsage() || !env.stream()) {
      Integer prompt = promptTokens();
      emit(writer.usage(prompt == null ? 0 : prompt, completionTokens));
    }
    endedAt = clock.getAsLong();
    out.event(StreamEvent.done(seq++, endedAt));
  }

  private void fail(OpenAiError e) {
    if (ended) return;
    ended = true;
    error = e;
    endedAt = clock.getAsLong();
    out.event(StreamEvent.error(seq++, e.status(), e.body().encode(), endedAt));
  }

  private void emit(String chunkJson) {
    out.event(StreamEvent.chunk(seq++, chunkJson));
  }

  /** A token the client sees: the time of the first one is the time to first token. */
  private void emitOutput(String chunkJson) {
    if (firstOutputAt < 0) firstOutputAt = lastDataAt;
    emit(chunkJson);
  }

  @Override
  public void content(String text) {
    if (text.isEmpty()) return;
    if (loop != null) loop.content(text);
    emitOutput(writer.content(text));
  }

  @Override
  public void reasoning(String text) {
    if (!text.isEmpty()) emitOutput(writer.reasoning(text));
  }

  @Override
  public void toolCall(int index, String id, String name, String argumentsJson) {
    if (loop != null && loop.intercepts(name)) {
      loop.hold(argumentsJson); // never shown to the client: the loop runs it
      return;
    }
    sawToolCalls = true;
    emitOutput(writer.toolCall(loop == null ? index : clientCalls++, id, name, argumentsJson));
  }

  // ---- hooks of the server-side tool loop, driven by ExecSteps ----

  /** The round ended with exec calls for the loop: {@link #endRound} comes next (no other event meanwhile). */
  boolean awaitingTools() {
    return awaitingTools && !ended;
  }

  /** A recorded round's calls still need results before vLLM is asked again (a taken-over answer). */
  boolean toolsPending() {
    return loop != null && loop.pending() && !ended;
  }

  ExecLoop loop() {
    return loop;
  }

  /**
   * Ends the round whose exec calls the loop holds, as the loop decides: hand the other calls to the client, stop
   * (the loop guard), or run them — then the round's raw text is done with (its content and calls are in the loop's
   * record, written next), so a continuation never resumes from it.
   */
  ExecLoop.Decision endRound(long now) {
    awaitingTools = false;
    ExecLoop.Decision d = loop.endRound(sawToolCalls, seq, now);
    if (d instanceof ExecLoop.HandToClient h) {
      emit(writer.reasoning(h.note()));
      finishWith("tool_calls");
    } else if (d instanceof ExecLoop.Stop s) {
      emitOutput(writer.content(s.text()));
      finishWith("stop");
    } else {
      raw.setLength(0);
      out.truncateRaw(0);
    }
    return d;
  }

  /** A step of the loop, visible to the client as {@code reasoning_content}. */
  void showStep(String text) {
    if (!ended) emitOutput(writer.reasoning(text));
  }

  /** The loop's calls have their results: the next round asks vLLM {@code body}, from a clean parser. */
  void beginRound(JsonObject body) {
    roundBody = body;
    parser = ToolParsers.create(parserFormat, parserOptions);
    sawToolCalls = false;
    sawStructuredCalls = false;
    structuredIndexBase = 0;
    structuredIndexMax = -1;
    clientCalls = 0;
    generatedTokens = 0;
    finishReason = null;
    roundStartAttempts = attempts;
    if (promptTokens != null) {
      earlierPromptTokens += promptTokens;
      promptTokens = null;
    }
  }

  /** The loop could not record a step: the answer ends (nothing more runs). */
  void toolLoopFailed() {
    fail(OpenAiError.server(503, "journal_unavailable", "clawbus could not record a step of the tool loop of "
        + "request " + env.id() + "; nothing more was run"));
  }

  boolean ended() { return ended; }
  /** When the answer ended (epoch milliseconds), as its terminal event says; 0 before it ended. */
  long endedAt() { return endedAt; }
  /** When the first token was produced, on the core's clock; -1 when none was. */
  long firstOutputAt() { return firstOutputAt; }
  /** Why the answer failed, or null when it completed (or has not ended). */
  OpenAiError error() { return error; }
  int attempts() { return attempts; }
  boolean started() { return roleSent; }
  /** Prompt tokens of every round so far (each vLLM call reads its whole prompt), or null when vLLM said none. */
  Integer promptTokens() {
    return promptTokens == null && earlierPromptTokens == 0 ? null
        : earlierPromptTokens + (promptTokens == null ? 0 : promptTokens);
  }
  int completionTokens() { return completionTokens; }
  String rawText() { return raw.toString(); }
}
