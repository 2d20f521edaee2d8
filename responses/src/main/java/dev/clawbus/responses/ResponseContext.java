package dev.clawbus.responses;

import dev.clawbus.parser.JsonText;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * What a response says about itself besides its output: id, creation time, model and the request's
 * settings that OpenAI echoes in every response object (instructions, tools, tool_choice, text, …).
 * It is fixed for the life of a response, so the JSON around the changing parts (status, error,
 * output, usage) is rendered once. {@link #toJson()} / {@link #fromJson} keep it with the request so
 * any node can rebuild the response or its stream.
 */
public final class ResponseContext {
  private final String requestId;
  private final long createdAt;
  private final String model;
  private final JsonObject echo;
  private final String head;
  private final String afterStatus;
  private final String beforeOutput;
  private final String beforeUsage;
  private final String tail;

  /**
   * @param requestId the clawbus request id; every id of the response derives from it
   * @param createdAt seconds since the epoch, as in the chat chunks' {@code created}
   * @param model the model name the client asked for
   * @param echo the echoed request settings ({@link Translation#echo()})
   */
  public ResponseContext(String requestId, long createdAt, String model, JsonObject echo) {
    this.requestId = requestId;
    this.createdAt = createdAt;
    this.model = model;
    this.echo = echo;
    StringBuilder sb = new StringBuilder(256).append("{\"id\":");
    JsonText.quote(sb, responseId()).append(",\"object\":\"response\",\"created_at\":").append(createdAt)
        .append(",\"status\":\"");
    head = sb.toString();
    afterStatus = "\",\"background\":" + enc("background") + ",\"completed_at\":";
    sb.setLength(0);
    sb.append(",\"instructions\":").append(enc("instructions"))
        .append(",\"max_output_tokens\":").append(enc("max_output_tokens"))
        .append(",\"max_tool_calls\":").append(enc("max_tool_calls"))
        .append(",\"model\":");
    JsonText.quote(sb, model).append(",\"output\":");
    beforeOutput = sb.toString();
    sb.setLength(0);
    for (String key : new String[] {"parallel_tool_calls", "previous_response_id", "prompt_cache_key", "reasoning",
        "safety_identifier", "service_tier", "store", "temperature", "text", "tool_choice", "tools", "top_logprobs",
        "top_p", "truncation"}) {
      sb.append(",\"").append(key).append("\":").append(enc(key));
    }
    beforeUsage = sb.append(",\"usage\":").toString();
    tail = ",\"user\":" + enc("user") + ",\"metadata\":" + enc("metadata") + "}";
  }

  private String enc(String key) {
    Object v = echo.getValue(key);
    if (v == null) v = Translation.defaultEcho(key);
    return Json.encode(v);
  }

  public String requestId() { return requestId; }
  public String responseId() { return ResponseIds.responseId(requestId); }
  public long createdAt() { return createdAt; }
  public String model() { return model; }
  public JsonObject echo() { return echo; }
  /** {@code background: true}: the stream starts {@code queued}. */
  public boolean background() { return echo.getBoolean("background", false); }

  /** Appends the whole response object; {@code output}, {@code error}, {@code incompleteDetails} and {@code usage} are JSON texts. */
  void appendResponse(StringBuilder sb, String status, Long completedAt, CharSequence error,
      CharSequence incompleteDetails, CharSequence output, CharSequence usage) {
    sb.append(head).append(status).append(afterStatus);
    if (completedAt == null) sb.append("null"); else sb.append(completedAt.longValue());
    sb.append(",\"error\":").append(error == null ? "null" : error)
        .append(",\"incomplete_details\":").append(incompleteDetails == null ? "null" : incompleteDetails)
        .append(beforeOutput).append(output).append(beforeUsage).append(usage == null ? "null" : usage).append(tail);
  }

  /** The form kept with the request. */
  public JsonObject toJson() {
    return new JsonObject().put("request_id", requestId).put("created_at", createdAt).put("model", model)
        .put("echo", echo);
  }

  public static ResponseContext fromJson(JsonObject json) {
    return new ResponseContext(json.getString("request_id"), json.getLong("created_at"), json.getString("model"),
        json.getJsonObject("echo", new JsonObject()));
  }
}
