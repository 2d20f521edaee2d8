package dev.clawbus.infra.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds a stream of {@code chat.completion.chunk}s into one {@code chat.completion}: the answer to a
 * non-streaming request and to {@code GET /v1/requests/{id}}. The pipeline always streams internally,
 * so there is exactly one code path from vLLM to the client.
 */
public final class CompletionAssembler {
  private String id;
  private long created;
  private String model;
  private final StringBuilder content = new StringBuilder();
  private final StringBuilder reasoning = new StringBuilder();
  private boolean sawContent;
  private boolean sawReasoning;
  private final List<JsonObject> toolCalls = new ArrayList<>();
  private String finishReason;
  private JsonObject usage;

  public void accept(JsonObject chunk) {
    if (id == null) {
      id = chunk.getString("id");
      created = chunk.getLong("created", 0L);
      model = chunk.getString("model");
    }
    JsonObject u = chunk.getJsonObject("usage");
    if (u != null) {
      usage = u;
    }
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null) {
      return;
    }
    for (int i = 0; i < choices.size(); i++) {
      JsonObject choice = choices.getJsonObject(i);
      JsonObject delta = choice.getJsonObject("delta");
      if (delta != null) {
        String c = delta.getString("content");
        if (c != null) {
          content.append(c);
          sawContent |= !c.isEmpty();
        }
        String r = delta.getString("reasoning_content");
        if (r != null) {
          reasoning.append(r);
          sawReasoning = true;
        }
        JsonArray calls = delta.getJsonArray("tool_calls");
        if (calls != null) {
          for (int k = 0; k < calls.size(); k++) {
            mergeToolCall(calls.getJsonObject(k));
          }
        }
      }
      String fr = choice.getString("finish_reason");
      if (fr != null) {
        finishReason = fr;
      }
    }
  }

  private void mergeToolCall(JsonObject d) {
    int index = d.getInteger("index", toolCalls.size());
    while (toolCalls.size() <= index) {
      toolCalls.add(new JsonObject().put("id", "").put("type", "function")
          .put("function", new JsonObject().put("name", "").put("arguments", "")));
    }
    JsonObject call = toolCalls.get(index);
    if (d.getString("id") != null) call.put("id", d.getString("id"));
    JsonObject f = d.getJsonObject("function");
    if (f != null) {
      JsonObject target = call.getJsonObject("function");
      if (f.getString("name") != null) target.put("name", target.getString("name") + f.getString("name"));
      if (f.getString("arguments") != null) {
        target.put("arguments", target.getString("arguments") + f.getString("arguments"));
      }
    }
  }

  public JsonObject completion() {
    JsonObject message = new JsonObject().put("role", "assistant")
        .put("content", sawContent || toolCalls.isEmpty() ? content.toString() : null);
    if (sawReasoning) {
      message.put("reasoning_content", reasoning.toString());
    }
    if (!toolCalls.isEmpty()) {
      message.put("tool_calls", new JsonArray(new ArrayList<>(toolCalls)));
    }
    JsonObject out = new JsonObject()
        .put("id", id)
        .put("object", "chat.completion")
        .put("created", created)
        .put("model", model)
        .put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0)
            .put("message", message)
            .put("logprobs", null)
            .put("finish_reason", finishReason == null ? "stop" : finishReason)));
    out.put("usage", usage != null ? usage
        : new JsonObject().put("prompt_tokens", 0).put("completion_tokens", 0).put("total_tokens", 0));
    return out;
  }
}
