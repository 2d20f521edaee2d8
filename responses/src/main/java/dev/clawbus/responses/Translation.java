package dev.clawbus.responses;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A Responses request translated: the chat-completions body for the pipeline and what the response
 * echoes back.
 *
 * @param chatBody the {@code /v1/chat/completions} body (model, messages, stream with usage, tools,
 *     tool_choice, max_tokens, …) for the transformer
 * @param echo the request settings every response object of this request repeats ({@code instructions},
 *     {@code tools}, {@code tool_choice}, {@code text}, {@code metadata}, …), OpenAI's defaults filled in
 * @param model the model name the client asked for
 * @param stream the client asked for SSE ({@code stream: true})
 * @param background {@code background: true}: answer at once with the queued response
 * @param store {@code store} (default true)
 */
public record Translation(JsonObject chatBody, JsonObject echo, String model, boolean stream, boolean background,
    boolean store) {

  /** The context every answer to this request is written with. */
  public ResponseContext context(String requestId, long createdAtSeconds) {
    return new ResponseContext(requestId, createdAtSeconds, model, echo);
  }

  /** OpenAI's value for an echoed setting the request did not give. */
  static Object defaultEcho(String key) {
    return switch (key) {
      case "background" -> false;
      case "parallel_tool_calls", "store" -> true;
      case "reasoning" -> new JsonObject().putNull("effort").putNull("summary");
      case "service_tier" -> "default";
      case "text" -> new JsonObject().put("format", new JsonObject().put("type", "text")).put("verbosity", "medium");
      case "tool_choice" -> "auto";
      case "tools" -> new JsonArray();
      case "top_logprobs" -> 0;
      case "truncation" -> "disabled";
      case "metadata" -> new JsonObject();
      default -> null;
    };
  }
}
