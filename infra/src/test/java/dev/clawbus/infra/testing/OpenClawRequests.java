package dev.clawbus.infra.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Requests shaped like OpenClaw 2026.9's (measured): field order model, messages, stream,
 * stream_options, tools, tool_choice, max_completion_tokens; a ~50k-character system prompt; 12
 * function tools (~10 KB) whose schemas use patternProperties, anyOf, const, enum, maxLength, minimum;
 * plain-string user turns, an assistant turn with reasoning_content and a tool call, and a last user
 * message that is a content-part array.
 */
public final class OpenClawRequests {
  private OpenClawRequests() {}

  public static JsonObject chat(String model, String lastUserText, boolean stream) {
    JsonObject body = new JsonObject()
        .put("model", model)
        .put("messages", messages(lastUserText))
        .put("stream", stream);
    if (stream) body.put("stream_options", new JsonObject().put("include_usage", true));
    return body
        .put("tools", tools())
        .put("tool_choice", "auto")
        .put("max_completion_tokens", 8192)
        .put("store", false);
  }

  /**
   * The Responses API request OpenClaw 2026.9 sent with {@code "api": "openai-responses"}, as recorded from the real
   * CLI: {@code input} items of type {@code message} with {@code input_text} parts (a ~50k-character system message
   * first), {@code stream: true}, {@code max_output_tokens}, {@code store: false} and 12 function tools in the
   * Responses shape.
   */
  public static JsonObject responses() {
    try (var in = OpenClawRequests.class.getResourceAsStream("/openclaw/responses-api-request.json")) {
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static String systemPrompt() {
    StringBuilder sb = new StringBuilder(51_000);
    sb.append("You are a personal assistant running inside OpenClaw.\n## Tooling\n");
    int i = 0;
    while (sb.length() < 50_000) {
      sb.append("- Rule ").append(i++).append(": prefer the `exec` tool for shell work; quote paths with \"double\" ")
          .append("quotes; never print secrets; answer concisely <b>without</b> HTML unless asked.\n");
    }
    return sb.toString();
  }

  public static JsonArray messages(String lastUserText) {
    return new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", systemPrompt()))
        .add(new JsonObject().put("role", "user").put("content", "what's in my home directory?"))
        .add(new JsonObject().put("role", "assistant").put("content", "")
            .put("reasoning_content", "The user wants a listing; use exec.")
            .put("tool_calls", new JsonArray().add(new JsonObject().put("id", "callabc123").put("type", "function")
                .put("function", new JsonObject().put("name", "exec").put("arguments", "{\"command\":\"ls ~\"}")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "callabc123").put("content", "notes.md\nsrc\n"))
        .add(new JsonObject().put("role", "assistant").put("content", "You have notes.md and src."))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", lastUserText))));
  }

  public static JsonArray tools() {
    JsonArray tools = new JsonArray();
    tools.add(tool("exec", "Run a shell command on the gateway, a sandbox or a node.", new JsonObject()
        .put("type", "object")
        .put("required", new JsonArray().add("command"))
        .put("properties", new JsonObject()
            .put("command", new JsonObject().put("type", "string").put("description", "Shell command to run"))
            .put("title", new JsonObject().put("type", "string").put("maxLength", 80))
            .put("workdir", new JsonObject().put("type", "string"))
            .put("env", new JsonObject().put("type", "object")
                .put("patternProperties", new JsonObject().put("^[A-Z_][A-Z0-9_]*$", new JsonObject().put("type", "string")))
                .put("additionalProperties", false))
            .put("yieldMs", new JsonObject().put("type", "integer").put("minimum", 0))
            .put("background", new JsonObject().put("type", "boolean"))
            .put("timeoutSeconds", new JsonObject().put("type", "number").put("minimum", 1))
            .put("pty", new JsonObject().put("type", "boolean"))
            .put("elevated", new JsonObject().put("type", "boolean"))
            .put("host", new JsonObject().put("type", "string")
                .put("enum", new JsonArray().add("auto").add("sandbox").add("gateway").add("node")))
            .put("ask", new JsonObject().put("anyOf", new JsonArray()
                .add(new JsonObject().put("const", "never")).add(new JsonObject().put("const", "always"))
                .add(new JsonObject().put("type", "boolean"))))
            .put("node", new JsonObject().put("type", "string")))));
    String[] names = {"read", "write", "edit", "apply_patch", "process", "web_search", "web_fetch", "browser",
        "message", "cron", "sessions_send"};
    for (String name : names) {
      tools.add(tool(name, "The " + name + " tool. " + "Use it when the task needs " + name + "; see the docs for "
          + "limits, quoting rules and examples. ".repeat(6), new JsonObject()
          .put("type", "object")
          .put("required", new JsonArray().add("target"))
          .put("properties", new JsonObject()
              .put("target", new JsonObject().put("type", "string").put("maxLength", 4096))
              .put("mode", new JsonObject().put("anyOf", new JsonArray()
                  .add(new JsonObject().put("type", "string").put("enum", new JsonArray().add("fast").add("full")))
                  .add(new JsonObject().put("type", "null"))))
              .put("limit", new JsonObject().put("type", "integer").put("minimum", 1).put("maximum", 100000))
              .put("options", new JsonObject().put("type", "object")
                  .put("patternProperties", new JsonObject().put("^x-", new JsonObject().put("type", "string")))))));
    }
    return tools;
  }

  private static JsonObject tool(String name, String description, JsonObject parameters) {
    return new JsonObject().put("type", "function").put("function", new JsonObject()
        .put("name", name).put("description", description).put("parameters", parameters).put("strict", false));
  }
}
