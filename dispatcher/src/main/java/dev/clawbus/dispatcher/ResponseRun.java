package dev.clawbus.dispatcher;

import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.infra.http.SseReader;
import dev.clawbus.infra.journal.JournalWriter;
import dev.clawbus.infra.journal.Recorded;
import dev.clawbus.infra.vllm.VllmEndpoint;
import dev.clawbus.infra.vllm.VllmErrors;
import dev.clawbus.parser.ParserOptions;
import dev.clawbus.parser.ParserSink;
import dev.clawbus.parser.StreamingToolParser;
import dev.clawbus.parser.ToolParsers;
import dev.clawbus.parser.ToolSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request from vLLM, whatever happens to vLLM meanwhile. It streams the completion, feeds
 * the model's text through the request's tool-call parser and emits client-visible events. When vLLM
 * fails (refused, 5xx, reset, stalled, or a stream that ends without {@code [DONE]}), it waits for
 * {@code /health} and continues the answer from the text generated so far with
 * {@code continue_final_message}, so the client sees one seamless answer.
 */
final class ResponseRun implements ParserSink {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseRun.class);

  /** Knobs from the configuration. */
  record Settings(long stallMillis, long vllmWaitMillis, int maxAttempts) {}

  /** How a run ended: {@code error} is null when the answer completed. */
  record Outcome(RequestEnvelope envelope, OpenAiError error, int attempts) {}

  private final Vertx vertx;
  private final HttpClient http;
  private final VllmEndpoint endpoint;
  private final VllmHealth health;
  private final RequestEnvelope env;
  private final JournalWriter journal;
  private final Settings settings;
  private final ChunkWriter writer;
  private final String parserFormat;
  private final ParserOptions parserOptions;
  private StreamingToolParser parser;
  private final Promise<Outcome> outcome = Promise.promise();

  /** Everything the model generated as content so far: the prefix a continuation resumes from. */
  private final StringBuilder raw = new StringBuilder();
  private long seq;
  private int generatedTokens;
  private Integer promptTokens;
  private int completionTokens;
  private boolean roleSent;
  private boolean sawToolCalls;
  private boolean sawStructuredCalls;
  private boolean ended;
  private String finishReason;
  private int attempts;
  private int structuredIndexBase;
  private int structuredIndexMax = -1;
  private Attempt current;

  /**
   * @param journal where events go (and, once stored, on to clients)
   * @param resumeFrom what an earlier run of this request already recorded (empty for a new request):
   *     the run continues after it, as if it had produced it
   */
  ResponseRun(Vertx vertx, HttpClient http, VllmEndpoint endpoint, VllmHealth health, RequestEnvelope env,
      Settings settings, JournalWriter journal, Recorded resumeFrom) {
    this.vertx = vertx;
    this.http = http;
    this.endpoint = endpoint;
    this.health = health;
    this.env = env;
    this.settings = settings;
    this.journal = journal;
    this.writer = ChunkWriter.of(env);
    this.parserFormat = env.parser();
    this.parserOptions = parserOptions(env);
    this.parser = ToolParsers.create(parserFormat, parserOptions);
    if (!resumeFrom.events().isEmpty()) {
      resume(resumeFrom);
    }
  }

  /**
   * Takes over a response another run started: its events are already with the client, so the parser
   * is brought to the same state by replaying the raw text into a sink that sends nothing.
   */
  private void resume(Recorded r) {
    seq = r.lastSeq() + 1;
    roleSent = true;
    raw.append(r.raw());
    for (StreamEvent e : r.events()) {
      if (e.type() == StreamEvent.CHUNK && e.data().contains("\"content\":")) generatedTokens++;
    }
    sawToolCalls = replay(parser, raw) > 0;
  }

  /** Feeds {@code text} to {@code p} without sending anything; returns how many tool calls it held. */
  private static int replay(StreamingToolParser p, CharSequence text) {
    int[] calls = {0};
    p.feed(text, new ParserSink() {
      @Override public void content(String t) {}
      @Override public void reasoning(String t) {}
      @Override public void toolCall(int index, String id, String name, String args) { calls[0]++; }
    });
    return calls[0];
  }

  /**
   * The raw text the parser still holds back because it may be the start of tool-call markup. Continuing
   * from inside a call is unsafe (re-tokenising mid-markup can change it), so a continuation starts
   * before it and the call is regenerated whole.
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

  /** Cuts the raw text back to the last safe point and rebuilds the parser's state up to it. */
  private void backToSafePoint() {
    String held = heldBack();
    if (held.isBlank()) {
      return;
    }
    int cut = raw.lastIndexOf(held);
    if (cut < 0) cut = Math.max(0, raw.length() - held.length());
    raw.setLength(cut);
    journal.truncateRaw(cut);
    parser = ToolParsers.create(parserFormat, parserOptions);
    replay(parser, raw);
  }

  /**
   * The request's tools (none when it offered none, or said {@code tool_choice: "none"}: then nothing
   * becomes a call), and tool-call ids that are alphanumeric (OpenClaw strips the rest) and the same
   * for the same request and index, so a continued or re-run answer keeps them.
   */
  private static ParserOptions parserOptions(RequestEnvelope env) {
    JsonArray tools = "none".equals(env.body().getValue("tool_choice")) ? null : env.body().getJsonArray("tools");
    String idPrefix = "call" + env.id().replaceAll("[^A-Za-z0-9]", "");
    String prefix = idPrefix.length() > 28 ? idPrefix.substring(0, 28) : idPrefix;
    IntFunction<String> ids = i -> prefix + "t" + i;
    return tools == null || tools.isEmpty() ? ParserOptions.noTools(env.reasoning(), ids)
        : new ParserOptions(ToolSpec.fromRequestTools(tools), false, env.reasoning(), ids);
  }

  Future<Outcome> run() {
    startAttempt();
    return outcome.future();
  }

  /** Aborts the vLLM call (the client cancelled); the answer ends with an error event. */
  void cancel() {
    if (ended) return;
    if (current != null) current.abort();
    fail(cancelled());
  }

  /** 499, as proxies say "client closed request": never sent as a status, only in the error event. */
  private static final int CANCELLED_STATUS = 499;

  static OpenAiError cancelled() {
    return new OpenAiError(CANCELLED_STATUS, "request_cancelled", "cancelled", null, "The request was cancelled.");
  }

  static boolean isCancellation(OpenAiError e) {
    return e.status() == CANCELLED_STATUS;
  }

  /** One HTTP call to vLLM; callbacks of an abandoned attempt are ignored. */
  private final class Attempt {
    HttpClientRequest request;
    boolean over;
    long lastDataAt = System.currentTimeMillis();
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
    attempts++;
    Attempt a = new Attempt();
    current = a;
    JsonObject body = raw.length() == 0 ? env.body() : continuationBody();
    http.request(endpoint.options(HttpMethod.POST, "/v1/chat/completions"))
        .compose(req -> {
          a.request = req;
          return req.putHeader("content-type", "application/json").putHeader("accept", "text/event-stream")
              .send(body.toBuffer());
        })
        .onSuccess(resp -> {
          if (!a.over) onResponse(a, resp);
        })
        .onFailure(err -> {
          if (!a.over) retryLater(a, "vLLM unreachable: " + err.getMessage());
        });
  }

  private JsonObject continuationBody() {
    JsonObject b = env.body().copy();
    b.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("content", raw.toString()));
    b.put("continue_final_message", true).put("add_generation_prompt", false).put("echo", false);
    Integer max = env.body().getInteger("max_tokens");
    if (max != null) {
      b.put("max_tokens", Math.max(1, max - generatedTokens));
    }
    return b;
  }

  private void onResponse(Attempt a, HttpClientResponse resp) {
    int status = resp.statusCode();
    if (status != 200) {
      resp.body().onComplete(ar -> {
        if (a.over) return;
        OpenAiError e = VllmErrors.fromResponse(status, ar.succeeded() ? ar.result() : null);
        if (status >= 500 || status == 429 || status == 408) {
          retryLater(a, e.getMessage());
        } else {
          a.end();
          fail(e);
        }
      });
      return;
    }
    if (!roleSent) {
      roleSent = true;
      emit(writer.role());
    }
    a.stallTimer = vertx.setPeriodic(Math.max(100, settings.stallMillis() / 4), t -> {
      if (!a.over && System.currentTimeMillis() - a.lastDataAt > settings.stallMillis()) {
        retryLater(a, "no token from vLLM for " + settings.stallMillis() + " ms");
      }
    });
    resp.exceptionHandler(err -> {
      if (!a.over) retryLater(a, "vLLM stream broke: " + err.getMessage());
    });
    resp.endHandler(v -> {
      if (!a.over) retryLater(a, "vLLM ended the stream before [DONE]");
    });
    SseReader.read(resp, data -> {
      if (!a.over) onData(a, data);
    });
  }

  private void onData(Attempt a, String data) {
    a.lastDataAt = System.currentTimeMillis();
    if ("[DONE]".equals(data)) {
      a.end();
      complete();
      return;
    }
    JsonObject chunk;
    try {
      chunk = new JsonObject(data);
    } catch (RuntimeException e) {
      retryLater(a, "vLLM sent an unreadable chunk");
      return;
    }
    if (chunk.getValue("error") != null) {
      JsonObject err = chunk.getValue("error") instanceof JsonObject o ? o : new JsonObject().put("message", data);
      retryLater(a, "vLLM reported an error mid-stream: " + err.getString("message"));
      return;
    }
    JsonObject usage = chunk.getJsonObject("usage");
    if (usage != null) {
      if (promptTokens == null) promptTokens = usage.getInteger("prompt_tokens", 0);
      completionTokens += usage.getInteger("completion_tokens", 0);
    }
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return;
    }
    JsonObject choice = choices.getJsonObject(0);
    JsonObject delta = choice.getJsonObject("delta");
    if (delta != null) {
      String reasoning = delta.getString("reasoning_content", delta.getString("reasoning"));
      if (reasoning != null && !reasoning.isEmpty() && !"drop".equals(env.reasoning())) {
        emit(writer.reasoning(reasoning));
      }
      String content = delta.getString("content");
      if (content != null && !content.isEmpty()) {
        raw.append(content);
        journal.appendRaw(content);
        generatedTokens++;
        parser.feed(content, this);
      }
      JsonArray calls = delta.getJsonArray("tool_calls");
      if (calls != null) {
        sawStructuredCalls = true;
        for (int i = 0; i < calls.size(); i++) {
          JsonObject tc = calls.getJsonObject(i);
          int index = structuredIndexBase + tc.getInteger("index", 0);
          structuredIndexMax = Math.max(structuredIndexMax, index);
          JsonObject fn = tc.getJsonObject("function", new JsonObject());
          // vLLM's own ids are dropped: clawbus's are alphanumeric (OpenClaw strips the rest) and the same
          // when an answer is continued or re-run after a failure.
          parser.feedToolCallDelta(index, null, fn.getString("name"), fn.getString("arguments"), this);
        }
      }
    }
    String fr = choice.getString("finish_reason");
    if (fr != null) {
      finishReason = fr;
    }
  }

  private void retryLater(Attempt a, String reason) {
    a.abort();
    if (ended) return;
    if (attempts >= settings.maxAttempts()) {
      fail(OpenAiError.server(503, "vllm_unavailable", "vLLM failed " + attempts + " times; last: " + reason));
      return;
    }
    if (sawStructuredCalls && sawToolCalls) {
      // vLLM's own parser delivered whole calls already: a text continuation cannot express them and
      // would risk repeating them, so the turn ends with the calls made; the agent asks again after.
      LOG.info("request {}: vLLM failed after tool calls ({}); ending the turn with them", env.id(), reason);
      finishWith("tool_calls");
      return;
    }
    backToSafePoint();
    long now = System.currentTimeMillis();
    long deadline = roleSent ? now + settings.vllmWaitMillis() : env.deadlineAt();
    LOG.info("request {} attempt {} failed ({}); waiting for vLLM", env.id(), attempts, reason);
    structuredIndexBase = structuredIndexMax + 1;
    long backoff = Math.min(2_000, 100L * attempts);
    vertx.setTimer(backoff, t -> health.awaitHealthy(deadline).onComplete(ar -> {
      if (ended) return;
      if (ar.succeeded() && ar.result()) {
        startAttempt();
      } else {
        long waited = (System.currentTimeMillis() - (roleSent ? now : env.receivedAt())) / 1000;
        fail(OpenAiError.server(503, "vllm_unavailable", "vLLM at " + endpoint.url() + " was unreachable for "
            + waited + " s (" + reason + "); the request was not completed"));
      }
    }));
  }

  private void complete() {
    parser.finish(this);
    finishWith(sawToolCalls ? "tool_calls" : finishReason == null ? "stop" : finishReason);
  }

  private void finishWith(String fr) {
    ended = true;
    emit(writer.finish(fr));
    if (env.includeUsage() || !env.stream()) {
      emit(writer.usage(promptTokens == null ? 0 : promptTokens, completionTokens));
    }
    journal.append(StreamEvent.done(seq++));
    outcome.complete(new Outcome(env, null, attempts));
  }

  private void fail(OpenAiError e) {
    if (ended) return;
    ended = true;
    journal.append(StreamEvent.error(seq++, e.status(), e.body().encode()));
    outcome.complete(new Outcome(env, e, attempts));
  }

  private void emit(String chunkJson) {
    journal.append(StreamEvent.chunk(seq++, chunkJson));
  }

  @Override
  public void content(String text) {
    if (!text.isEmpty()) emit(writer.content(text));
  }

  @Override
  public void reasoning(String text) {
    if (!text.isEmpty()) emit(writer.reasoning(text));
  }

  @Override
  public void toolCall(int index, String id, String name, String argumentsJson) {
    sawToolCalls = true;
    emit(writer.toolCall(index, id, name, argumentsJson));
  }
}
