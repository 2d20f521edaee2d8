package dev.clawbus.infra.contract;

import dev.clawbus.parser.JsonText;

/**
 * Writes the {@code chat.completion.chunk} texts of one response. {@code id}, {@code created} and
 * {@code model} are fixed per response (strict SDKs require them constant, across retries and
 * continuations too), so their JSON prefix is rendered once.
 */
public final class ChunkWriter {
  private final String prefix;
  private final StringBuilder sb = new StringBuilder(256);

  public ChunkWriter(String completionId, long created, String model) {
    StringBuilder p = new StringBuilder(96).append("{\"id\":");
    JsonText.quote(p, completionId).append(",\"object\":\"chat.completion.chunk\",\"created\":").append(created)
        .append(",\"model\":");
    JsonText.quote(p, model).append(",\"choices\":");
    this.prefix = p.toString();
  }

  public static ChunkWriter of(RequestEnvelope env) {
    return new ChunkWriter(env.completionId(), env.created(), env.model());
  }

  private StringBuilder delta() {
    sb.setLength(0);
    return sb.append(prefix).append("[{\"index\":0,\"delta\":{");
  }

  private String endDelta(String finishReason) {
    sb.append("},\"logprobs\":null,\"finish_reason\":");
    if (finishReason == null) sb.append("null"); else JsonText.quote(sb, finishReason);
    return sb.append("}]}").toString();
  }

  /** The first chunk of every answer. */
  public String role() {
    delta().append("\"role\":\"assistant\",\"content\":\"\"");
    return endDelta(null);
  }

  /** An empty delta: resets idle timers that ignore SSE comments (OpenClaw's does). */
  public String keepalive() {
    delta();
    return endDelta(null);
  }

  public String content(CharSequence text) {
    JsonText.quote(delta().append("\"content\":"), text);
    return endDelta(null);
  }

  public String reasoning(CharSequence text) {
    JsonText.quote(delta().append("\"reasoning_content\":"), text);
    return endDelta(null);
  }

  /** A whole tool call in one delta: index, id, type and name with the complete JSON arguments. */
  public String toolCall(int index, String id, String name, String argumentsJson) {
    delta().append("\"tool_calls\":[{\"index\":").append(index).append(",\"id\":");
    JsonText.quote(sb, id).append(",\"type\":\"function\",\"function\":{\"name\":");
    JsonText.quote(sb, name).append(",\"arguments\":");
    JsonText.quote(sb, argumentsJson).append("}}]");
    return endDelta(null);
  }

  public String finish(String finishReason) {
    delta();
    return endDelta(finishReason);
  }

  /** The usage chunk: {@code choices} is empty, as OpenAI sends it with {@code include_usage}. */
  public String usage(long promptTokens, long completionTokens) {
    sb.setLength(0);
    return sb.append(prefix).append("[],\"usage\":{\"prompt_tokens\":").append(promptTokens)
        .append(",\"completion_tokens\":").append(completionTokens)
        .append(",\"total_tokens\":").append(promptTokens + completionTokens).append("}}").toString();
  }
}
