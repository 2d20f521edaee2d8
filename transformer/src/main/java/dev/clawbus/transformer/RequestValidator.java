package dev.clawbus.transformer;

import static dev.clawbus.infra.contract.OpenAiError.invalidRequest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a client's chat request before anything is queued, so a mistake is a 400 naming the field
 * (as OpenAI words it) instead of a failure deep in the pipeline or a vLLM 500.
 */
public final class RequestValidator {
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_.\\-]{1,64}");

  private RequestValidator() {}

  public static void validate(JsonObject body) {
    Object model = body.getValue("model");
    if (!(model instanceof String) || ((String) model).isBlank()) {
      throw invalidRequest("model", "you must provide a model parameter");
    }
    Object messages = body.getValue("messages");
    if (!(messages instanceof JsonArray)) {
      throw invalidRequest("messages", messages == null ? "Missing required parameter: 'messages'."
          : "Invalid type for 'messages': expected an array, but got " + typeName(messages) + ".");
    }
    JsonArray msgs = (JsonArray) messages;
    if (msgs.isEmpty()) {
      throw invalidRequest("messages", "Invalid 'messages': empty array. Expected an array with minimum length 1.");
    }
    for (int i = 0; i < msgs.size(); i++) {
      validateMessage(msgs.getValue(i), "messages[" + i + "]");
    }
    checkType(body, "stream", Boolean.class, "a boolean");
    checkType(body, "stream_options", JsonObject.class, "an object");
    positiveInt(body, "max_tokens");
    positiveInt(body, "max_completion_tokens");
    range(body, "temperature", 0, 2);
    range(body, "top_p", 0, 1);
    range(body, "presence_penalty", -2, 2);
    range(body, "frequency_penalty", -2, 2);
    Object n = body.getValue("n");
    if (n != null && !(n instanceof Number && ((Number) n).intValue() == 1)) {
      throw invalidRequest("n", "Only n=1 is supported: clawbus streams one choice per request.");
    }
    validateTools(body);
  }

  private static void validateMessage(Object value, String path) {
    if (!(value instanceof JsonObject)) {
      throw invalidRequest(path, "Invalid type for '" + path + "': expected an object, but got " + typeName(value) + ".");
    }
    JsonObject m = (JsonObject) value;
    Object role = m.getValue("role");
    if (!(role instanceof String) || !ROLES.contains(role)) {
      throw invalidRequest(path + ".role", "Invalid value for '" + path + ".role': expected one of system, developer, "
          + "user, assistant, tool, but got " + (role == null ? "nothing" : "'" + role + "'") + ".");
    }
    Object content = m.getValue("content");
    if (content != null && !(content instanceof String) && !(content instanceof JsonArray)) {
      throw invalidRequest(path + ".content", "Invalid type for '" + path
          + ".content': expected a string or an array of content parts, but got " + typeName(content) + ".");
    }
    if (content instanceof JsonArray parts) {
      for (int k = 0; k < parts.size(); k++) {
        Object part = parts.getValue(k);
        if (!(part instanceof JsonObject) || !(((JsonObject) part).getValue("type") instanceof String)) {
          throw invalidRequest(path + ".content[" + k + "]", "Invalid content part '" + path + ".content[" + k
              + "]': expected an object with a 'type'.");
        }
      }
    }
    if (content == null && !"assistant".equals(role) && !m.containsKey("tool_calls")) {
      throw invalidRequest(path + ".content", "Missing required parameter: '" + path + ".content'.");
    }
    if ("tool".equals(role) && !(m.getValue("tool_call_id") instanceof String)) {
      throw invalidRequest(path + ".tool_call_id", "Missing required parameter: '" + path + ".tool_call_id'.");
    }
    Object calls = m.getValue("tool_calls");
    if (calls != null && !(calls instanceof JsonArray)) {
      throw invalidRequest(path + ".tool_calls", "Invalid type for '" + path + ".tool_calls': expected an array.");
    }
  }

  private static void validateTools(JsonObject body) {
    Object choice = body.getValue("tool_choice");
    if (choice != null && !(choice instanceof JsonObject)
        && !(choice instanceof String s && Set.of("none", "auto", "required").contains(s))) {
      throw invalidRequest("tool_choice", "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' or "
          + "{\"type\":\"function\",\"function\":{\"name\":...}}.");
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
      Object name = fn.getValue("name");
      if (!(name instanceof String) || !TOOL_NAME.matcher((String) name).matches()) {
        throw invalidRequest(path + ".function.name", "Invalid '" + path
            + ".function.name': must be 1-64 letters, digits, underscores, dots or dashes.");
      }
      Object params = fn.getValue("parameters");
      if (params != null && !(params instanceof JsonObject)) {
        throw invalidRequest(path + ".function.parameters", "Invalid '" + path
            + ".function.parameters': expected a JSON schema object.");
      }
    }
  }

  private static void checkType(JsonObject body, String field, Class<?> type, String expected) {
    Object v = body.getValue(field);
    if (v != null && !type.isInstance(v)) {
      throw invalidRequest(field, "Invalid type for '" + field + "': expected " + expected + ", but got "
          + typeName(v) + ".");
    }
  }

  private static void positiveInt(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) return;
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 1) {
      throw invalidRequest(field, "Invalid '" + field + "': expected an integer of at least 1, but got " + v + ".");
    }
  }

  private static void range(JsonObject body, String field, double min, double max) {
    Object v = body.getValue(field);
    if (v == null) return;
    if (!(v instanceof Number) || ((Number) v).doubleValue() < min || ((Number) v).doubleValue() > max) {
      throw invalidRequest(field, "Invalid '" + field + "': expected a number from " + fmt(min) + " to " + fmt(max)
          + ", but got " + v + ".");
    }
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  static String typeName(Object v) {
    if (v == null) return "null";
    if (v instanceof String) return "a string";
    if (v instanceof Boolean) return "a boolean";
    if (v instanceof Number) return "a number";
    if (v instanceof JsonArray) return "an array";
    if (v instanceof JsonObject) return "an object";
    return v.getClass().getSimpleName();
  }
}
