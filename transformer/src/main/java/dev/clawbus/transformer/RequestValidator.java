package dev.clawbus.transformer;

import static dev.clawbus.infra.contract.OpenAiError.invalidRequest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a client's chat request before anything is claimed or queued: every field that clawbus or vLLM reads
 * is type-checked here, so a mistake is a 400 naming the field (as OpenAI words it) instead of a failure deep
 * in the pipeline, a vLLM 500, or an exception's text in an answer. JSON {@code null} means "not given", as
 * OpenAI treats it. Fields clawbus does not know pass through to vLLM, which answers for them.
 */
public final class RequestValidator {
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
  private static final Set<String> PART_TYPES = Set.of("text", "input_text", "output_text", "image_url",
      "input_image", "input_audio", "audio_url", "video_url", "file", "refusal");
  private static final Set<String> TEXT_PARTS = Set.of("text", "input_text", "output_text", "refusal");
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_.\\-]{1,64}");

  private RequestValidator() {}

  public static void validate(JsonObject body) {
    Object model = body.getValue("model");
    if (!(model instanceof String) || ((String) model).isBlank()) {
      throw invalidRequest("model", "you must provide a model parameter");
    }
    if (((String) model).length() > 256) {
      throw invalidRequest("model", "Invalid 'model': at most 256 characters.");
    }
    Object messages = body.getValue("messages");
    if (!(messages instanceof JsonArray msgs)) {
      throw invalidRequest("messages", messages == null ? "Missing required parameter: 'messages'."
          : "Invalid type for 'messages': expected an array, but got " + typeName(messages) + ".");
    }
    if (msgs.isEmpty()) {
      throw invalidRequest("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1.");
    }
    for (int i = 0; i < msgs.size(); i++) {
      validateMessage(msgs.getValue(i), "messages[" + i + "]");
    }
    bool(body, "stream");
    Object so = object(body, "stream_options");
    if (so != null) bool((JsonObject) so, "include_usage", "stream_options.include_usage");
    positiveInt(body, "max_tokens");
    positiveInt(body, "max_completion_tokens");
    range(body, "temperature", 0, 2);
    range(body, "top_p", 0, 1);
    range(body, "presence_penalty", -2, 2);
    range(body, "frequency_penalty", -2, 2);
    Object n = body.getValue("n");
    if (n != null && !(isInteger(n) && ((Number) n).longValue() == 1)) {
      throw invalidRequest("n", "Only n=1 is supported: clawbus streams one choice per request.");
    }
    stop(body);
    integer(body, "seed");
    bool(body, "logprobs");
    Object top = body.getValue("top_logprobs");
    if (top != null && !(isInteger(top) && ((Number) top).longValue() >= 0 && ((Number) top).longValue() <= 20)) {
      throw invalidRequest("top_logprobs", "Invalid 'top_logprobs': expected an integer from 0 to 20, but got "
          + show(top) + ".");
    }
    Object bias = object(body, "logit_bias");
    if (bias != null) {
      for (String k : ((JsonObject) bias).fieldNames()) {
        if (!(((JsonObject) bias).getValue(k) instanceof Number)) {
          throw invalidRequest("logit_bias", "Invalid 'logit_bias': values must be numbers.");
        }
      }
    }
    string(body, "user");
    string(body, "reasoning_effort");
    string(body, "service_tier");
    string(body, "prompt_cache_key");
    bool(body, "store");
    bool(body, "parallel_tool_calls");
    object(body, "metadata");
    object(body, "chat_template_kwargs");
    responseFormat(body);
    validateTools(body);
  }

  private static void validateMessage(Object value, String path) {
    if (!(value instanceof JsonObject m)) {
      throw invalidRequest(path, "Invalid type for '" + path + "': expected an object, but got " + typeName(value)
          + ".");
    }
    Object role = m.getValue("role");
    if (!(role instanceof String) || !ROLES.contains(role)) {
      throw invalidRequest(path + ".role", "Invalid value for '" + path + ".role': expected one of system, developer, "
          + "user, assistant, tool, but got " + (role == null ? "nothing" : show(role)) + ".");
    }
    Object content = m.getValue("content");
    if (content != null && !(content instanceof String) && !(content instanceof JsonArray)) {
      throw invalidRequest(path + ".content", "Invalid type for '" + path
          + ".content': expected a string or an array of content parts, but got " + typeName(content) + ".");
    }
    if (content instanceof JsonArray parts) {
      for (int k = 0; k < parts.size(); k++) {
        validatePart(parts.getValue(k), path + ".content[" + k + "]");
      }
    }
    Object calls = m.getValue("tool_calls");
    if (calls != null) {
      if (!(calls instanceof JsonArray list)) {
        throw invalidRequest(path + ".tool_calls", "Invalid type for '" + path + ".tool_calls': expected an array, "
            + "but got " + typeName(calls) + ".");
      }
      for (int k = 0; k < list.size(); k++) {
        validateToolCall(list.getValue(k), path + ".tool_calls[" + k + "]");
      }
    }
    boolean mayOmit = "assistant".equals(role) || "function".equals(role);
    if (content == null && !mayOmit) {
      throw invalidRequest(path + ".content", "Missing required parameter: '" + path + ".content'.");
    }
    if ("tool".equals(role) && !(m.getValue("tool_call_id") instanceof String)) {
      throw invalidRequest(path + ".tool_call_id", "Missing required parameter: '" + path + ".tool_call_id'.");
    }
    string(m, "name", path + ".name");
    string(m, "reasoning_content", path + ".reasoning_content");
    string(m, "reasoning", path + ".reasoning");
  }

  private static void validatePart(Object part, String path) {
    if (!(part instanceof JsonObject p) || !(p.getValue("type") instanceof String type)) {
      throw invalidRequest(path, "Invalid content part '" + path + "': expected an object with a 'type'.");
    }
    if (!PART_TYPES.contains(type)) {
      throw invalidRequest(path + ".type", "Invalid value for '" + path + ".type': '" + clip(type)
          + "' is not a supported content part type.");
    }
    if (TEXT_PARTS.contains(type)) {
      String field = "refusal".equals(type) ? "refusal" : "text";
      if (!(p.getValue(field) instanceof String)) {
        throw invalidRequest(path + "." + field, "Invalid '" + path + "." + field + "': expected a string.");
      }
    } else if ("image_url".equals(type)) {
      Object url = p.getValue("image_url");
      if (!(url instanceof String) && !(url instanceof JsonObject o && o.getValue("url") instanceof String)) {
        throw invalidRequest(path + ".image_url", "Invalid '" + path + ".image_url': expected {\"url\": ...}.");
      }
    }
  }

  private static void validateToolCall(Object value, String path) {
    if (!(value instanceof JsonObject call)) {
      throw invalidRequest(path, "Invalid type for '" + path + "': expected an object, but got " + typeName(value)
          + ".");
    }
    string(call, "id", path + ".id");
    Object type = call.getValue("type");
    if (type != null && !"function".equals(type)) {
      throw invalidRequest(path + ".type", "Invalid value for '" + path + ".type': expected 'function'.");
    }
    if (!(call.getValue("function") instanceof JsonObject fn)) {
      throw invalidRequest(path + ".function", "Missing required parameter: '" + path + ".function'.");
    }
    if (!(fn.getValue("name") instanceof String)) {
      throw invalidRequest(path + ".function.name", "Missing required parameter: '" + path + ".function.name'.");
    }
    Object args = fn.getValue("arguments");
    if (args != null && !(args instanceof String) && !(args instanceof JsonObject)) {
      throw invalidRequest(path + ".function.arguments", "Invalid type for '" + path
          + ".function.arguments': expected a string of JSON, but got " + typeName(args) + ".");
    }
  }

  private static void validateTools(JsonObject body) {
    Object choice = body.getValue("tool_choice");
    if (choice != null) {
      boolean ok = choice instanceof String s ? Set.of("none", "auto", "required").contains(s)
          : choice instanceof JsonObject o && "function".equals(o.getValue("type"))
              && o.getValue("function") instanceof JsonObject f && f.getValue("name") instanceof String;
      if (!ok) {
        throw invalidRequest("tool_choice", "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' "
            + "or {\"type\":\"function\",\"function\":{\"name\":...}}.");
      }
    }
    Object tools = body.getValue("tools");
    if (tools == null) {
      return;
    }
    if (!(tools instanceof JsonArray list)) {
      throw invalidRequest("tools", "Invalid type for 'tools': expected an array, but got " + typeName(tools) + ".");
    }
    for (int i = 0; i < list.size(); i++) {
      String path = "tools[" + i + "]";
      Object t = list.getValue(i);
      JsonObject fn = t instanceof JsonObject o && o.getValue("function") instanceof JsonObject f ? f : null;
      if (fn == null) {
        throw invalidRequest(path, "Invalid '" + path + "': expected {\"type\":\"function\",\"function\":{...}}.");
      }
      Object type = ((JsonObject) t).getValue("type");
      if (type != null && !"function".equals(type)) {
        throw invalidRequest(path + ".type", "Invalid value for '" + path + ".type': only 'function' tools are "
            + "supported.");
      }
      Object name = fn.getValue("name");
      if (!(name instanceof String) || !TOOL_NAME.matcher((String) name).matches()) {
        throw invalidRequest(path + ".function.name", "Invalid '" + path
            + ".function.name': must be 1-64 letters, digits, underscores, dots or dashes.");
      }
      string(fn, "description", path + ".function.description");
      bool(fn, "strict", path + ".function.strict");
      Object params = fn.getValue("parameters");
      if (params != null && !(params instanceof JsonObject)) {
        throw invalidRequest(path + ".function.parameters", "Invalid '" + path
            + ".function.parameters': expected a JSON schema object.");
      }
    }
  }

  private static void responseFormat(JsonObject body) {
    Object rf = object(body, "response_format");
    if (rf == null) return;
    Object type = ((JsonObject) rf).getValue("type");
    if (!(type instanceof String t) || !Set.of("text", "json_object", "json_schema").contains(t)) {
      throw invalidRequest("response_format.type", "Invalid value for 'response_format.type': expected 'text', "
          + "'json_object' or 'json_schema'.");
    }
    if ("json_schema".equals(type) && !(((JsonObject) rf).getValue("json_schema") instanceof JsonObject)) {
      throw invalidRequest("response_format.json_schema", "Missing required parameter: "
          + "'response_format.json_schema'.");
    }
  }

  private static void stop(JsonObject body) {
    Object stop = body.getValue("stop");
    if (stop == null || stop instanceof String) return;
    if (stop instanceof JsonArray a && a.size() <= 4) {
      boolean allStrings = true;
      for (int i = 0; i < a.size(); i++) allStrings &= a.getValue(i) instanceof String;
      if (allStrings) return;
    }
    throw invalidRequest("stop", "Invalid 'stop': expected a string or an array of at most 4 strings.");
  }

  private static Object object(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v != null && !(v instanceof JsonObject)) {
      throw invalidRequest(field, "Invalid type for '" + field + "': expected an object, but got " + typeName(v) + ".");
    }
    return v;
  }

  private static void bool(JsonObject body, String field) {
    bool(body, field, field);
  }

  private static void bool(JsonObject o, String field, String path) {
    Object v = o.getValue(field);
    if (v != null && !(v instanceof Boolean)) {
      throw invalidRequest(path, "Invalid type for '" + path + "': expected a boolean, but got " + typeName(v) + ".");
    }
  }

  private static void string(JsonObject body, String field) {
    string(body, field, field);
  }

  private static void string(JsonObject o, String field, String path) {
    Object v = o.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw invalidRequest(path, "Invalid type for '" + path + "': expected a string, but got " + typeName(v) + ".");
    }
  }

  private static void integer(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v != null && !isInteger(v)) {
      throw invalidRequest(field, "Invalid type for '" + field + "': expected an integer, but got " + typeName(v)
          + ".");
    }
  }

  private static void positiveInt(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) return;
    if (!isInteger(v) || ((Number) v).longValue() < 1 || ((Number) v).longValue() > Integer.MAX_VALUE) {
      throw invalidRequest(field, "Invalid '" + field + "': expected an integer of at least 1, but got " + show(v)
          + ".");
    }
  }

  private static void range(JsonObject body, String field, double min, double max) {
    Object v = body.getValue(field);
    if (v == null) return;
    if (!(v instanceof Number num) || !(num.doubleValue() >= min) || !(num.doubleValue() <= max)) {
      throw invalidRequest(field, "Invalid '" + field + "': expected a number from " + fmt(min) + " to " + fmt(max)
          + ", but got " + show(v) + ".");
    }
  }

  private static boolean isInteger(Object v) {
    return v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || (v instanceof BigInteger b && b.bitLength() < 63)
        || (v instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(
            Long.MAX_VALUE)) < 0);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** A value as the client wrote it, shortened: never a Java type name. */
  private static String show(Object v) {
    if (v instanceof String s) return "'" + clip(s) + "'";
    if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
    return typeName(v);
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  static String typeName(Object v) {
    if (v == null) return "null";
    if (v instanceof String) return "a string";
    if (v instanceof Boolean) return "a boolean";
    if (v instanceof Number) return "a number";
    if (v instanceof JsonArray) return "an array";
    if (v instanceof JsonObject) return "an object";
    return "an unsupported value";
  }
}
