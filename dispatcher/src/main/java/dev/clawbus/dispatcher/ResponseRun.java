package dev.clawbus.dispatcher;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.http.SseReader;
import dev.clawbus.infra.journal.JournalWriter;
import dev.clawbus.infra.contract.Recorded;
import dev.clawbus.infra.vllm.VllmEndpoint;
import dev.clawbus.infra.vllm.VllmErrors;
import dev.clawbus.toolrunner.ExecClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request from vLLM, whatever happens to vLLM meanwhile: the I/O around a {@link ResponseCore}.
 * It makes each attempt's HTTP call, reads the SSE stream, watches for stalls, waits for {@code /health}
 * between attempts, and feeds all of it to the core, whose events go to the request's journal.
 */
final class ResponseRun {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseRun.class);

  /**
   * How a run ended: {@code error} is null when the answer completed; {@code firstOutputAt} is when its first token
   * was produced (-1: none); {@code endedAt} is the time its terminal event carries (epoch milliseconds; 0: no event
   * of this run ended it), what the request's record finished at.
   */
  record Outcome(OpenAiError error, int attempts, Integer promptTokens, int completionTokens, long firstOutputAt,
      long endedAt) {
    static Outcome failed(OpenAiError e) {
      return failed(e, 0);
    }

    static Outcome failed(OpenAiError e, long endedAt) {
      return new Outcome(e, 0, null, 0, -1, endedAt);
    }

    long tokens() {
      return (promptTokens == null ? 0 : promptTokens) + (long) completionTokens;
    }
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final VllmEndpoint endpoint;
  private final VllmHealth health;
  private final RequestEnvelope env;
  private final ResponseCore core;
  private final LongSupplier clock;
  private final VllmChunkScanner scanner;
  private final JournalWriter journal;
  private final Promise<Outcome> outcome = Promise.promise();
  private BiConsumer<String, String> timeline = (kind, detail) -> {};
  private Attempt current;
  /** The server-side tool loop's I/O; null when this answer's tool calls all go to the client. */
  private final ExecSteps steps;

  ResponseRun(Vertx vertx, HttpClient http, VllmEndpoint endpoint, VllmHealth health, RequestEnvelope env,
      ResponseCore.Settings settings, JournalWriter journal, Recorded resumeFrom, LongSupplier clock,
      VllmChunkScanner scanner) {
    this(vertx, http, endpoint, health, env, settings, journal, resumeFrom, clock, scanner, null, null);
  }

  /**
   * @param loop the answer's server-side tool loop and {@code exec} the client that runs its calls; both null when
   *     every tool call goes to the client
   */
  ResponseRun(Vertx vertx, HttpClient http, VllmEndpoint endpoint, VllmHealth health, RequestEnvelope env,
      ResponseCore.Settings settings, JournalWriter journal, Recorded resumeFrom, LongSupplier clock,
      VllmChunkScanner scanner, ExecLoop loop, ExecClient exec) {
    this.vertx = vertx;
    this.scanner = scanner;
    this.journal = journal;
    this.http = http;
    this.endpoint = endpoint;
    this.health = health;
    this.env = env;
    this.clock = clock;
    this.core = new ResponseCore(env, settings, new ResponseCore.Output() {
      @Override public void event(StreamEvent e) {
        journal.append(e);
        if (e.terminal()) ended();
      }
      @Override public void appendRaw(CharSequence text) { journal.appendRaw(text); }
      @Override public void truncateRaw(int length) { journal.truncateRaw(length); }
    }, resumeFrom, loop, clock);
    this.steps = loop == null ? null
        : new ExecSteps(exec, journal, core, clock, (kind, detail) -> timeline.accept(kind, detail), env.key());
  }

  /** Where the run reports what happened besides events (attempt failures, continuations): the timeline. */
  ResponseRun onTimeline(BiConsumer<String, String> sink) {
    this.timeline = sink;
    return this;
  }

  /** Starts the first attempt; the future completes when the answer ended, whatever happened. */
  Future<Outcome> run() {
    try {
      if (core.toolsPending()) {
        toolRound(steps.resume()); // taken over between two steps of the tool loop
      } else {
        startAttempt();
      }
    } catch (RuntimeException e) {
      abort(e);
    }
    return outcome.future();
  }

  /** Aborts the vLLM call (the client cancelled); the answer ends with an error event. */
  void cancel() {
    if (core.ended()) return;
    if (current != null) current.abort();
    core.cancel();
  }

  /** Ends the run because clawbus itself failed; never leaves the request hanging. */
  void abort(Throwable cause) {
    if (core.ended()) return;
    LOG.error("request {}: run failed", env.key(), cause);
    if (current != null) current.abort();
    core.internalFailure();
  }

  private void ended() {
    if (current != null) current.end();
    outcome.tryComplete(new Outcome(core.error(), core.attempts(), core.promptTokens(), core.completionTokens(),
        core.firstOutputAt(), core.endedAt()));
  }

  /** One HTTP call to vLLM; callbacks of an abandoned attempt are ignored. */
  private final class Attempt {
    HttpClientRequest request;
    HttpClientResponse response;
    /** vLLM's stream is paused: the journal holds back too much (see {@link JournalWriter#full}). */
    boolean paused;
    boolean over;
    long stallTimer = -1;

    /** The stream ended well: the connection goes back to the pool. */
    void end() {
      over = true;
      if (stallTimer >= 0) vertx.cancelTimer(stallTimer);
    }

    /** The attempt failed or is abandoned: the connection is reset so vLLM stops generating. */
    void abort() {
      end();
      if (request != null) request.reset();
    }
  }

  private void startAttempt() {
    Attempt a = new Attempt();
    current = a;
    JsonObject body = core.nextAttempt(clock.getAsLong());
    http.request(endpoint.options(HttpMethod.POST, "/v1/chat/completions"))
        .compose(req -> {
          a.request = req;
          if (a.over) {
            // Cancelled while the connection was being obtained: the request never goes out.
            req.reset();
            return Future.failedFuture("the attempt was abandoned");
          }
          return req.putHeader("content-type", "application/json").putHeader("accept", "text/event-stream")
              .send(body.toBuffer());
        })
        .onSuccess(resp -> {
          if (a.over) {
            resp.request().reset(); // abandoned while vLLM answered the headers: stop its generation
            return;
          }
          guarded(a, () -> onResponse(a, resp));
        })
        .onFailure(err -> guarded(a, () -> failed(a, "vLLM unreachable: " + err.getMessage())));
  }

  /** Runs a callback of attempt {@code a} unless it is over; an exception ends the run instead of hanging it. */
  private void guarded(Attempt a, Runnable r) {
    if (a.over) return;
    try {
      r.run();
    } catch (RuntimeException e) {
      abort(e);
    }
  }

  private void onResponse(Attempt a, HttpClientResponse resp) {
    int status = resp.statusCode();
    if (status != 200) {
      resp.body().onComplete(ar -> guarded(a, () -> {
        OpenAiError e = VllmErrors.fromResponse(status, ar.succeeded() ? ar.result() : null);
        if (ResponseCore.retryable(status)) {
          failed(a, e.getMessage());
        } else {
          a.end();
          core.onRefused(e);
        }
      }));
      return;
    }
    core.onStreamStarted(clock.getAsLong());
    long stall = core.stalledCheckMillis();
    a.response = resp;
    a.stallTimer = vertx.setPeriodic(stall, t -> guarded(a, () -> {
      if (!a.paused && core.stalled(clock.getAsLong())) {
        failed(a, "no token from vLLM for " + core.stallMillis() + " ms");
      }
    }));
    resp.exceptionHandler(err -> guarded(a, () -> failed(a, "vLLM stream broke: " + err.getMessage())));
    resp.endHandler(v -> guarded(a, () -> failed(a, "vLLM ended the stream before [DONE]")));
    SseReader.read(resp, data -> guarded(a, () -> onData(a, data)));
  }

  private void onData(Attempt a, String data) {
    onChunk(a, data);
    if (!a.over && !a.paused && journal.full()) {
      // Flow control: vLLM's stream waits in the socket (and at vLLM) until the journal has stored what it holds.
      a.paused = true;
      a.response.pause();
      journal.drainHandler(() -> guarded(a, () -> {
        a.paused = false;
        core.resumed(clock.getAsLong());
        a.response.resume();
      }));
    }
  }

  private void onChunk(Attempt a, String data) {
    long now = clock.getAsLong();
    if ("[DONE]".equals(data)) {
      a.end();
      core.onDone();
      if (core.awaitingTools()) toolRound(steps.afterRound());
      return;
    }
    // The common chunk (a token of content or reasoning, a finish, usage) is read in one pass without a JSON
    // tree; anything else (tool-call deltas, an error, a shape the scanner is not sure of) is parsed fully.
    if (scanner.scan(data) && !scanner.error() && !scanner.toolCalls()) {
      boolean choice = scanner.choice();
      core.onChunk(choice ? scanner.content() : null, choice ? scanner.reasoning() : null, null,
          choice ? scanner.finishReason() : null, scanner.usage() ? scanner.promptTokens() : null,
          scanner.usage() ? scanner.completionTokens() : null, now);
      return;
    }
    JsonObject chunk;
    try {
      chunk = new JsonObject(data);
    } catch (RuntimeException e) {
      failed(a, "vLLM sent an unreadable chunk");
      return;
    }
    if (chunk.getValue("error") != null) {
      Object err = chunk.getValue("error");
      String msg = err instanceof JsonObject o && o.getValue("message") instanceof String m ? m : data;
      failed(a, "vLLM reported an error mid-stream: " + msg);
      return;
    }
    Integer prompt = null;
    Integer completion = null;
    if (chunk.getValue("usage") instanceof JsonObject usage) {
      prompt = usage.getValue("prompt_tokens") instanceof Number n ? n.intValue() : null;
      completion = usage.getValue("completion_tokens") instanceof Number n ? n.intValue() : null;
    }
    String content = null;
    String reasoning = null;
    JsonArray calls = null;
    String finish = null;
    if (chunk.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
        && choices.getValue(0) instanceof JsonObject choice) {
      if (choice.getValue("delta") instanceof JsonObject delta) {
        content = delta.getValue("content") instanceof String s ? s : null;
        Object r = delta.getValue("reasoning_content");
        if (!(r instanceof String)) r = delta.getValue("reasoning");
        reasoning = r instanceof String s ? s : null;
        calls = delta.getValue("tool_calls") instanceof JsonArray tc ? tc : null;
      }
      finish = choice.getValue("finish_reason") instanceof String s ? s : null;
    }
    core.onChunk(content, reasoning, calls, finish, prompt, completion, now);
  }

  /** The loop runs a round's exec calls; then the next round asks vLLM, unless the answer ended meanwhile. */
  private void toolRound(Future<Boolean> round) {
    current = null; // the attempt is over: a cancel meanwhile has no HTTP call to abort
    round.onComplete(ar -> {
      if (core.ended()) return;
      try {
        if (ar.failed()) {
          abort(ar.cause());
        } else if (ar.result()) {
          startAttempt();
        }
      } catch (RuntimeException e) {
        abort(e);
      }
    });
  }

  private void failed(Attempt a, String reason) {
    a.abort();
    if (core.ended()) return;
    ResponseCore.Decision d = core.onAttemptFailed(reason, clock.getAsLong());
    if (core.awaitingTools()) {
      toolRound(steps.afterRound());
      return;
    }
    if (!(d instanceof ResponseCore.Retry retry)) {
      return;
    }
    LOG.info("request {} attempt {} failed ({}); waiting for vLLM", env.key(), core.attempts(), reason);
    timeline.accept("attempt_failed", reason);
    vertx.setTimer(Math.max(1, retry.backoffMillis()), t -> health.awaitHealthy(retry.deadline()).onComplete(ar -> {
      if (core.ended()) return;
      try {
        if (ar.succeeded() && ar.result()) {
          if (core.started()) timeline.accept("continued", core.rawText().length() + " characters kept");
          startAttempt();
        } else {
          core.onGaveUp(reason, endpoint.url(), clock.getAsLong());
        }
      } catch (RuntimeException e) {
        abort(e);
      }
    }));
  }
}
