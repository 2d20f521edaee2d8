package dev.clawbus.infra.sim;

import dev.clawbus.infra.contract.JsonText;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One request being generated. It does not own a timer: the simulator's shared ticker calls
 * {@link #advance} every few milliseconds and the generation writes every token that is due by then, each
 * as its own SSE chunk but all in one write. That keeps 256 streams at thousands of tokens per second to a
 * couple of hundred writes per tick. Non-streaming requests go through the same clock and answer once.
 * Only the simulator's event loop touches it.
 */
final class SimGeneration {
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
  /** {@code data: {"id":…,"model":…,"choices":} rendered once per stream. */
  private final String head;
  private final StringBuilder sb = new StringBuilder(512);

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
    this.nanosPerToken = 1_000_000_000L / tokensPerSecond;
    this.errorAfter = errorAfter == null ? -1 : errorAfter;
    StringBuilder h = new StringBuilder(160).append("data: {\"id\":\"").append(completionId)
        .append("\",\"object\":\"chat.completion.chunk\",\"created\":").append(created).append(",\"model\":");
    this.head = JsonText.quote(h, model).append(",\"choices\":").toString();
  }

  /** Whether the client has seen the response start (streams) or the model has begun answering. */
  boolean started(long now) {
    return stream ? headersSent : now >= firstTokenAtNanos;
  }

  /**
   * Writes what is due at {@code now}. {@code cap} is the chaos limit (hang or crash point): at most that
   * many tokens, and the final chunk only if the answer is shorter than the cap.
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
      if (emitted >= answer.steps && cap > answer.steps) respondWhole();
      return;
    }
    sb.setLength(0);
    if (!headersSent) {
      headersSent = true;
      response.setStatusCode(200).setChunked(true)
          .putHeader("content-type", "text/event-stream; charset=utf-8");
      delta().append("\"role\":\"assistant\",\"content\":\"\"");
      endDelta(null);
    }
    while (emitted < target) {
      step(emitted++);
    }
    boolean done = false;
    if (errorAfter >= 0 && emitted >= errorAfter && emitted < answer.steps) {
      sb.append("data: {\"error\":").append(VllmError.body(500, "Simulated engine error after " + emitted
          + " tokens ([[sim error_after]]).").encode()).append("}\n\ndata: [DONE]\n\n");
      done = true;
    } else if (emitted >= answer.steps && cap > answer.steps) {
      delta().append("\"content\":\"\"");
      endDelta(answer.finishReason);
      if (includeUsage) {
        sb.append(head).append("[],\"usage\":{\"prompt_tokens\":").append(promptTokens)
            .append(",\"total_tokens\":").append(promptTokens + emitted)
            .append(",\"completion_tokens\":").append(emitted).append("}}\n\n");
      }
      sb.append("data: [DONE]\n\n");
      done = true;
    }
    if (sb.length() > 0) {
      if (done) {
        response.end(sb.toString());
        sim.finished(this, errorAfter < 0 || emitted >= answer.steps);
      } else {
        response.write(sb.toString());
      }
    }
  }

  private void step(int s) {
    String[] content = answer.content;
    if (s < content.length) {
      JsonText.quote(delta().append("\"content\":"), content[s]);
      endDelta(null);
      return;
    }
    SimAnswer.Call call = answer.calls.get(callIndex);
    delta().append("\"tool_calls\":[{\"index\":").append(callIndex);
    if (callPos == 0) {
      sb.append(",\"id\":\"").append(call.id()).append("\",\"type\":\"function\",\"function\":{\"name\":");
      JsonText.quote(sb, call.name()).append(",\"arguments\":\"\"}}]");
    } else {
      JsonText.quote(sb.append(",\"function\":{\"arguments\":"), call.fragments()[callPos - 1]).append("}}]");
    }
    endDelta(null);
    if (++callPos > call.fragments().length) {
      callIndex++;
      callPos = 0;
    }
  }

  private StringBuilder delta() {
    return sb.append(head).append("[{\"index\":0,\"delta\":{");
  }

  private void endDelta(String finishReason) {
    sb.append("},\"logprobs\":null,\"finish_reason\":");
    if (finishReason == null) {
      sb.append("null}]}\n\n");
    } else {
      sb.append('"').append(finishReason).append("\",\"stop_reason\":null}]}\n\n");
    }
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
