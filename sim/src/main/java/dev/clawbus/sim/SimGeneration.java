package dev.clawbus.sim;

import dev.clawbus.parser.JsonText;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One request being generated. It does not own a timer: the simulator's shared ticker calls
 * {@link #advance} every few milliseconds and the generation writes every token that is due by then, each
 * as its own SSE chunk but all in one write. Chunks are assembled from pre-encoded bytes (the per-stream
 * prefix with id, created and model; the quoted token; a fixed suffix). Non-streaming requests go through
 * the same clock and answer once. Only the simulator's event loop touches it.
 */
final class SimGeneration {
  private static final byte[] DELTA_OPEN = SseBytes.bytes("[{\"index\":0,\"delta\":{");
  private static final byte[] CONTENT_KEY = SseBytes.bytes("\"content\":");
  private static final byte[] OPEN_SUFFIX = SseBytes.bytes("},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
  private static final byte[] ROLE = SseBytes.bytes("\"role\":\"assistant\",\"content\":\"\"");
  private static final byte[] EMPTY_CONTENT = SseBytes.bytes("\"content\":\"\"");
  private static final byte[] DONE = SseBytes.bytes("data: [DONE]\n\n");

  private final VllmSimulator sim;
  final HttpServerResponse response;
  final SimAnswer answer;
  final boolean stream;
  private final boolean includeUsage;
  final int promptTokens;
  private final String completionId;
  private final long created;
  private final String model;
  private final long firstTokenAtNanos;
  private final long nanosPerToken;
  private final int errorAfter;
  /** {@code data: {"id":…,"model":…,"choices":} encoded once per stream. */
  private final byte[] head;
  private final SseBytes out = new SseBytes();

  private boolean headersSent;
  private long nextWriteAt;
  int emitted;
  private int callIndex;
  private int callPos;
  boolean finished;

  SimGeneration(VllmSimulator sim, HttpServerResponse response, ChatRequest req, SimAnswer answer, int promptTokens,
      long startNanos, int ttftMs, int tokensPerSecond, Integer errorAfter) {
    this.sim = sim;
    this.response = response;
    this.answer = answer;
    this.stream = req.stream();
    this.includeUsage = req.includeUsage();
    this.promptTokens = promptTokens;
    this.completionId = "chatcmpl-" + SimAnswer.hex16(System.nanoTime() ^ DeterministicText.mix(startNanos))
        + SimAnswer.hex16(DeterministicText.mix(System.identityHashCode(this) + startNanos));
    this.created = System.currentTimeMillis() / 1000;
    this.model = req.model();
    this.firstTokenAtNanos = startNanos + ttftMs * 1_000_000L;
    this.nanosPerToken = Math.max(1, 1_000_000_000L / tokensPerSecond);
    this.errorAfter = errorAfter == null ? -1 : errorAfter;
    StringBuilder h = new StringBuilder(160).append("data: {\"id\":\"").append(completionId)
        .append("\",\"object\":\"chat.completion.chunk\",\"created\":").append(created).append(",\"model\":");
    this.head = SseBytes.bytes(JsonText.quote(h, model).append(",\"choices\":").toString());
  }

  /** Whether the client has seen the response start (streams) or the model has begun answering. */
  boolean started(long now) {
    return stream ? headersSent : now >= firstTokenAtNanos;
  }

  /**
   * Writes what is due at {@code now}. {@code cap} is the chaos limit (hang or crash point): at most that
   * many tokens, and the final chunk only if the answer is shorter than the cap. Tokens are collected for
   * {@code batchNanos} between writes.
   */
  void advance(long now, int cap, long batchNanos) {
    if (finished || now < firstTokenAtNanos) return;
    if (headersSent && now < nextWriteAt) return;
    if (stream && response.writeQueueFull()) return; // a slow reader slows the model down, as with real vLLM
    nextWriteAt = now + batchNanos;
    long due = 1 + (now - firstTokenAtNanos) / nanosPerToken;
    int target = (int) Math.min(Math.min(due, answer.steps), cap);
    if (errorAfter >= 0) target = Math.min(target, errorAfter);
    if (!stream) {
      emitted = Math.max(emitted, target);
      boolean failsHere = errorAfter >= 0 && errorAfter < answer.steps && emitted >= errorAfter;
      if (failsHere || (emitted >= answer.steps && cap > answer.steps)) respondWhole();
      return;
    }
    out.clear();
    if (!headersSent) {
      headersSent = true;
      response.setStatusCode(200).setChunked(true)
          .putHeader("content-type", "text/event-stream; charset=utf-8");
      delta().append(ROLE).append(OPEN_SUFFIX);
    }
    while (emitted < target) {
      step(emitted++);
    }
    boolean done = false;
    if (errorAfter >= 0 && emitted >= errorAfter && emitted < answer.steps) {
      out.ascii("data: {\"error\":").append(SseBytes.bytes(VllmError.body(500, "Simulated engine error after "
          + emitted + " tokens ([[sim error_after]]).").encode())).ascii("}\n\n").append(DONE);
      done = true;
    } else if (emitted >= answer.steps && cap > answer.steps) {
      delta().append(EMPTY_CONTENT).ascii("},\"logprobs\":null,\"finish_reason\":\"").ascii(answer.finishReason)
          .ascii("\",\"stop_reason\":null}]}\n\n");
      if (includeUsage) {
        out.append(head).ascii("[],\"usage\":{\"prompt_tokens\":").number(promptTokens)
            .ascii(",\"total_tokens\":").number(promptTokens + emitted)
            .ascii(",\"completion_tokens\":").number(emitted).ascii("}}\n\n");
      }
      out.append(DONE);
      done = true;
    }
    if (out.length() > 0) {
      if (done) {
        response.end(out.toBuffer());
        sim.finished(this, errorAfter < 0 || emitted >= answer.steps);
      } else {
        response.write(out.toBuffer());
      }
    }
  }

  private void step(int s) {
    if (s < answer.content.length) {
      delta().append(CONTENT_KEY).append(answer.contentJson[s]).append(OPEN_SUFFIX);
      return;
    }
    SimAnswer.Call call = answer.calls.get(callIndex);
    delta().ascii("\"tool_calls\":[{\"index\":").number(callIndex);
    if (callPos == 0) {
      out.ascii(",\"id\":").quoted(call.id()).ascii(",\"type\":\"function\",\"function\":{\"name\":")
          .quoted(call.name()).ascii(",\"arguments\":\"\"}}]");
    } else {
      out.ascii(",\"function\":{\"arguments\":").quoted(call.fragments()[callPos - 1]).ascii("}}]");
    }
    out.append(OPEN_SUFFIX);
    if (++callPos > call.fragments().length) {
      callIndex++;
      callPos = 0;
    }
  }

  private SseBytes delta() {
    return out.append(head).append(DELTA_OPEN);
  }

  private void respondWhole() {
    if (errorAfter >= 0 && errorAfter < answer.steps) {
      sim.sendError(response, new VllmError(500, "Simulated engine error ([[sim error_after]])."));
      sim.finished(this, false);
      return;
    }
    int n = answer.steps;
    int contentSteps = Math.min(n, answer.content.length);
    JsonArray toolCalls = new JsonArray();
    int left = n - contentSteps;
    for (SimAnswer.Call c : answer.calls) {
      if (left <= 0) break;
      int frags = Math.min(left - 1, c.fragments().length);
      StringBuilder args = new StringBuilder();
      for (int i = 0; i < frags; i++) args.append(c.fragments()[i]);
      toolCalls.add(new JsonObject().put("id", c.id()).put("type", "function")
          .put("function", new JsonObject().put("name", c.name()).put("arguments", args.toString())));
      left -= 1 + frags;
    }
    String text = answer.contentText();
    JsonObject message = new JsonObject().put("role", "assistant").put("reasoning_content", null)
        .put("content", text.isEmpty() && !toolCalls.isEmpty() ? null : text).put("tool_calls", toolCalls);
    JsonObject body = new JsonObject()
        .put("id", completionId).put("object", "chat.completion").put("created", created).put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
            .put("logprobs", null).put("finish_reason", answer.finishReason).put("stop_reason", null)))
        .put("usage", new JsonObject().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens + n)
            .put("completion_tokens", n).put("prompt_tokens_details", null))
        .put("prompt_logprobs", null);
    response.setStatusCode(200).putHeader("content-type", "application/json").end(body.toBuffer());
    sim.finished(this, true);
  }
}
