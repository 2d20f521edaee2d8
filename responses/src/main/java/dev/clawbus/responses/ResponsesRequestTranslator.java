package dev.clawbus.responses;

import static dev.clawbus.infra.contract.OpenAiError.invalidRequest;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Translates a {@code POST /v1/responses} body into a {@code /v1/chat/completions} body, so the whole
 * chat pipeline (validation, compat normalisation, token budget, durability, continuation, the model
 * family's tool-call parser) answers it. Mistakes are 400s in OpenAI's shape naming the parameter as
 * OpenAI does ({@code input[3].call_id}, {@code tools[1].type}, …).
 *
 * <p>Rules:
 * <ul>
 *   <li>{@code instructions} → a leading system message; then, with {@code previous_response_id}, the
 *       earlier response's messages and output; then {@code input} (a string is one user message).
 *   <li>{@code message} items (roles user, system, developer, assistant; content a string or
 *       {@code input_text}/{@code output_text}/{@code refusal} parts, joined with newlines as vLLM joins
 *       text parts; {@code input_image} URLs become {@code image_url} parts) → chat messages.
 *   <li>{@code reasoning}, {@code message} (assistant) and {@code function_call} items that follow each
 *       other form one assistant message: reasoning text → {@code reasoning_content} (what clawbus's chat
 *       path carries and vLLM's own /v1/responses maps them to), text → {@code content}, calls →
 *       {@code tool_calls}. A reasoning item with only {@code encrypted_content} is dropped (nothing
 *       here can read it).
 *   <li>{@code function_call_output} → a {@code tool} message; its {@code call_id} must belong to a
 *       function call earlier in the input or in the previous response.
 *   <li>{@code tools}: function tools only; {@code tool_choice}: auto, none, required,
 *       {@code {type:function,name}} or {@code {type:allowed_tools,…}} (the tool list is narrowed).
 *   <li>{@code max_output_tokens} → {@code max_tokens}; {@code temperature}, {@code top_p},
 *       {@code parallel_tool_calls}, {@code user} as they are; {@code text.format} →
 *       {@code response_format}; {@code reasoning.effort} low/medium/high → {@code reasoning_effort}.
 *   <li>{@code metadata}, {@code store}, {@code background}, {@code truncation}, {@code include},
 *       {@code max_tool_calls}, {@code top_logprobs}, {@code service_tier}, {@code prompt_cache_key},
 *       {@code safety_identifier}, {@code stream_options} are checked and echoed, not sent to vLLM;
 *       {@code conversation} and {@code prompt} (server-side objects clawbus does not have) are refused;
 *       vLLM sampling extras ({@code top_k}, {@code min_p}, {@code repetition_penalty}, {@code seed},
 *       {@code stop}, {@code presence_penalty}, {@code frequency_penalty}, {@code chat_template_kwargs})
 *       pass through; other unknown fields are ignored, as vLLM ignores them.
 * </ul>
 */
public final class ResponsesRequestTranslator {
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_.\\-]{1,64}");
  private static final Pattern FORMAT_NAME = Pattern.compile("[a-zA-Z0-9_\\-]{1,64}");
  private static final List<String> ROLES = List.of("user", "assistant", "system", "developer");
  private static final List<String> ITEM_TYPES = List.of("message", "function_call", "function_call_output",
      "reasoning");
  private static final List<String> EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh", "max");
  private static final Set<String> CHAT_EFFORTS = Set.of("low", "medium", "high");
  private static final List<String> SUMMARIES = List.of("auto", "concise", "detailed");
  private static final List<String> VERBOSITIES = List.of("low", "medium", "high");
  private static final List<String> TRUNCATIONS = List.of("auto", "disabled");
  private static final List<String> SERVICE_TIERS = List.of("auto", "default", "flex", "scale", "priority");
  private static final List<String> TOOL_CHOICES = List.of("none", "auto", "required");
  private static final List<String> VLLM_EXTRAS = List.of("top_k", "min_p", "repetition_penalty", "seed", "stop",
      "presence_penalty", "frequency_penalty", "chat_template_kwargs");

  private ResponsesRequestTranslator() {}

  /**
   * @param request the client's body
   * @param previous the response named by {@code previous_response_id}, fetched by the caller; null when
   *     the request names none, or when the named one is not kept (then the request is a 400, as OpenAI
   *     answers for an unknown id)
   */
  public static Translation translate(JsonObject request, PreviousResponse previous) {
    String model = requiredString(request, "model");
    refuse(request, "conversation", "Conversations are not supported by clawbus; send the history in 'input' "
        + "or continue with 'previous_response_id'.");
    refuse(request, "prompt", "Stored prompt templates are not supported by clawbus; send 'instructions' and "
        + "'input' instead.");
    boolean stream = bool(request, "stream", false);
    boolean background = bool(request, "background", false);
    boolean store = bool(request, "store", true);
    if (background && !store) {
      throw invalidRequest("background", "A background response must be stored: 'background: true' cannot be "
          + "combined with 'store: false'.");
    }
    Object parallel = typed(request, "parallel_tool_calls", Boolean.class, "a boolean");
    Double temperature = number(request, "temperature", 0, 2);
    Double topP = number(request, "top_p", 0, 1);
    Long maxOutput = integer(request, "max_output_tokens", 1, Long.MAX_VALUE);
    Long maxToolCalls = integer(request, "max_tool_calls", 1, Long.MAX_VALUE);
    Long topLogprobs = integer(request, "top_logprobs", 0, 20);
    String instructions = (String) typed(request, "instructions", String.class, "a string");
    String previousId = (String) typed(request, "previous_response_id", String.class, "a string");
    String user = (String) typed(request, "user", String.class, "a string");
    String cacheKey = (String) typed(request, "prompt_cache_key", String.class, "a string");
    String safetyId = (String) typed(request, "safety_identifier", String.class, "a string");
    String truncation = oneOf(request, "truncation", TRUNCATIONS);
    oneOf(request, "service_tier", SERVICE_TIERS);
    typed(request, "stream_options", JsonObject.class, "an object");
    JsonObject metadata = metadata(request);
    checkInclude(request);
    JsonObject reasoning = reasoning(request);
    JsonObject text = text(request);

    Tools tools = tools(request);
    Object echoChoice = toolChoice(request, tools);

    Conversation conv = new Conversation();
    if (instructions != null) conv.add(new JsonObject().put("role", "system").put("content", instructions));
    if (previousId != null) {
      if (previous == null) {
        throw invalidRequest("previous_response_id", "Previous response with id '" + previousId + "' not found.");
      }
      if (!previousId.equals(previous.id())) {
        throw new IllegalArgumentException("the previous response given is not the one the request names");
      }
      conv.previous(previous);
    }
    Object input = request.getValue("input");
    if (input instanceof String s) {
      conv.add(new JsonObject().put("role", "user").put("content", s));
    } else if (input instanceof JsonArray items) {
      for (int i = 0; i < items.size(); i++) conv.item(items.getValue(i), "input[" + i + "]");
    } else if (input != null) {
      throw typeError("input", "a string or an array of input items", input);
    }
    if (conv.messages.size() == (instructions != null ? 1 : 0)) {
      throw invalidRequest("input", input == null ? "Missing required parameter: 'input'."
          : "Invalid 'input': there is no message to answer.");
    }

    JsonObject chat = new JsonObject().put("model", model).put("messages", conv.messages).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));
    if (!tools.chat.isEmpty()) {
      chat.put("tools", tools.chat);
      if (tools.chatChoice != null) chat.put("tool_choice", tools.chatChoice);
      if (parallel != null) chat.put("parallel_tool_calls", parallel);
    }
    if (maxOutput != null) chat.put("max_tokens", maxOutput);
    if (temperature != null) chat.put("temperature", request.getValue("temperature"));
    if (topP != null) chat.put("top_p", request.getValue("top_p"));
    JsonObject format = text.getJsonObject("format");
    if (!"text".equals(format.getString("type"))) chat.put("response_format", responseFormat(format));
    String effort = reasoning.getString("effort");
    if (effort != null && CHAT_EFFORTS.contains(effort)) chat.put("reasoning_effort", effort);
    if (user != null) chat.put("user", user);
    for (String extra : VLLM_EXTRAS) {
      if (request.getValue(extra) != null) chat.put(extra, request.getValue(extra));
    }

    JsonObject echo = new JsonObject()
        .put("background", background)
        .put("instructions", instructions)
        .put("max_output_tokens", maxOutput)
        .put("max_tool_calls", maxToolCalls)
        .put("parallel_tool_calls", parallel == null ? Boolean.TRUE : parallel)
        .put("previous_response_id", previousId)
        .put("prompt_cache_key", cacheKey)
        .put("reasoning", reasoning)
        .put("safety_identifier", safetyId)
        .put("service_tier", "default")
        .put("store", store)
        .put("temperature", request.getValue("temperature"))
        .put("text", text)
        .put("tool_choice", echoChoice)
        .put("tools", tools.echo)
        .put("top_logprobs", topLogprobs == null ? 0L : topLogprobs)
        .put("top_p", request.getValue("top_p"))
        .put("truncation", truncation == null ? "disabled" : truncation)
        .put("user", user)
        .put("metadata", metadata);
    return new Translation(chat, echo, model, stream, background, store);
  }

  // ---------------------------------------------------------------- input items

  /** The chat messages being built, and the function calls seen so far. */
  private static final class Conversation {
    final JsonArray messages = new JsonArray();
    final Set<String> callIds = new HashSet<>();
    /** The assistant message the next assistant-side items join; null after any other message. */
    JsonObject assistant;

    void add(JsonObject message) {
      messages.add(message);
      assistant = null;
    }

    void previous(PreviousResponse previous) {
      for (int i = 0; i < previous.messages().size(); i++) {
        JsonObject m = previous.messages().getJsonObject(i).copy();
        add(m);
        JsonArray calls = m.getJsonArray("tool_calls");
        for (int k = 0; calls != null && k < calls.size(); k++) {
          Object id = calls.getJsonObject(k).getValue("id");
          if (id instanceof String s) callIds.add(s);
        }
      }
      JsonArray output = previous.output();
      for (int i = 0; i < output.size(); i++) item(output.getValue(i), "previous_response_id");
    }

    void item(Object value, String path) {
      if (!(value instanceof JsonObject item)) throw typeError(path, "an object", value);
      Object type = item.getValue("type");
      if (type == null && item.containsKey("role")) type = "message";
      if (type == null) throw missing(path + ".type");
      if (!(type instanceof String)) throw typeError(path + ".type", "a string", type);
      switch ((String) type) {
        case "message" -> message(item, path);
        case "function_call" -> functionCall(item, path);
        case "function_call_output" -> functionCallOutput(item, path);
        case "reasoning" -> reasoning(item, path);
        default -> throw invalidRequest(path + ".type", "Invalid value: '" + type + "'. Supported values are: "
            + list(ITEM_TYPES) + " (clawbus answers with the model's own text, reasoning and function calls).");
      }
    }

    private void message(JsonObject item, String path) {
      Object role = item.getValue("role");
      if (role == null) throw missing(path + ".role");
      if (!(role instanceof String r) || !ROLES.contains(r)) {
        throw invalidRequest(path + ".role", "Invalid value: '" + role + "'. Supported values are: " + list(ROLES) + ".");
      }
      Object content = content(item.getValue("content"), path, !"assistant".equals(r));
      if ("assistant".equals(r)) {
        String textContent = content instanceof String s ? s : "";
        if (assistant != null && !assistant.containsKey("content") && !assistant.containsKey("tool_calls")) {
          assistant.put("content", textContent);
        } else {
          add(new JsonObject().put("role", "assistant").put("content", textContent));
          assistant = messages.getJsonObject(messages.size() - 1);
        }
      } else {
        add(new JsonObject().put("role", r).put("content", content));
      }
    }

    /** A string, or chat content parts when there is an image; {@code images} false for assistant text. */
    private Object content(Object content, String path, boolean images) {
      String cpath = path + ".content";
      if (content == null) throw missing(cpath);
      if (content instanceof String s) return s;
      if (!(content instanceof JsonArray parts)) throw typeError(cpath, "a string or an array of content parts", content);
      StringBuilder text = new StringBuilder();
      JsonArray chatParts = new JsonArray();
      boolean image = false;
      for (int k = 0; k < parts.size(); k++) {
        String ppath = cpath + "[" + k + "]";
        Object pv = parts.getValue(k);
        if (!(pv instanceof JsonObject part)) throw typeError(ppath, "an object", pv);
        Object type = part.getValue("type");
        if (type == null) throw missing(ppath + ".type");
        String piece;
        switch (String.valueOf(type)) {
          case "input_text", "output_text" -> piece = requiredString(part, "text", ppath + ".text");
          case "refusal" -> piece = requiredString(part, "refusal", ppath + ".refusal");
          case "input_image" -> {
            if (!images) {
              throw invalidRequest(ppath + ".type", "Invalid value: 'input_image'. An assistant message holds "
                  + "'output_text' and 'refusal' parts.");
            }
            Object url = part.getValue("image_url");
            if (!(url instanceof String u) || u.isEmpty()) {
              throw invalidRequest(ppath + ".image_url", "clawbus takes images as 'image_url' (a URL or a data URL); "
                  + "uploaded files ('file_id') are not supported.");
            }
            JsonObject imageUrl = new JsonObject().put("url", u);
            if (part.getValue("detail") instanceof String d) imageUrl.put("detail", d);
            flushText(text, chatParts);
            chatParts.add(new JsonObject().put("type", "image_url").put("image_url", imageUrl));
            image = true;
            continue;
          }
          case "input_file", "input_audio" -> throw invalidRequest(ppath + ".type", "Content parts of type '" + type
              + "' are not supported by clawbus: send text ('input_text') or images ('input_image').");
          default -> throw invalidRequest(ppath + ".type", "Invalid value: '" + type + "'. Supported values are: "
              + "'input_text', 'input_image', 'output_text' and 'refusal'.");
        }
        if (text.length() > 0) text.append('\n');
        text.append(piece);
      }
      if (!image) return text.toString();
      flushText(text, chatParts);
      return chatParts;
    }

    private static void flushText(StringBuilder text, JsonArray chatParts) {
      if (text.length() == 0) return;
      chatParts.add(new JsonObject().put("type", "text").put("text", text.toString()));
      text.setLength(0);
    }

    private void functionCall(JsonObject item, String path) {
      String callId = requiredString(item, "call_id", path + ".call_id");
      String name = requiredString(item, "name", path + ".name");
      String arguments = requiredString(item, "arguments", path + ".arguments");
      JsonObject call = new JsonObject().put("id", callId).put("type", "function")
          .put("function", new JsonObject().put("name", name).put("arguments", arguments));
      callIds.add(callId);
      if (assistant != null) {
        JsonArray calls = assistant.getJsonArray("tool_calls");
        if (calls == null) assistant.put("tool_calls", calls = new JsonArray());
        calls.add(call);
      } else {
        add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(call)));
        assistant = messages.getJsonObject(messages.size() - 1);
      }
    }

    private void functionCallOutput(JsonObject item, String path) {
      String callId = requiredString(item, "call_id", path + ".call_id");
      if (!callIds.contains(callId)) {
        throw invalidRequest(path + ".call_id", "No tool call found for function call output with call_id "
            + callId + ".");
      }
      Object output = item.getValue("output");
      String opath = path + ".output";
      String content;
      if (output == null) {
        throw missing(opath);
      } else if (output instanceof String s) {
        content = s;
      } else if (output instanceof JsonArray parts) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < parts.size(); k++) {
          String ppath = opath + "[" + k + "]";
          if (!(parts.getValue(k) instanceof JsonObject part)) throw typeError(ppath, "an object", parts.getValue(k));
          if (!"input_text".equals(part.getValue("type")) && !"output_text".equals(part.getValue("type"))) {
            throw invalidRequest(ppath + ".type", "clawbus passes function call output to the model as text: "
                + "only 'input_text' parts are supported here.");
          }
          if (sb.length() > 0) sb.append('\n');
          sb.append(requiredString(part, "text", ppath + ".text"));
        }
        content = sb.toString();
      } else {
        throw typeError(opath, "a string or an array of content parts", output);
      }
      add(new JsonObject().put("role", "tool").put("tool_call_id", callId).put("content", content));
    }

    private void reasoning(JsonObject item, String path) {
      String text = joinTexts(item, "content", path, "\n");
      if (text.isEmpty()) text = joinTexts(item, "summary", path, "\n\n");
      if (text.isEmpty()) return;
      add(new JsonObject().put("role", "assistant").put("reasoning_content", text));
      assistant = messages.getJsonObject(messages.size() - 1);
    }

    private static String joinTexts(JsonObject item, String field, String path, String separator) {
      Object value = item.getValue(field);
      if (value == null) return "";
      if (!(value instanceof JsonArray parts)) throw typeError(path + "." + field, "an array", value);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < parts.size(); k++) {
        String ppath = path + "." + field + "[" + k + "]";
        if (!(parts.getValue(k) instanceof JsonObject part)) throw typeError(ppath, "an object", parts.getValue(k));
        String t = requiredString(part, "text", ppath + ".text");
        if (sb.length() > 0 && !t.isEmpty()) sb.append(separator);
        sb.append(t);
      }
      return sb.toString();
    }
  }

  // ---------------------------------------------------------------- tools

  private static final class Tools {
    final JsonArray chat = new JsonArray();
    final JsonArray echo = new JsonArray();
    final Set<String> names = new HashSet<>();
    Object chatChoice;
  }

  private static Tools tools(JsonObject request) {
    Tools tools = new Tools();
    Object value = request.getValue("tools");
    if (value == null) return tools;
    if (!(value instanceof JsonArray list)) throw typeError("tools", "an array", value);
    for (int i = 0; i < list.size(); i++) {
      String path = "tools[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject t)) throw typeError(path, "an object", list.getValue(i));
      Object type = t.getValue("type");
      if (type == null) throw missing(path + ".type");
      if (!"function".equals(type)) {
        throw invalidRequest(path + ".type", "Tools of type '" + type + "' are not supported by clawbus: only "
            + "function tools ({\"type\":\"function\",\"name\":…,\"parameters\":{…}}) reach the model.");
      }
      String name = requiredString(t, "name", path + ".name");
      if (!TOOL_NAME.matcher(name).matches()) {
        throw invalidRequest(path + ".name", "Invalid '" + path + ".name': must be 1-64 letters, digits, underscores, "
            + "dots or dashes.");
      }
      Object description = typed(t, "description", String.class, "a string", path + ".description");
      Object parameters = typed(t, "parameters", JsonObject.class, "a JSON schema object", path + ".parameters");
      Object strict = typed(t, "strict", Boolean.class, "a boolean", path + ".strict");
      JsonObject fn = new JsonObject().put("name", name);
      if (description != null) fn.put("description", description);
      if (parameters != null) fn.put("parameters", parameters);
      if (strict != null) fn.put("strict", strict);
      tools.chat.add(new JsonObject().put("type", "function").put("function", fn));
      tools.echo.add(new JsonObject().put("type", "function").put("name", name).put("description", description)
          .put("parameters", parameters).put("strict", strict));
      tools.names.add(name);
    }
    return tools;
  }

  /** Sets the chat tool_choice (narrowing the chat tools for allowed_tools) and returns the echo. */
  private static Object toolChoice(JsonObject request, Tools tools) {
    Object value = request.getValue("tool_choice");
    if (value == null) return "auto";
    if (value instanceof String s) {
      if (!TOOL_CHOICES.contains(s)) {
        throw invalidRequest("tool_choice", "Invalid value: '" + s + "'. Supported values are: " + list(TOOL_CHOICES) + ".");
      }
      tools.chatChoice = s;
      return s;
    }
    if (!(value instanceof JsonObject choice)) throw typeError("tool_choice", "a string or an object", value);
    Object type = choice.getValue("type");
    if ("function".equals(type)) {
      String name = requiredString(choice, "name", "tool_choice.name");
      if (!tools.names.contains(name)) {
        throw invalidRequest("tool_choice", "Tool choice 'function' with name '" + name + "' not found in 'tools' "
            + "parameter.");
      }
      tools.chatChoice = new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name));
      return new JsonObject().put("type", "function").put("name", name);
    }
    if ("allowed_tools".equals(type)) {
      String mode = requiredString(choice, "mode", "tool_choice.mode");
      if (!"auto".equals(mode) && !"required".equals(mode)) {
        throw invalidRequest("tool_choice.mode", "Invalid value: '" + mode + "'. Supported values are: 'auto' and "
            + "'required'.");
      }
      Object allowed = choice.getValue("tools");
      if (allowed == null) throw missing("tool_choice.tools");
      if (!(allowed instanceof JsonArray list)) throw typeError("tool_choice.tools", "an array", allowed);
      Set<String> keep = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        String path = "tool_choice.tools[" + i + "]";
        if (!(list.getValue(i) instanceof JsonObject t) || !"function".equals(t.getValue("type"))) {
          throw invalidRequest(path, "Only function tools can be allowed: expected {\"type\":\"function\",\"name\":…}.");
        }
        String name = requiredString(t, "name", path + ".name");
        if (!tools.names.contains(name)) {
          throw invalidRequest(path + ".name", "Tool '" + name + "' is not in the 'tools' parameter.");
        }
        keep.add(name);
      }
      JsonArray narrowed = new JsonArray();
      for (int i = 0; i < tools.chat.size(); i++) {
        JsonObject t = tools.chat.getJsonObject(i);
        if (keep.contains(t.getJsonObject("function").getString("name"))) narrowed.add(t);
      }
      tools.chat.clear();
      tools.chat.addAll(narrowed);
      tools.chatChoice = mode;
      return choice.copy();
    }
    if (type == null) throw missing("tool_choice.type");
    throw invalidRequest("tool_choice.type", "Tool choice of type '" + type + "' is not supported by clawbus: use "
        + "'auto', 'none', 'required', {\"type\":\"function\",\"name\":…} or {\"type\":\"allowed_tools\",…}.");
  }

  // ---------------------------------------------------------------- text, reasoning, metadata

  private static JsonObject text(JsonObject request) {
    Object value = request.getValue("text");
    JsonObject echo = new JsonObject().put("format", new JsonObject().put("type", "text")).put("verbosity", "medium");
    if (value == null) return echo;
    if (!(value instanceof JsonObject text)) throw typeError("text", "an object", value);
    String verbosity = oneOf(text, "verbosity", VERBOSITIES, "text.verbosity");
    if (verbosity != null) echo.put("verbosity", verbosity);
    Object f = text.getValue("format");
    if (f == null) return echo;
    if (!(f instanceof JsonObject format)) throw typeError("text.format", "an object", f);
    Object type = format.getValue("type");
    if (type == null) throw missing("text.format.type");
    switch (String.valueOf(type)) {
      case "text", "json_object" -> echo.put("format", new JsonObject().put("type", type));
      case "json_schema" -> {
        String name = requiredString(format, "name", "text.format.name");
        if (!FORMAT_NAME.matcher(name).matches()) {
          throw invalidRequest("text.format.name", "Invalid 'text.format.name': must be 1-64 letters, digits, "
              + "underscores or dashes.");
        }
        Object schema = format.getValue("schema");
        if (schema == null) throw missing("text.format.schema");
        if (!(schema instanceof JsonObject)) throw typeError("text.format.schema", "a JSON schema object", schema);
        typed(format, "description", String.class, "a string", "text.format.description");
        typed(format, "strict", Boolean.class, "a boolean", "text.format.strict");
        JsonObject e = new JsonObject().put("type", "json_schema").put("name", name).put("schema", schema);
        if (format.getValue("description") != null) e.put("description", format.getValue("description"));
        if (format.getValue("strict") != null) e.put("strict", format.getValue("strict"));
        echo.put("format", e);
      }
      default -> throw invalidRequest("text.format.type", "Invalid value: '" + type + "'. Supported values are: "
          + "'text', 'json_object' and 'json_schema'.");
    }
    return echo;
  }

  private static JsonObject responseFormat(JsonObject format) {
    if (!"json_schema".equals(format.getString("type"))) return new JsonObject().put("type", format.getString("type"));
    JsonObject schema = new JsonObject().put("name", format.getString("name"));
    if (format.getValue("description") != null) schema.put("description", format.getValue("description"));
    schema.put("schema", format.getValue("schema"));
    if (format.getValue("strict") != null) schema.put("strict", format.getValue("strict"));
    return new JsonObject().put("type", "json_schema").put("json_schema", schema);
  }

  private static JsonObject reasoning(JsonObject request) {
    JsonObject echo = new JsonObject().putNull("effort").putNull("summary");
    Object value = request.getValue("reasoning");
    if (value == null) return echo;
    if (!(value instanceof JsonObject r)) throw typeError("reasoning", "an object", value);
    echo.put("effort", oneOf(r, "effort", EFFORTS, "reasoning.effort"));
    String summary = oneOf(r, "summary", SUMMARIES, "reasoning.summary");
    String generate = oneOf(r, "generate_summary", SUMMARIES, "reasoning.generate_summary");
    echo.put("summary", summary != null ? summary : generate);
    return echo;
  }

  private static JsonObject metadata(JsonObject request) {
    Object value = request.getValue("metadata");
    if (value == null) return new JsonObject();
    if (!(value instanceof JsonObject m)) throw typeError("metadata", "an object", value);
    if (m.size() > 16) {
      throw invalidRequest("metadata", "Invalid 'metadata': too many properties. Expected an object with at most 16 "
          + "properties, but got " + m.size() + " instead.");
    }
    for (Map.Entry<String, Object> e : m) {
      if (e.getKey().length() > 64) {
        throw invalidRequest("metadata", "Invalid 'metadata': keys can be at most 64 characters long.");
      }
      if (!(e.getValue() instanceof String s)) throw typeError("metadata." + e.getKey(), "a string", e.getValue());
      if (s.length() > 512) {
        throw invalidRequest("metadata." + e.getKey(), "Invalid 'metadata." + e.getKey() + "': string too long. "
            + "Expected a string with maximum length 512, but got a string with length " + s.length() + " instead.");
      }
    }
    return m.copy();
  }

  private static void checkInclude(JsonObject request) {
    Object value = request.getValue("include");
    if (value == null) return;
    if (!(value instanceof JsonArray list)) throw typeError("include", "an array", value);
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof String)) throw typeError("include[" + i + "]", "a string", list.getValue(i));
    }
  }

  // ---------------------------------------------------------------- checks

  private static void refuse(JsonObject request, String field, String message) {
    if (request.getValue(field) != null) throw invalidRequest(field, message);
  }

  private static String requiredString(JsonObject o, String field) {
    return requiredString(o, field, field);
  }

  private static String requiredString(JsonObject o, String field, String path) {
    Object v = o.getValue(field);
    if (v == null) throw missing(path);
    if (!(v instanceof String s)) throw typeError(path, "a string", v);
    return s;
  }

  private static boolean bool(JsonObject o, String field, boolean dflt) {
    Object v = typed(o, field, Boolean.class, "a boolean");
    return v == null ? dflt : (Boolean) v;
  }

  private static Object typed(JsonObject o, String field, Class<?> type, String expected) {
    return typed(o, field, type, expected, field);
  }

  private static Object typed(JsonObject o, String field, Class<?> type, String expected, String path) {
    Object v = o.getValue(field);
    if (v != null && !type.isInstance(v)) throw typeError(path, expected, v);
    return v;
  }

  private static Double number(JsonObject o, String field, double min, double max) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (!(v instanceof Number n)) throw typeError(field, "a number", v);
    double d = n.doubleValue();
    if (d < min) {
      throw invalidRequest(field, "Invalid '" + field + "': decimal below minimum value. Expected a value >= "
          + fmt(min) + ", but got " + v + " instead.");
    }
    if (d > max) {
      throw invalidRequest(field, "Invalid '" + field + "': decimal above maximum value. Expected a value <= "
          + fmt(max) + ", but got " + v + " instead.");
    }
    return d;
  }

  private static Long integer(JsonObject o, String field, long min, long max) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (!(v instanceof Integer || v instanceof Long)) throw typeError(field, "an integer", v);
    long n = ((Number) v).longValue();
    if (n < min) {
      throw invalidRequest(field, "Invalid '" + field + "': integer below minimum value. Expected a value >= " + min
          + ", but got " + n + " instead.");
    }
    if (n > max) {
      throw invalidRequest(field, "Invalid '" + field + "': integer above maximum value. Expected a value <= " + max
          + ", but got " + n + " instead.");
    }
    return n;
  }

  private static String oneOf(JsonObject o, String field, List<String> allowed) {
    return oneOf(o, field, allowed, field);
  }

  private static String oneOf(JsonObject o, String field, List<String> allowed, String path) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (!(v instanceof String s) || !allowed.contains(s)) {
      throw invalidRequest(path, "Invalid value: '" + v + "'. Supported values are: " + list(allowed) + ".");
    }
    return s;
  }

  private static OpenAiError missing(String path) {
    return invalidRequest(path, "Missing required parameter: '" + path + "'.");
  }

  private static OpenAiError typeError(String path, String expected, Object value) {
    return invalidRequest(path, "Invalid type for '" + path + "': expected " + expected + ", but got " + typeName(value)
        + " instead.");
  }

  private static String list(List<String> values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) sb.append(i == values.size() - 1 ? " and " : ", ");
      sb.append('\'').append(values.get(i)).append('\'');
    }
    return sb.toString();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  static String typeName(Object v) {
    if (v == null) return "null";
    if (v instanceof String) return "a string";
    if (v instanceof Boolean) return "a boolean";
    if (v instanceof Integer || v instanceof Long) return "an integer";
    if (v instanceof Number) return "a decimal";
    if (v instanceof JsonArray) return "an array";
    return "an object";
  }
}
