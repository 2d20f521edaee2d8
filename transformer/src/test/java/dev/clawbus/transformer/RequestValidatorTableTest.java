package dev.clawbus.transformer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven checks of {@link RequestValidator}: for each field, the values that pass (including the edges of
 * every allowed range) and the values that fail, with the exact {@code param} and message of the 400 error.
 */
class RequestValidatorTableTest {
  private static final String S40 = "abcdefghij".repeat(4);
  private static final String S41 = S40 + "X";

  // ---------------------------------------------------------------- builders

  private static JsonObject ok() {
    return new JsonObject().put("model", "m").put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  private static JsonObject with(String field, Object value) {
    return ok().put(field, value);
  }

  /** A valid request whose only message is {@code m}. */
  private static JsonObject message(Object m) {
    return ok().put("messages", new JsonArray().add(m));
  }

  /** A valid request with a valid first message and {@code m} as messages[1]. */
  private static JsonObject second(Object m) {
    return ok().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")).add(m));
  }

  private static JsonObject user(Object content) {
    return new JsonObject().put("role", "user").put("content", content);
  }

  private static JsonObject parts(Object... parts) {
    JsonArray a = new JsonArray();
    for (Object p : parts) a.add(p);
    return message(user(a));
  }

  private static JsonObject part(String type) {
    return new JsonObject().put("type", type);
  }

  private static JsonObject assistantCalls(Object... calls) {
    JsonArray a = new JsonArray();
    for (Object c : calls) a.add(c);
    return message(new JsonObject().put("role", "assistant").put("tool_calls", a));
  }

  private static JsonObject call(Object function) {
    return new JsonObject().put("id", "call_1").put("type", "function").put("function", function);
  }

  private static JsonObject fnCall(String name, Object args) {
    return new JsonObject().put("name", name).put("arguments", args);
  }

  private static JsonObject tools(Object... tools) {
    JsonArray a = new JsonArray();
    for (Object t : tools) a.add(t);
    return ok().put("tools", a);
  }

  private static JsonObject tool(JsonObject function) {
    return new JsonObject().put("type", "function").put("function", function);
  }

  private static JsonObject fn(Object name) {
    return new JsonObject().put("name", name);
  }

  private static JsonObject choiceFn(Object type, Object function) {
    return new JsonObject().put("type", type).put("function", function);
  }

  private static JsonArray strings(int n) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < n; i++) a.add("s" + i);
    return a;
  }

  // ---------------------------------------------------------------- accepted

  static Stream<Arguments> accepted() {
    return Stream.of(
        arguments("minimal", ok()),
        arguments("model of 256 characters", with("model", "m".repeat(256))),
        arguments("two valid messages", second(user("again"))),
        arguments("every role", ok().put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", "s"))
            .add(new JsonObject().put("role", "developer").put("content", "d"))
            .add(user("u"))
            .add(new JsonObject().put("role", "assistant").put("content", "a"))
            .add(new JsonObject().put("role", "tool").put("content", "t").put("tool_call_id", "c1"))
            .add(new JsonObject().put("role", "function").put("content", "f").put("name", "fn")))),
        arguments("assistant without content", message(new JsonObject().put("role", "assistant"))),
        arguments("function without content", message(new JsonObject().put("role", "function").put("name", "f"))),
        arguments("assistant with null content", message(new JsonObject().put("role", "assistant")
            .putNull("content"))),
        arguments("message name and reasoning strings", message(user("x").put("name", "bob")
            .put("reasoning_content", "r").put("reasoning", "r2"))),
        arguments("empty content parts", message(user(new JsonArray()))),
        arguments("text parts", parts(part("text").put("text", "a"), part("input_text").put("text", "b"),
            part("output_text").put("text", "c"), part("refusal").put("refusal", "no"))),
        arguments("image_url as string", parts(part("image_url").put("image_url", "http://x/a.png"))),
        arguments("image_url as object", parts(part("image_url").put("image_url",
            new JsonObject().put("url", "http://x/a.png").put("detail", "low")))),
        arguments("other part types need nothing", parts(part("input_image"), part("input_audio"),
            part("audio_url"), part("video_url"), part("file"))),
        arguments("tool calls", assistantCalls(call(fnCall("f", "{}")),
            call(fnCall("g", new JsonObject().put("a", 1))),
            new JsonObject().put("function", fn("h")))),
        arguments("tool call with null type and arguments", assistantCalls(new JsonObject().putNull("type")
            .put("function", fn("h").putNull("arguments")))),
        arguments("stream flags", ok().put("stream", true).put("stream_options",
            new JsonObject().put("include_usage", false))),
        arguments("empty stream_options", with("stream_options", new JsonObject())),
        arguments("max_tokens 1", with("max_tokens", 1)),
        arguments("max_tokens int max", with("max_tokens", Integer.MAX_VALUE)),
        arguments("max_tokens long int max", with("max_tokens", (long) Integer.MAX_VALUE)),
        arguments("max_tokens short", with("max_tokens", (short) 7)),
        arguments("max_tokens byte", with("max_tokens", (byte) 7)),
        arguments("max_tokens BigInteger", with("max_tokens", BigInteger.valueOf(100))),
        arguments("max_tokens BigDecimal 100.00", with("max_tokens", new BigDecimal("100.00"))),
        arguments("max_tokens BigDecimal 1E+2", with("max_tokens", new BigDecimal("1E+2"))),
        arguments("max_completion_tokens 1", with("max_completion_tokens", 1)),
        arguments("temperature 0", with("temperature", 0)),
        arguments("temperature 2", with("temperature", 2)),
        arguments("temperature 2.0", with("temperature", 2.0)),
        arguments("temperature 0.7", with("temperature", 0.7)),
        arguments("top_p 0", with("top_p", 0.0)),
        arguments("top_p 1", with("top_p", 1)),
        arguments("presence_penalty -2", with("presence_penalty", -2)),
        arguments("presence_penalty 2", with("presence_penalty", 2.0)),
        arguments("frequency_penalty -2", with("frequency_penalty", -2.0)),
        arguments("frequency_penalty 2", with("frequency_penalty", 2)),
        arguments("n 1", with("n", 1)),
        arguments("n 1L", with("n", 1L)),
        arguments("n BigDecimal 1.0", with("n", new BigDecimal("1.0"))),
        arguments("stop string", with("stop", "END")),
        arguments("stop empty array", with("stop", new JsonArray())),
        arguments("stop one", with("stop", strings(1))),
        arguments("stop four", with("stop", strings(4))),
        arguments("seed negative", with("seed", -5)),
        arguments("seed long", with("seed", Long.MAX_VALUE)),
        arguments("seed BigInteger 2^62-1", with("seed", BigInteger.ONE.shiftLeft(62).subtract(BigInteger.ONE))),
        arguments("seed BigDecimal below long max",
            with("seed", BigDecimal.valueOf(Long.MAX_VALUE).subtract(BigDecimal.ONE))),
        arguments("seed BigDecimal negative near long min",
            with("seed", BigDecimal.valueOf(Long.MAX_VALUE).subtract(BigDecimal.ONE).negate())),
        arguments("logprobs", with("logprobs", true)),
        arguments("top_logprobs 0", with("top_logprobs", 0)),
        arguments("top_logprobs 20", with("top_logprobs", 20)),
        arguments("top_logprobs 20L", with("top_logprobs", 20L)),
        arguments("logit_bias", with("logit_bias", new JsonObject().put("50256", -100).put("11", 2.5))),
        arguments("empty logit_bias", with("logit_bias", new JsonObject())),
        arguments("string fields", ok().put("user", "u").put("reasoning_effort", "low").put("service_tier", "auto")
            .put("prompt_cache_key", "k")),
        arguments("boolean fields", ok().put("store", false).put("parallel_tool_calls", true)),
        arguments("object fields", ok().put("metadata", new JsonObject().put("a", "b"))
            .put("chat_template_kwargs", new JsonObject().put("enable_thinking", false))),
        arguments("response_format text", with("response_format", new JsonObject().put("type", "text"))),
        arguments("response_format json_object", with("response_format",
            new JsonObject().put("type", "json_object"))),
        arguments("response_format json_schema", with("response_format", new JsonObject()
            .put("type", "json_schema").put("json_schema", new JsonObject().put("name", "s")))),
        arguments("tool_choice none", with("tool_choice", "none")),
        arguments("tool_choice auto", with("tool_choice", "auto")),
        arguments("tool_choice required", with("tool_choice", "required")),
        arguments("tool_choice function", with("tool_choice", choiceFn("function", fn("f")))),
        arguments("empty tools", ok().put("tools", new JsonArray())),
        arguments("tools", tools(tool(fn("a.b-c_9").put("description", "d").put("strict", true)
            .put("parameters", new JsonObject().put("type", "object"))),
            new JsonObject().put("function", fn("x")),
            new JsonObject().putNull("type").put("function", fn("y")))),
        arguments("tool name of 1 and 64 characters", tools(tool(fn("a")), tool(fn("n".repeat(64))))),
        arguments("unknown fields pass", ok().put("guided_json", 5).put("whatever", new JsonArray())),
        arguments("null means not given", ok().putNull("stream").putNull("stream_options").putNull("max_tokens")
            .putNull("max_completion_tokens").putNull("temperature").putNull("top_p").putNull("presence_penalty")
            .putNull("frequency_penalty").putNull("n").putNull("stop").putNull("seed").putNull("logprobs")
            .putNull("top_logprobs").putNull("logit_bias").putNull("user").putNull("store")
            .putNull("response_format").putNull("tool_choice").putNull("tools").putNull("metadata")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void accepts(String label, JsonObject body) {
    assertDoesNotThrow(() -> RequestValidator.validate(body), label);
  }

  // ---------------------------------------------------------------- rejected

  static Stream<Arguments> rejected() {
    String p0 = "messages[0]";
    String badPart = "': expected an object with a 'type'.";
    String toolShape = "': expected {\"type\":\"function\",\"function\":{...}}.";
    String toolName = ".function.name': must be 1-64 letters, digits, underscores, dots or dashes.";
    String choice = "Invalid value for 'tool_choice': expected 'none', 'auto', 'required' "
        + "or {\"type\":\"function\",\"function\":{\"name\":...}}.";
    String rfType = "Invalid value for 'response_format.type': expected 'text', 'json_object' or 'json_schema'.";
    String stop = "Invalid 'stop': expected a string or an array of at most 4 strings.";
    String onlyN1 = "Only n=1 is supported: clawbus streams one choice per request.";
    return Stream.of(
        // model
        arguments(new JsonObject().put("messages", ok().getJsonArray("messages")), "model",
            "you must provide a model parameter"),
        arguments(with("model", 5), "model", "you must provide a model parameter"),
        arguments(with("model", ""), "model", "you must provide a model parameter"),
        arguments(with("model", "   "), "model", "you must provide a model parameter"),
        arguments(with("model", "m".repeat(257)), "model", "Invalid 'model': at most 256 characters."),
        // messages
        arguments(new JsonObject().put("model", "m"), "messages", "Missing required parameter: 'messages'."),
        arguments(with("messages", "hi"), "messages",
            "Invalid type for 'messages': expected an array, but got a string."),
        arguments(with("messages", new JsonObject()), "messages",
            "Invalid type for 'messages': expected an array, but got an object."),
        arguments(with("messages", new JsonArray()), "messages",
            "Invalid 'messages': empty array. Expected an array with minimum length 1."),
        arguments(message("hi"), p0, "Invalid type for 'messages[0]': expected an object, but got a string."),
        arguments(message(7), p0, "Invalid type for 'messages[0]': expected an object, but got a number."),
        arguments(message(true), p0, "Invalid type for 'messages[0]': expected an object, but got a boolean."),
        arguments(message(new JsonArray()), p0,
            "Invalid type for 'messages[0]': expected an object, but got an array."),
        arguments(ok().put("messages", new JsonArray().addNull()), p0,
            "Invalid type for 'messages[0]': expected an object, but got null."),
        arguments(second(5), "messages[1]", "Invalid type for 'messages[1]': expected an object, but got a number."),
        // roles (show/clip of the value)
        arguments(message(new JsonObject().put("content", "x")), p0 + ".role", "Invalid value for 'messages[0].role': "
            + "expected one of system, developer, user, assistant, tool, but got nothing."),
        arguments(message(new JsonObject().put("role", "wizard").put("content", "x")), p0 + ".role",
            "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool, "
                + "but got 'wizard'."),
        arguments(message(new JsonObject().put("role", S40).put("content", "x")), p0 + ".role",
            "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool, "
                + "but got '" + S40 + "'."),
        arguments(message(new JsonObject().put("role", S41).put("content", "x")), p0 + ".role",
            "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool, "
                + "but got '" + S40 + "…'."),
        arguments(message(new JsonObject().put("role", 3).put("content", "x")), p0 + ".role",
            "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool, "
                + "but got 3."),
        arguments(message(new JsonObject().put("role", false).put("content", "x")), p0 + ".role",
            "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool, "
                + "but got false."),
        arguments(message(new JsonObject().put("role", new JsonObject()).put("content", "x")), p0 + ".role",
            "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool, "
                + "but got an object."),
        arguments(message(new JsonObject().put("role", new JsonArray()).put("content", "x")), p0 + ".role",
            "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool, "
                + "but got an array."),
        arguments(second(new JsonObject().put("role", "User").put("content", "x")), "messages[1].role",
            "Invalid value for 'messages[1].role': expected one of system, developer, user, assistant, tool, "
                + "but got 'User'."),
        // content
        arguments(message(user(3)), p0 + ".content", "Invalid type for 'messages[0].content': expected a string or "
            + "an array of content parts, but got a number."),
        arguments(message(user(new JsonObject())), p0 + ".content", "Invalid type for 'messages[0].content': "
            + "expected a string or an array of content parts, but got an object."),
        arguments(message(user(true)), p0 + ".content", "Invalid type for 'messages[0].content': "
            + "expected a string or an array of content parts, but got a boolean."),
        arguments(message(new JsonObject().put("role", "user")), p0 + ".content",
            "Missing required parameter: 'messages[0].content'."),
        arguments(message(new JsonObject().put("role", "system")), p0 + ".content",
            "Missing required parameter: 'messages[0].content'."),
        arguments(message(new JsonObject().put("role", "tool").put("tool_call_id", "c")), p0 + ".content",
            "Missing required parameter: 'messages[0].content'."),
        arguments(second(new JsonObject().put("role", "developer")), "messages[1].content",
            "Missing required parameter: 'messages[1].content'."),
        arguments(message(new JsonObject().put("role", "tool").put("content", "x")), p0 + ".tool_call_id",
            "Missing required parameter: 'messages[0].tool_call_id'."),
        arguments(message(new JsonObject().put("role", "tool").put("content", "x").put("tool_call_id", 5)),
            p0 + ".tool_call_id", "Missing required parameter: 'messages[0].tool_call_id'."),
        arguments(message(user("x").put("name", 5)), p0 + ".name",
            "Invalid type for 'messages[0].name': expected a string, but got a number."),
        arguments(message(user("x").put("reasoning_content", true)), p0 + ".reasoning_content",
            "Invalid type for 'messages[0].reasoning_content': expected a string, but got a boolean."),
        arguments(message(user("x").put("reasoning", new JsonArray())), p0 + ".reasoning",
            "Invalid type for 'messages[0].reasoning': expected a string, but got an array."),
        // content parts
        arguments(parts("text"), p0 + ".content[0]", "Invalid content part 'messages[0].content[0]" + badPart),
        arguments(parts(new JsonObject()), p0 + ".content[0]",
            "Invalid content part 'messages[0].content[0]" + badPart),
        arguments(parts(new JsonObject().put("type", 5)), p0 + ".content[0]",
            "Invalid content part 'messages[0].content[0]" + badPart),
        arguments(parts(part("text").put("text", "a"), 5), p0 + ".content[1]",
            "Invalid content part 'messages[0].content[1]" + badPart),
        arguments(parts(part("video")), p0 + ".content[0].type",
            "Invalid value for 'messages[0].content[0].type': 'video' is not a supported content part type."),
        arguments(parts(part(S41)), p0 + ".content[0].type", "Invalid value for 'messages[0].content[0].type': '"
            + S40 + "…' is not a supported content part type."),
        arguments(parts(part(S40)), p0 + ".content[0].type", "Invalid value for 'messages[0].content[0].type': '"
            + S40 + "' is not a supported content part type."),
        arguments(parts(part("text")), p0 + ".content[0].text",
            "Invalid 'messages[0].content[0].text': expected a string."),
        arguments(parts(part("input_text").put("text", 5)), p0 + ".content[0].text",
            "Invalid 'messages[0].content[0].text': expected a string."),
        arguments(parts(part("output_text").put("refusal", "r")), p0 + ".content[0].text",
            "Invalid 'messages[0].content[0].text': expected a string."),
        arguments(parts(part("refusal").put("text", "t")), p0 + ".content[0].refusal",
            "Invalid 'messages[0].content[0].refusal': expected a string."),
        arguments(parts(part("image_url")), p0 + ".content[0].image_url",
            "Invalid 'messages[0].content[0].image_url': expected {\"url\": ...}."),
        arguments(parts(part("image_url").put("image_url", 5)), p0 + ".content[0].image_url",
            "Invalid 'messages[0].content[0].image_url': expected {\"url\": ...}."),
        arguments(parts(part("image_url").put("image_url", new JsonObject())), p0 + ".content[0].image_url",
            "Invalid 'messages[0].content[0].image_url': expected {\"url\": ...}."),
        arguments(parts(part("image_url").put("image_url", new JsonObject().put("url", 5))),
            p0 + ".content[0].image_url", "Invalid 'messages[0].content[0].image_url': expected {\"url\": ...}."),
        arguments(parts(part("image_url").put("url", "http://x")), p0 + ".content[0].image_url",
            "Invalid 'messages[0].content[0].image_url': expected {\"url\": ...}."),
        // assistant tool_calls
        arguments(message(new JsonObject().put("role", "assistant").put("tool_calls", new JsonObject())),
            p0 + ".tool_calls", "Invalid type for 'messages[0].tool_calls': expected an array, but got an object."),
        arguments(message(new JsonObject().put("role", "assistant").put("tool_calls", "f")),
            p0 + ".tool_calls", "Invalid type for 'messages[0].tool_calls': expected an array, but got a string."),
        arguments(assistantCalls("f"), p0 + ".tool_calls[0]",
            "Invalid type for 'messages[0].tool_calls[0]': expected an object, but got a string."),
        arguments(assistantCalls(call(fn("f")), 1), p0 + ".tool_calls[1]",
            "Invalid type for 'messages[0].tool_calls[1]': expected an object, but got a number."),
        arguments(assistantCalls(call(fn("f")).put("id", 5)), p0 + ".tool_calls[0].id",
            "Invalid type for 'messages[0].tool_calls[0].id': expected a string, but got a number."),
        arguments(assistantCalls(call(fn("f")).put("type", "code")), p0 + ".tool_calls[0].type",
            "Invalid value for 'messages[0].tool_calls[0].type': expected 'function'."),
        arguments(assistantCalls(call(fn("f")).put("type", 1)), p0 + ".tool_calls[0].type",
            "Invalid value for 'messages[0].tool_calls[0].type': expected 'function'."),
        arguments(assistantCalls(new JsonObject().put("id", "c")), p0 + ".tool_calls[0].function",
            "Missing required parameter: 'messages[0].tool_calls[0].function'."),
        arguments(assistantCalls(call("f")), p0 + ".tool_calls[0].function",
            "Missing required parameter: 'messages[0].tool_calls[0].function'."),
        arguments(assistantCalls(call(new JsonObject())), p0 + ".tool_calls[0].function.name",
            "Missing required parameter: 'messages[0].tool_calls[0].function.name'."),
        arguments(assistantCalls(call(fn(5))), p0 + ".tool_calls[0].function.name",
            "Missing required parameter: 'messages[0].tool_calls[0].function.name'."),
        arguments(assistantCalls(call(fnCall("f", null).put("arguments", 5))),
            p0 + ".tool_calls[0].function.arguments", "Invalid type for 'messages[0].tool_calls[0].function.arguments'"
                + ": expected a string of JSON, but got a number."),
        arguments(assistantCalls(call(fnCall("f", new JsonArray()))),
            p0 + ".tool_calls[0].function.arguments", "Invalid type for 'messages[0].tool_calls[0].function.arguments'"
                + ": expected a string of JSON, but got an array."),
        arguments(message(user("x").put("tool_calls", new JsonArray().add(5))), p0 + ".tool_calls[0]",
            "Invalid type for 'messages[0].tool_calls[0]': expected an object, but got a number."),
        // stream
        arguments(with("stream", "yes"), "stream", "Invalid type for 'stream': expected a boolean, but got a string."),
        arguments(with("stream", 1), "stream", "Invalid type for 'stream': expected a boolean, but got a number."),
        arguments(with("stream_options", true), "stream_options",
            "Invalid type for 'stream_options': expected an object, but got a boolean."),
        arguments(with("stream_options", new JsonObject().put("include_usage", "yes")),
            "stream_options.include_usage",
            "Invalid type for 'stream_options.include_usage': expected a boolean, but got a string."),
        // token limits
        arguments(with("max_tokens", 0), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got 0."),
        arguments(with("max_tokens", -1), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got -1."),
        arguments(with("max_tokens", Integer.MAX_VALUE + 1L), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got 2147483648."),
        arguments(with("max_tokens", 1.5), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got 1.5."),
        arguments(with("max_tokens", 2.0), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got 2.0."),
        arguments(with("max_tokens", 2.0f), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got 2.0."),
        arguments(with("max_tokens", "5"), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got '5'."),
        arguments(with("max_tokens", S41), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got '" + S40 + "…'."),
        arguments(with("max_tokens", true), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got true."),
        arguments(with("max_tokens", new JsonObject()), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got an object."),
        arguments(with("max_tokens", new JsonArray()), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got an array."),
        arguments(with("max_tokens", new BigDecimal("1.5")), "max_tokens",
            "Invalid 'max_tokens': expected an integer of at least 1, but got 1.5."),
        arguments(with("max_completion_tokens", 0), "max_completion_tokens",
            "Invalid 'max_completion_tokens': expected an integer of at least 1, but got 0."),
        arguments(with("max_completion_tokens", 1.5), "max_completion_tokens",
            "Invalid 'max_completion_tokens': expected an integer of at least 1, but got 1.5."),
        // ranges
        arguments(with("temperature", -0.01), "temperature",
            "Invalid 'temperature': expected a number from 0 to 2, but got -0.01."),
        arguments(with("temperature", 2.01), "temperature",
            "Invalid 'temperature': expected a number from 0 to 2, but got 2.01."),
        arguments(with("temperature", 3), "temperature",
            "Invalid 'temperature': expected a number from 0 to 2, but got 3."),
        arguments(with("temperature", "hot"), "temperature",
            "Invalid 'temperature': expected a number from 0 to 2, but got 'hot'."),
        arguments(with("temperature", false), "temperature",
            "Invalid 'temperature': expected a number from 0 to 2, but got false."),
        arguments(with("temperature", Double.NaN), "temperature",
            "Invalid 'temperature': expected a number from 0 to 2, but got NaN."),
        arguments(with("top_p", 1.001), "top_p", "Invalid 'top_p': expected a number from 0 to 1, but got 1.001."),
        arguments(with("top_p", -1), "top_p", "Invalid 'top_p': expected a number from 0 to 1, but got -1."),
        arguments(with("top_p", new JsonArray()), "top_p",
            "Invalid 'top_p': expected a number from 0 to 1, but got an array."),
        arguments(with("presence_penalty", -2.5), "presence_penalty",
            "Invalid 'presence_penalty': expected a number from -2 to 2, but got -2.5."),
        arguments(with("presence_penalty", 2.5), "presence_penalty",
            "Invalid 'presence_penalty': expected a number from -2 to 2, but got 2.5."),
        arguments(with("frequency_penalty", -3), "frequency_penalty",
            "Invalid 'frequency_penalty': expected a number from -2 to 2, but got -3."),
        arguments(with("frequency_penalty", 2.0001), "frequency_penalty",
            "Invalid 'frequency_penalty': expected a number from -2 to 2, but got 2.0001."),
        // n
        arguments(with("n", 2), "n", onlyN1),
        arguments(with("n", 0), "n", onlyN1),
        arguments(with("n", 1.0), "n", onlyN1),
        arguments(with("n", "1"), "n", onlyN1),
        arguments(with("n", 4294967297L), "n", onlyN1),
        // stop
        arguments(with("stop", strings(5)), "stop", stop),
        arguments(with("stop", new JsonArray().add("a").add(1)), "stop", stop),
        arguments(with("stop", new JsonArray().add(1).add("a")), "stop", stop),
        arguments(with("stop", new JsonArray().addNull()), "stop", stop),
        arguments(with("stop", 5), "stop", stop),
        arguments(with("stop", new JsonObject()), "stop", stop),
        arguments(with("stop", true), "stop", stop),
        // seed and isInteger
        arguments(with("seed", 1.5), "seed", "Invalid type for 'seed': expected an integer, but got a number."),
        arguments(with("seed", "1"), "seed", "Invalid type for 'seed': expected an integer, but got a string."),
        arguments(with("seed", true), "seed", "Invalid type for 'seed': expected an integer, but got a boolean."),
        arguments(with("seed", new Object()), "seed",
            "Invalid type for 'seed': expected an integer, but got an unsupported value."),
        arguments(with("seed", BigInteger.ONE.shiftLeft(62)), "seed",
            "Invalid type for 'seed': expected an integer, but got a number."),
        arguments(with("seed", new BigDecimal("12.5")), "seed",
            "Invalid type for 'seed': expected an integer, but got a number."),
        arguments(with("seed", BigDecimal.valueOf(Long.MAX_VALUE)), "seed",
            "Invalid type for 'seed': expected an integer, but got a number."),
        arguments(with("seed", BigDecimal.valueOf(Long.MAX_VALUE).negate()), "seed",
            "Invalid type for 'seed': expected an integer, but got a number."),
        // logprobs
        arguments(with("logprobs", "true"), "logprobs",
            "Invalid type for 'logprobs': expected a boolean, but got a string."),
        arguments(with("top_logprobs", -1), "top_logprobs",
            "Invalid 'top_logprobs': expected an integer from 0 to 20, but got -1."),
        arguments(with("top_logprobs", 21), "top_logprobs",
            "Invalid 'top_logprobs': expected an integer from 0 to 20, but got 21."),
        arguments(with("top_logprobs", 5.5), "top_logprobs",
            "Invalid 'top_logprobs': expected an integer from 0 to 20, but got 5.5."),
        arguments(with("top_logprobs", "5"), "top_logprobs",
            "Invalid 'top_logprobs': expected an integer from 0 to 20, but got '5'."),
        arguments(with("logit_bias", new JsonArray()), "logit_bias",
            "Invalid type for 'logit_bias': expected an object, but got an array."),
        arguments(with("logit_bias", new JsonObject().put("1", 1).put("2", "x")), "logit_bias",
            "Invalid 'logit_bias': values must be numbers."),
        arguments(with("logit_bias", new JsonObject().putNull("1")), "logit_bias",
            "Invalid 'logit_bias': values must be numbers."),
        // simple typed fields
        arguments(with("user", 5), "user", "Invalid type for 'user': expected a string, but got a number."),
        arguments(with("reasoning_effort", new JsonObject()), "reasoning_effort",
            "Invalid type for 'reasoning_effort': expected a string, but got an object."),
        arguments(with("service_tier", true), "service_tier",
            "Invalid type for 'service_tier': expected a string, but got a boolean."),
        arguments(with("prompt_cache_key", 1), "prompt_cache_key",
            "Invalid type for 'prompt_cache_key': expected a string, but got a number."),
        arguments(with("store", "no"), "store", "Invalid type for 'store': expected a boolean, but got a string."),
        arguments(with("parallel_tool_calls", 0), "parallel_tool_calls",
            "Invalid type for 'parallel_tool_calls': expected a boolean, but got a number."),
        arguments(with("metadata", "m"), "metadata",
            "Invalid type for 'metadata': expected an object, but got a string."),
        arguments(with("chat_template_kwargs", new JsonArray()), "chat_template_kwargs",
            "Invalid type for 'chat_template_kwargs': expected an object, but got an array."),
        // response_format
        arguments(with("response_format", "json"), "response_format",
            "Invalid type for 'response_format': expected an object, but got a string."),
        arguments(with("response_format", new JsonObject()), "response_format.type", rfType),
        arguments(with("response_format", new JsonObject().put("type", 1)), "response_format.type", rfType),
        arguments(with("response_format", new JsonObject().put("type", "xml")), "response_format.type", rfType),
        arguments(with("response_format", new JsonObject().put("type", "json_schema")), "response_format.json_schema",
            "Missing required parameter: 'response_format.json_schema'."),
        arguments(with("response_format", new JsonObject().put("type", "json_schema").put("json_schema", "s")),
            "response_format.json_schema", "Missing required parameter: 'response_format.json_schema'."),
        // tool_choice
        arguments(with("tool_choice", "sometimes"), "tool_choice", choice),
        arguments(with("tool_choice", 1), "tool_choice", choice),
        arguments(with("tool_choice", new JsonArray()), "tool_choice", choice),
        arguments(with("tool_choice", choiceFn("tool", fn("f"))), "tool_choice", choice),
        arguments(with("tool_choice", choiceFn(null, fn("f"))), "tool_choice", choice),
        arguments(with("tool_choice", choiceFn("function", "f")), "tool_choice", choice),
        arguments(with("tool_choice", choiceFn("function", fn(5))), "tool_choice", choice),
        arguments(with("tool_choice", choiceFn("function", new JsonObject())), "tool_choice", choice),
        // tools
        arguments(with("tools", new JsonObject()), "tools",
            "Invalid type for 'tools': expected an array, but got an object."),
        arguments(with("tools", "exec"), "tools", "Invalid type for 'tools': expected an array, but got a string."),
        arguments(tools("exec"), "tools[0]", "Invalid 'tools[0]" + toolShape),
        arguments(tools(new JsonObject().put("type", "function")), "tools[0]", "Invalid 'tools[0]" + toolShape),
        arguments(tools(new JsonObject().put("type", "function").put("function", "f")), "tools[0]",
            "Invalid 'tools[0]" + toolShape),
        arguments(tools(tool(fn("ok")), 5), "tools[1]", "Invalid 'tools[1]" + toolShape),
        arguments(tools(tool(fn("f")).put("type", "retrieval")), "tools[0].type",
            "Invalid value for 'tools[0].type': only 'function' tools are supported."),
        arguments(tools(tool(fn("f")).put("type", 1)), "tools[0].type",
            "Invalid value for 'tools[0].type': only 'function' tools are supported."),
        arguments(tools(tool(new JsonObject())), "tools[0].function.name", "Invalid 'tools[0]" + toolName),
        arguments(tools(tool(fn(5))), "tools[0].function.name", "Invalid 'tools[0]" + toolName),
        arguments(tools(tool(fn(""))), "tools[0].function.name", "Invalid 'tools[0]" + toolName),
        arguments(tools(tool(fn("has space"))), "tools[0].function.name", "Invalid 'tools[0]" + toolName),
        arguments(tools(tool(fn("n".repeat(65)))), "tools[0].function.name", "Invalid 'tools[0]" + toolName),
        arguments(tools(tool(fn("ok")), tool(fn("a/b"))), "tools[1].function.name", "Invalid 'tools[1]" + toolName),
        arguments(tools(tool(fn("f").put("description", 5))), "tools[0].function.description",
            "Invalid type for 'tools[0].function.description': expected a string, but got a number."),
        arguments(tools(tool(fn("f").put("strict", "yes"))), "tools[0].function.strict",
            "Invalid type for 'tools[0].function.strict': expected a boolean, but got a string."),
        arguments(tools(tool(fn("f").put("parameters", "{}"))), "tools[0].function.parameters",
            "Invalid 'tools[0].function.parameters': expected a JSON schema object."),
        arguments(tools(tool(fn("f").put("parameters", new JsonArray()))), "tools[0].function.parameters",
            "Invalid 'tools[0].function.parameters': expected a JSON schema object."));
  }

  @ParameterizedTest(name = "[{index}] {1}: {2}")
  @MethodSource("rejected")
  void rejects(JsonObject body, String param, String message) {
    OpenAiError e = assertThrows(OpenAiError.class, () -> RequestValidator.validate(body));
    assertEquals(400, e.status());
    assertEquals("invalid_request_error", e.type());
    assertEquals(param, e.param());
    assertEquals(message, e.getMessage());
  }

  // ---------------------------------------------------------------- ordering and helpers

  @Test
  void checksMessagesBeforeTopLevelFields() {
    OpenAiError e = assertThrows(OpenAiError.class, () -> RequestValidator.validate(
        message(user(5)).put("temperature", 9).put("tools", "x")));
    assertEquals("messages[0].content", e.param());
  }

  @Test
  void checksToolCallsBeforeMissingContent() {
    OpenAiError e = assertThrows(OpenAiError.class, () -> RequestValidator.validate(message(
        new JsonObject().put("role", "user").put("tool_calls", "x"))));
    assertEquals("messages[0].tool_calls", e.param());
  }

  @Test
  void typeNameNamesJsonKindsNotJavaTypes() {
    assertEquals("null", RequestValidator.typeName(null));
    assertEquals("a string", RequestValidator.typeName(""));
    assertEquals("a boolean", RequestValidator.typeName(Boolean.TRUE));
    assertEquals("a number", RequestValidator.typeName(1));
    assertEquals("a number", RequestValidator.typeName(1.5));
    assertEquals("a number", RequestValidator.typeName(BigDecimal.TEN));
    assertEquals("an array", RequestValidator.typeName(new JsonArray()));
    assertEquals("an object", RequestValidator.typeName(new JsonObject()));
    assertEquals("an unsupported value", RequestValidator.typeName(new Object()));
  }

  @Test
  void acceptsDecodedJson() {
    assertDoesNotThrow(() -> RequestValidator.validate(new JsonObject("{\"model\":\"m\",\"messages\":[{\"role\":"
        + "\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"max_tokens\":2147483647,"
        + "\"temperature\":0.0,\"top_p\":1.0,\"seed\":9223372036854775807,\"n\":1,\"top_logprobs\":20,"
        + "\"stop\":[\"a\",\"b\",\"c\",\"d\"]}")));
    OpenAiError e = assertThrows(OpenAiError.class, () -> RequestValidator.validate(new JsonObject(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"seed\":92233720368547758070}")));
    assertEquals("seed", e.param());
    assertEquals("Invalid type for 'seed': expected an integer, but got a number.", e.getMessage());
  }
}
