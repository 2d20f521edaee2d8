package dev.clawbus.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.OpenAiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResponsesRequestTranslatorTest {

  static JsonObject req() {
    return new JsonObject().put("model", "m").put("input", "hi");
  }

  static JsonObject msg(String role, Object content) {
    return new JsonObject().put("type", "message").put("role", role).put("content", content);
  }

  static JsonObject text(String type, String text) {
    return new JsonObject().put("type", type).put("text", text);
  }

  static JsonObject call(String callId, String name, String args) {
    return new JsonObject().put("type", "function_call").put("id", "fc_1").put("call_id", callId).put("name", name)
        .put("arguments", args).put("status", "completed");
  }

  static JsonObject output(String callId, Object out) {
    return new JsonObject().put("type", "function_call_output").put("call_id", callId).put("output", out);
  }

  static JsonObject chat(JsonObject request) {
    return ResponsesRequestTranslator.translate(request, null).chatBody();
  }

  static JsonArray messages(JsonObject request) {
    return chat(request).getJsonArray("messages");
  }

  // ---------------------------------------------------------------- rules

  @Test
  void stringInputIsOneUserMessageAndTheBodyStreamsWithUsage() {
    JsonObject body = chat(req());
    assertEquals(new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")),
        body.getJsonArray("messages"));
    assertEquals("m", body.getString("model"));
    assertTrue(body.getBoolean("stream"));
    assertEquals(new JsonObject().put("include_usage", true), body.getJsonObject("stream_options"));
    assertEquals(List.of("model", "messages", "stream", "stream_options"), List.copyOf(body.fieldNames()));
  }

  @Test
  void instructionsLeadAsASystemMessage() {
    JsonArray m = messages(req().put("instructions", "Be brief."));
    assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), m.getJsonObject(0));
    assertEquals("user", m.getJsonObject(1).getString("role"));
  }

  @Test
  void messageItemsBecomeChatMessages() {
    JsonArray input = new JsonArray()
        .add(msg("system", new JsonArray().add(text("input_text", "sys"))))
        .add(msg("developer", "dev"))
        .add(new JsonObject().put("role", "user").put("content", "easy message without a type"))
        .add(msg("user", new JsonArray().add(text("input_text", "one")).add(text("input_text", "two"))))
        .add(msg("assistant", new JsonArray().add(text("output_text", "answer"))))
        .add(msg("assistant", new JsonArray().add(new JsonObject().put("type", "refusal").put("refusal", "no"))));
    JsonArray m = messages(req().put("input", input));
    assertEquals(new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "sys"))
        .add(new JsonObject().put("role", "developer").put("content", "dev"))
        .add(new JsonObject().put("role", "user").put("content", "easy message without a type"))
        .add(new JsonObject().put("role", "user").put("content", "one\ntwo"))
        .add(new JsonObject().put("role", "assistant").put("content", "answer"))
        .add(new JsonObject().put("role", "assistant").put("content", "no")), m);
  }

  @Test
  void imagesBecomeImageUrlParts() {
    JsonArray content = new JsonArray().add(text("input_text", "what is this"))
        .add(new JsonObject().put("type", "input_image").put("image_url", "data:image/png;base64,AAA").put("detail", "low"))
        .add(text("input_text", "short answer"));
    JsonArray parts = messages(req().put("input", new JsonArray().add(msg("user", content))))
        .getJsonObject(0).getJsonArray("content");
    assertEquals(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "what is this"))
        .add(new JsonObject().put("type", "image_url").put("image_url",
            new JsonObject().put("url", "data:image/png;base64,AAA").put("detail", "low")))
        .add(new JsonObject().put("type", "text").put("text", "short answer")), parts);
  }

  @Test
  void functionCallRoundTrip() {
    JsonArray input = new JsonArray()
        .add(msg("user", "what's in my home directory?"))
        .add(call("call_abc", "exec", "{\"command\":\"ls ~\"}"))
        .add(output("call_abc", "notes.md\nsrc\n"))
        .add(msg("user", "thanks"));
    JsonArray m = messages(req().put("input", input).put("tools", new JsonArray().add(Contexts.execTool())));
    assertEquals(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(new JsonObject()
        .put("id", "call_abc").put("type", "function")
        .put("function", new JsonObject().put("name", "exec").put("arguments", "{\"command\":\"ls ~\"}")))), m.getJsonObject(1));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_abc").put("content", "notes.md\nsrc\n"),
        m.getJsonObject(2));
    assertEquals(4, m.size());
  }

  @Test
  void oneAssistantTurnFromReasoningTextAndCalls() {
    JsonArray input = new JsonArray()
        .add(msg("user", "go"))
        .add(new JsonObject().put("type", "reasoning").put("id", "rs_1").put("summary", new JsonArray())
            .put("content", new JsonArray().add(text("reasoning_text", "think"))))
        .add(msg("assistant", new JsonArray().add(text("output_text", "Looking."))))
        .add(call("c1", "exec", "{}"))
        .add(call("c2", "read", "{}"))
        .add(output("c1", "a"))
        .add(output("c2", "b"));
    JsonArray m = messages(req().put("input", input));
    assertEquals(4, m.size());
    JsonObject assistant = m.getJsonObject(1);
    assertEquals("think", assistant.getString("reasoning_content"));
    assertEquals("Looking.", assistant.getString("content"));
    assertEquals(2, assistant.getJsonArray("tool_calls").size());
    assertEquals("c2", assistant.getJsonArray("tool_calls").getJsonObject(1).getString("id"));
    assertEquals("tool", m.getJsonObject(3).getString("role"));
  }

  @Test
  void aSecondAssistantTurnStartsANewMessage() {
    JsonArray input = new JsonArray().add(msg("user", "go"))
        .add(msg("assistant", "first")).add(msg("assistant", "second"))
        .add(call("c1", "exec", "{}")).add(msg("assistant", "after the call"));
    JsonArray m = messages(req().put("input", input));
    assertEquals(4, m.size());
    assertEquals("first", m.getJsonObject(1).getString("content"));
    assertEquals("second", m.getJsonObject(2).getString("content"));
    assertEquals("c1", m.getJsonObject(2).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
    assertEquals("after the call", m.getJsonObject(3).getString("content"));
  }

  @Test
  void reasoningFromSummaryWhenThereIsNoContentAndEncryptedOnlyIsDropped() {
    JsonArray input = new JsonArray().add(msg("user", "go"))
        .add(new JsonObject().put("type", "reasoning").put("summary", new JsonArray()
            .add(text("summary_text", "a")).add(text("summary_text", "b"))))
        .add(msg("user", "again"))
        .add(new JsonObject().put("type", "reasoning").put("summary", new JsonArray()).put("encrypted_content", "gAAA"))
        .add(call("c1", "exec", "{}"));
    JsonArray m = messages(req().put("input", input));
    assertEquals("a\n\nb", m.getJsonObject(1).getString("reasoning_content"));
    assertEquals(4, m.size());
    assertFalse(m.getJsonObject(3).containsKey("reasoning_content"));
    assertEquals(1, m.getJsonObject(3).getJsonArray("tool_calls").size());
  }

  @Test
  void functionOutputAsTextParts() {
    JsonArray input = new JsonArray().add(call("c1", "exec", "{}"))
        .add(output("c1", new JsonArray().add(text("input_text", "line 1")).add(text("input_text", "line 2"))));
    assertEquals("line 1\nline 2", messages(req().put("input", input)).getJsonObject(1).getString("content"));
  }

  @Test
  void functionToolsBecomeChatTools() {
    JsonObject strictTool = Contexts.execTool().copy().put("name", "read").put("strict", true);
    JsonObject body = chat(req().put("tools", new JsonArray().add(Contexts.execTool()).add(strictTool)
        .add(new JsonObject().put("type", "function").put("name", "bare"))));
    JsonArray tools = body.getJsonArray("tools");
    assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "exec")
        .put("description", "Run a shell command").put("parameters", Contexts.execTool().getJsonObject("parameters"))),
        tools.getJsonObject(0));
    assertEquals(true, tools.getJsonObject(1).getJsonObject("function").getBoolean("strict"));
    assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "bare")),
        tools.getJsonObject(2));
    assertFalse(body.containsKey("tool_choice"));
    JsonObject echo = ResponsesRequestTranslator.translate(req().put("tools", new JsonArray().add(Contexts.execTool())), null)
        .echo().getJsonArray("tools").getJsonObject(0);
    assertEquals(List.of("type", "name", "description", "parameters", "strict"), List.copyOf(echo.fieldNames()));
    assertNull(echo.getValue("strict"));
  }

  @Test
  void toolChoiceForms() {
    JsonArray tools = new JsonArray().add(Contexts.execTool()).add(Contexts.execTool().copy().put("name", "read"));
    for (String s : List.of("auto", "none", "required")) {
      assertEquals(s, chat(req().put("tools", tools).put("tool_choice", s)).getString("tool_choice"));
    }
    assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "read")),
        chat(req().put("tools", tools).put("tool_choice", new JsonObject().put("type", "function").put("name", "read")))
            .getJsonObject("tool_choice"));
    JsonObject allowed = new JsonObject().put("type", "allowed_tools").put("mode", "required")
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("name", "read")));
    Translation t = ResponsesRequestTranslator.translate(req().put("tools", tools).put("tool_choice", allowed), null);
    assertEquals("required", t.chatBody().getString("tool_choice"));
    assertEquals(1, t.chatBody().getJsonArray("tools").size());
    assertEquals("read", t.chatBody().getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"));
    assertEquals(allowed, t.echo().getJsonObject("tool_choice"));
    assertEquals(2, t.echo().getJsonArray("tools").size(), "the response still lists every tool");
    assertFalse(chat(req().put("tool_choice", "required")).containsKey("tool_choice"), "no tools, no tool_choice");
  }

  @Test
  void samplingAndLimits() {
    JsonObject body = chat(req().put("max_output_tokens", 8192).put("temperature", 0.3).put("top_p", 1)
        .put("parallel_tool_calls", false).put("user", "u").put("tools", new JsonArray().add(Contexts.execTool()))
        .put("metadata", new JsonObject().put("k", "v")).put("store", false).put("background", false)
        .put("truncation", "auto").put("include", new JsonArray().add("reasoning.encrypted_content"))
        .put("service_tier", "flex").put("top_logprobs", 3).put("max_tool_calls", 5)
        .put("stream_options", new JsonObject().put("include_obfuscation", false)));
    assertEquals(8192, body.getInteger("max_tokens"));
    assertEquals(0.3, body.getDouble("temperature"));
    assertEquals(1, body.getInteger("top_p"));
    assertEquals(false, body.getBoolean("parallel_tool_calls"));
    assertEquals("u", body.getString("user"));
    for (String f : List.of("metadata", "store", "background", "truncation", "include", "service_tier", "top_logprobs",
        "max_tool_calls", "max_output_tokens", "instructions", "input", "text", "reasoning")) {
      assertFalse(body.containsKey(f), f + " is not for vLLM");
    }
    assertEquals(new JsonObject().put("include_usage", true), body.getJsonObject("stream_options"));
  }

  @Test
  void flags() {
    Translation t = ResponsesRequestTranslator.translate(req().put("stream", true).put("background", true), null);
    assertTrue(t.stream());
    assertTrue(t.background());
    assertTrue(t.store());
    assertEquals("m", t.model());
    Translation d = ResponsesRequestTranslator.translate(req(), null);
    assertFalse(d.stream());
    assertFalse(d.background());
    assertFalse(ResponsesRequestTranslator.translate(req().put("store", false), null).store());
  }

  @Test
  void textFormatBecomesResponseFormat() {
    assertFalse(chat(req().put("text", new JsonObject().put("format", new JsonObject().put("type", "text"))))
        .containsKey("response_format"));
    assertEquals(new JsonObject().put("type", "json_object"), chat(req().put("text", new JsonObject()
        .put("format", new JsonObject().put("type", "json_object")))).getJsonObject("response_format"));
    JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject());
    JsonObject format = new JsonObject().put("type", "json_schema").put("name", "answer").put("schema", schema)
        .put("description", "d").put("strict", true);
    assertEquals(new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject().put("name", "answer")
        .put("description", "d").put("schema", schema).put("strict", true)),
        chat(req().put("text", new JsonObject().put("format", format))).getJsonObject("response_format"));
  }

  @Test
  void reasoningEffortReachesVllmWhenItCanUseIt() {
    assertEquals("high", chat(req().put("reasoning", new JsonObject().put("effort", "high"))).getString("reasoning_effort"));
    assertFalse(chat(req().put("reasoning", new JsonObject().put("effort", "minimal"))).containsKey("reasoning_effort"));
    assertEquals("detailed", ResponsesRequestTranslator.translate(req().put("reasoning",
        new JsonObject().put("generate_summary", "detailed")), null).echo().getJsonObject("reasoning").getString("summary"));
  }

  @Test
  void vllmExtrasPassAndUnknownFieldsAreIgnored() {
    JsonObject body = chat(req().put("top_k", 20).put("min_p", 0.0).put("repetition_penalty", 1.05).put("seed", 7)
        .put("stop", new JsonArray().add("END")).put("presence_penalty", 0.5).put("frequency_penalty", 0.1)
        .put("chat_template_kwargs", new JsonObject().put("enable_thinking", false)).put("some_future_field", 1));
    assertEquals(20, body.getInteger("top_k"));
    assertEquals(7, body.getInteger("seed"));
    assertEquals(new JsonObject().put("enable_thinking", false), body.getJsonObject("chat_template_kwargs"));
    assertFalse(body.containsKey("some_future_field"));
  }

  @Test
  void previousResponseIsPrependedAfterTheNewInstructions() {
    JsonObject firstReq = req().put("instructions", "Old rules.").put("input", "list files")
        .put("tools", new JsonArray().add(Contexts.execTool()));
    Translation first = ResponsesRequestTranslator.translate(firstReq, null);
    ResponseContext ctx = first.context("prev1", 1);
    String firstResponse = new ResponseAssembler(ctx).acceptAll(ChatJournal.qwenToolCall().list()).json();
    PreviousResponse prev = PreviousResponse.of(first.chatBody(), new JsonObject(firstResponse));
    assertEquals("resp_prev1", prev.id());
    assertEquals(1, prev.messages().size(), "the old instructions stay behind");

    JsonObject next = req().put("instructions", "New rules.").put("previous_response_id", "resp_prev1")
        .put("input", new JsonArray().add(output("call_9f3a1c", "a.txt")));
    JsonArray m = ResponsesRequestTranslator.translate(next, prev).chatBody().getJsonArray("messages");
    assertEquals(new JsonObject().put("role", "system").put("content", "New rules."), m.getJsonObject(0));
    assertEquals(new JsonObject().put("role", "user").put("content", "list files"), m.getJsonObject(1));
    JsonObject assistant = m.getJsonObject(2);
    assertEquals("The user wants a listing; use exec.", assistant.getString("reasoning_content"));
    assertEquals("call_9f3a1c", assistant.getJsonArray("tool_calls").getJsonObject(0).getString("id"));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_9f3a1c").put("content", "a.txt"),
        m.getJsonObject(3));
    assertEquals(4, m.size());
    assertEquals("resp_prev1", ResponsesRequestTranslator.translate(next, prev).echo().getString("previous_response_id"));
  }

  @Test
  void previousMessagesCountTheirCalls() {
    JsonArray history = new JsonArray().add(new JsonObject().put("role", "user").put("content", "x"))
        .add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(new JsonObject()
            .put("id", "old_call").put("type", "function")
            .put("function", new JsonObject().put("name", "exec").put("arguments", "{}")))));
    PreviousResponse prev = new PreviousResponse("resp_p", history, new JsonArray());
    JsonArray m = ResponsesRequestTranslator.translate(req().put("previous_response_id", "resp_p")
        .put("input", new JsonArray().add(output("old_call", "done"))), prev).chatBody().getJsonArray("messages");
    assertEquals("tool", m.getJsonObject(2).getString("role"));
  }

  @Test
  void previousResponseKeepsASystemMessageThatWasNotItsInstructions() {
    JsonObject body = new JsonObject().put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "from input")));
    assertEquals(1, PreviousResponse.of(body, new JsonObject().put("id", "resp_x").put("instructions", "other"))
        .messages().size());
    assertEquals(1, PreviousResponse.of(body, new JsonObject().put("id", "resp_x")).messages().size());
  }

  @Test
  void aPreviousResponseOtherThanTheNamedOneIsAProgrammingError() {
    PreviousResponse prev = new PreviousResponse("resp_other", new JsonArray(), new JsonArray());
    assertThrows(IllegalArgumentException.class, () -> ResponsesRequestTranslator.translate(
        req().put("previous_response_id", "resp_p"), prev));
  }

  @Test
  void theRecordedOpenClawRequest() throws Exception {
    JsonObject recorded = dev.clawbus.infra.testing.OpenClawRequests.responses();
    Translation t = ResponsesRequestTranslator.translate(recorded, null);
    JsonObject body = t.chatBody();
    JsonArray m = body.getJsonArray("messages");
    assertEquals(3, m.size());
    assertEquals("system", m.getJsonObject(0).getString("role"));
    assertTrue(m.getJsonObject(0).getString("content").startsWith("<!-- openclaw:attempt:STABLE -->\nYou are a personal"));
    assertEquals(recorded.getJsonArray("input").getJsonObject(0).getJsonArray("content").getJsonObject(0)
        .getString("text"), m.getJsonObject(0).getString("content"));
    for (int i = 1; i < 3; i++) {
      assertEquals("user", m.getJsonObject(i).getString("role"));
      assertEquals(recorded.getJsonArray("input").getJsonObject(i).getJsonArray("content").getJsonObject(0)
          .getString("text"), m.getJsonObject(i).getString("content"));
    }
    JsonArray tools = body.getJsonArray("tools");
    assertEquals(12, tools.size());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonObject fn = tools.getJsonObject(i).getJsonObject("function");
      names.add(fn.getString("name"));
      assertEquals(recorded.getJsonArray("tools").getJsonObject(i).getJsonObject("parameters"), fn.getJsonObject("parameters"));
    }
    assertTrue(names.contains("exec"));
    assertEquals(8192, body.getInteger("max_tokens"));
    assertTrue(t.stream());
    assertFalse(t.store());
    assertEquals("Qwen/Qwen3-Coder-Next-FP8", body.getString("model"));
    assertFalse(body.containsKey("store"));
  }

  // ---------------------------------------------------------------- 400s

  static Arguments bad(String param, Consumer<JsonObject> change) {
    JsonObject r = req();
    change.accept(r);
    return Arguments.of(param, r);
  }

  static JsonArray items(Object... items) {
    JsonArray a = new JsonArray();
    for (Object i : items) a.add(i);
    return a;
  }

  static Stream<Arguments> badRequests() {
    JsonObject exec = Contexts.execTool();
    return Stream.of(
        bad("model", r -> r.remove("model")),
        bad("model", r -> r.put("model", 3)),
        bad("conversation", r -> r.put("conversation", "conv_1")),
        bad("prompt", r -> r.put("prompt", new JsonObject().put("id", "pmpt_1"))),
        bad("stream", r -> r.put("stream", "yes")),
        bad("background", r -> r.put("background", 1)),
        bad("store", r -> r.put("store", "no")),
        bad("background", r -> r.put("background", true).put("store", false)),
        bad("parallel_tool_calls", r -> r.put("parallel_tool_calls", "true")),
        bad("temperature", r -> r.put("temperature", 2.5)),
        bad("temperature", r -> r.put("temperature", -0.1)),
        bad("temperature", r -> r.put("temperature", "hot")),
        bad("top_p", r -> r.put("top_p", 1.5)),
        bad("max_output_tokens", r -> r.put("max_output_tokens", 0)),
        bad("max_output_tokens", r -> r.put("max_output_tokens", 10.5)),
        bad("max_output_tokens", r -> r.put("max_output_tokens", "many")),
        bad("max_tool_calls", r -> r.put("max_tool_calls", 0)),
        bad("top_logprobs", r -> r.put("top_logprobs", 21)),
        bad("instructions", r -> r.put("instructions", new JsonArray())),
        bad("previous_response_id", r -> r.put("previous_response_id", 5)),
        bad("previous_response_id", r -> r.put("previous_response_id", "resp_gone")),
        bad("user", r -> r.put("user", 5)),
        bad("prompt_cache_key", r -> r.put("prompt_cache_key", 5)),
        bad("truncation", r -> r.put("truncation", "sometimes")),
        bad("service_tier", r -> r.put("service_tier", "gold")),
        bad("stream_options", r -> r.put("stream_options", true)),
        bad("metadata", r -> r.put("metadata", "x")),
        bad("metadata.n", r -> r.put("metadata", new JsonObject().put("n", 1))),
        bad("metadata", r -> {
          JsonObject m = new JsonObject();
          for (int i = 0; i < 17; i++) m.put("k" + i, "v");
          r.put("metadata", m);
        }),
        bad("metadata", r -> r.put("metadata", new JsonObject().put("k".repeat(65), "v"))),
        bad("metadata.k", r -> r.put("metadata", new JsonObject().put("k", "v".repeat(513)))),
        bad("include", r -> r.put("include", "all")),
        bad("include[0]", r -> r.put("include", new JsonArray().add(1))),
        bad("reasoning", r -> r.put("reasoning", "high")),
        bad("reasoning.effort", r -> r.put("reasoning", new JsonObject().put("effort", "extreme"))),
        bad("reasoning.summary", r -> r.put("reasoning", new JsonObject().put("summary", "long"))),
        bad("text", r -> r.put("text", "json")),
        bad("text.format", r -> r.put("text", new JsonObject().put("format", "json"))),
        bad("text.format.type", r -> r.put("text", new JsonObject().put("format", new JsonObject()))),
        bad("text.format.type", r -> r.put("text", new JsonObject().put("format", new JsonObject().put("type", "xml")))),
        bad("text.format.name", r -> r.put("text", new JsonObject().put("format", new JsonObject().put("type", "json_schema")
            .put("schema", new JsonObject())))),
        bad("text.format.name", r -> r.put("text", new JsonObject().put("format", new JsonObject().put("type", "json_schema")
            .put("name", "has space").put("schema", new JsonObject())))),
        bad("text.format.schema", r -> r.put("text", new JsonObject().put("format", new JsonObject()
            .put("type", "json_schema").put("name", "n")))),
        bad("text.format.schema", r -> r.put("text", new JsonObject().put("format", new JsonObject()
            .put("type", "json_schema").put("name", "n").put("schema", "{}")))),
        bad("text.format.strict", r -> r.put("text", new JsonObject().put("format", new JsonObject()
            .put("type", "json_schema").put("name", "n").put("schema", new JsonObject()).put("strict", "yes")))),
        bad("text.verbosity", r -> r.put("text", new JsonObject().put("verbosity", "loud"))),
        bad("tools", r -> r.put("tools", exec)),
        bad("tools[0]", r -> r.put("tools", items("exec"))),
        bad("tools[1].type", r -> r.put("tools", items(exec, new JsonObject().put("type", "web_search")))),
        bad("tools[0].type", r -> r.put("tools", items(new JsonObject().put("name", "exec")))),
        bad("tools[0].name", r -> r.put("tools", items(new JsonObject().put("type", "function")))),
        bad("tools[0].name", r -> r.put("tools", items(exec.copy().put("name", "has space")))),
        bad("tools[0].parameters", r -> r.put("tools", items(exec.copy().put("parameters", "{}")))),
        bad("tools[0].strict", r -> r.put("tools", items(exec.copy().put("strict", "yes")))),
        bad("tools[0].description", r -> r.put("tools", items(exec.copy().put("description", 1)))),
        bad("tool_choice", r -> r.put("tools", items(exec)).put("tool_choice", "sometimes")),
        bad("tool_choice", r -> r.put("tools", items(exec)).put("tool_choice", 1)),
        bad("tool_choice", r -> r.put("tools", items(exec)).put("tool_choice",
            new JsonObject().put("type", "function").put("name", "nope"))),
        bad("tool_choice.name", r -> r.put("tools", items(exec)).put("tool_choice", new JsonObject().put("type", "function"))),
        bad("tool_choice.type", r -> r.put("tool_choice", new JsonObject().put("type", "file_search"))),
        bad("tool_choice.type", r -> r.put("tool_choice", new JsonObject())),
        bad("tool_choice.mode", r -> r.put("tools", items(exec)).put("tool_choice", new JsonObject()
            .put("type", "allowed_tools").put("mode", "none").put("tools", items()))),
        bad("tool_choice.tools", r -> r.put("tools", items(exec)).put("tool_choice", new JsonObject()
            .put("type", "allowed_tools").put("mode", "auto"))),
        bad("tool_choice.tools[0]", r -> r.put("tools", items(exec)).put("tool_choice", new JsonObject()
            .put("type", "allowed_tools").put("mode", "auto").put("tools", items(new JsonObject().put("type", "mcp"))))),
        bad("tool_choice.tools[0].name", r -> r.put("tools", items(exec)).put("tool_choice", new JsonObject()
            .put("type", "allowed_tools").put("mode", "auto")
            .put("tools", items(new JsonObject().put("type", "function").put("name", "nope"))))),
        bad("input", r -> r.remove("input")),
        bad("input", r -> r.put("input", 42)),
        bad("input", r -> r.put("input", items())),
        bad("input", r -> r.put("instructions", "only instructions").put("input", items())),
        bad("input[0]", r -> r.put("input", items("hello"))),
        bad("input[1].type", r -> r.put("input", items(msg("user", "a"), new JsonObject().put("type", "web_search_call")))),
        bad("input[0].type", r -> r.put("input", items(new JsonObject().put("type", "item_reference").put("id", "msg_1")))),
        bad("input[0].type", r -> r.put("input", items(new JsonObject().put("content", "no role, no type")))),
        bad("input[0].type", r -> r.put("input", items(new JsonObject().put("type", 7)))),
        bad("input[0].role", r -> r.put("input", items(msg("tool", "x")))),
        bad("input[0].role", r -> r.put("input", items(new JsonObject().put("type", "message").put("content", "x")))),
        bad("input[0].content", r -> r.put("input", items(new JsonObject().put("type", "message").put("role", "user")))),
        bad("input[0].content", r -> r.put("input", items(msg("user", 5)))),
        bad("input[0].content[0]", r -> r.put("input", items(msg("user", items("text"))))),
        bad("input[0].content[0].type", r -> r.put("input", items(msg("user", items(new JsonObject().put("text", "x")))))),
        bad("input[0].content[0].type", r -> r.put("input", items(msg("user", items(text("text", "chat-style part")))))),
        bad("input[0].content[0].text", r -> r.put("input", items(msg("user", items(new JsonObject().put("type", "input_text")))))),
        bad("input[0].content[0].text", r -> r.put("input", items(msg("user", items(new JsonObject()
            .put("type", "input_text").put("text", 5)))))),
        bad("input[0].content[1].type", r -> r.put("input", items(msg("user", items(text("input_text", "x"),
            new JsonObject().put("type", "input_file").put("file_id", "file_1")))))),
        bad("input[0].content[0].image_url", r -> r.put("input", items(msg("user", items(
            new JsonObject().put("type", "input_image").put("file_id", "file_1")))))),
        bad("input[0].content[0].type", r -> r.put("input", items(msg("assistant", items(
            new JsonObject().put("type", "input_image").put("image_url", "http://x/y.png")))))),
        bad("input[0].content[0].refusal", r -> r.put("input", items(msg("assistant", items(new JsonObject().put("type", "refusal")))))),
        bad("input[0].call_id", r -> r.put("input", items(call(null, "exec", "{}")))),
        bad("input[0].name", r -> r.put("input", items(call("c", null, "{}")))),
        bad("input[0].arguments", r -> r.put("input", items(call("c", "exec", null)))),
        bad("input[0].arguments", r -> r.put("input", items(call("c", "exec", null).put("arguments", new JsonObject())))),
        bad("input[3].call_id", r -> r.put("input", items(msg("user", "a"), call("c1", "exec", "{}"), output("c1", "ok"),
            output("c2", "orphan")))),
        bad("input[0].call_id", r -> r.put("input", items(output("c1", "before its call"), call("c1", "exec", "{}")))),
        bad("input[0].call_id", r -> r.put("input", items(output(null, "x")))),
        bad("input[1].output", r -> r.put("input", items(call("c1", "exec", "{}"), output("c1", null)))),
        bad("input[1].output", r -> r.put("input", items(call("c1", "exec", "{}"), output("c1", 5)))),
        bad("input[1].output[0]", r -> r.put("input", items(call("c1", "exec", "{}"), output("c1", items("x"))))),
        bad("input[1].output[0].type", r -> r.put("input", items(call("c1", "exec", "{}"),
            output("c1", items(new JsonObject().put("type", "input_image").put("image_url", "http://x")))))),
        bad("input[1].output[0].text", r -> r.put("input", items(call("c1", "exec", "{}"),
            output("c1", items(new JsonObject().put("type", "input_text")))))),
        bad("input[0].summary", r -> r.put("input", items(new JsonObject().put("type", "reasoning").put("summary", "s")))),
        bad("input[0].summary[0]", r -> r.put("input", items(new JsonObject().put("type", "reasoning")
            .put("summary", items("s"))))),
        bad("input[0].content[0].text", r -> r.put("input", items(new JsonObject().put("type", "reasoning")
            .put("summary", items()).put("content", items(new JsonObject().put("type", "reasoning_text")))))));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badRequests")
  void badInputIsA400NamingTheParameter(String param, JsonObject request) {
    OpenAiError e = assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(request, null));
    assertEquals(400, e.status());
    assertEquals("invalid_request_error", e.type());
    assertEquals(param, e.param(), e.getMessage());
    String message = e.getMessage();
    assertFalse(message.isBlank());
    for (String leak : List.of("java.", "Exception", "JsonObject", "JsonArray", "Integer", "Long", "Double", "Boolean",
        "String", "null instead")) {
      assertFalse(message.contains(leak), "no Java in the message: " + message);
    }
  }

  @Test
  void theOrphanOutputMessageIsOpenAis() {
    OpenAiError e = assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(req()
        .put("input", items(output("call_x1", "orphan"))), null));
    assertEquals("No tool call found for function call output with call_id call_x1.", e.getMessage());
    OpenAiError tool = assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(req()
        .put("tools", items(Contexts.execTool(), new JsonObject().put("type", "web_search"))), null));
    assertTrue(tool.getMessage().contains("'web_search'"), tool.getMessage());
    assertEquals("Invalid type for 'temperature': expected a number, but got a string instead.",
        assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(req().put("temperature", "x"), null))
            .getMessage());
    assertEquals("Missing required parameter: 'model'.",
        assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(new JsonObject().put("input", "x"), null))
            .getMessage());
  }

  @Test
  void limitsAreInclusive() {
    JsonObject m = new JsonObject();
    for (int i = 0; i < 16; i++) m.put("k".repeat(64 - 2) + String.format("%02d", i), "v".repeat(512));
    Translation t = ResponsesRequestTranslator.translate(req().put("metadata", m).put("max_output_tokens", 1)
        .put("top_logprobs", 20).put("temperature", 2).put("top_p", 0).put("max_tool_calls", 1), null);
    assertEquals(16, t.echo().getJsonObject("metadata").size());
    assertEquals(1, t.chatBody().getInteger("max_tokens"));
    assertEquals(0, ResponsesRequestTranslator.translate(req().put("temperature", 0).put("top_p", 1.0), null)
        .chatBody().getInteger("temperature"));
  }

  @Test
  void messagesSayWhatWasWrong() {
    List<String[]> cases = List.of(
        new String[] {"Invalid type for 'temperature': expected a number, but got a boolean instead.", "temperature", "true"},
        new String[] {"Invalid type for 'max_output_tokens': expected an integer, but got a decimal instead.",
            "max_output_tokens", "1.5"},
        new String[] {"Invalid type for 'user': expected a string, but got an integer instead.", "user", "3"},
        new String[] {"Invalid type for 'instructions': expected a string, but got an array instead.", "instructions", "[]"},
        new String[] {"Invalid type for 'tools': expected an array, but got an object instead.", "tools", "{}"},
        new String[] {"Missing required parameter: 'input'.", "input", "null"},
        new String[] {"Invalid value: 'gold'. Supported values are: 'auto', 'default', 'flex', 'scale' and 'priority'.",
            "service_tier", "\"gold\""},
        new String[] {"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
            "max_output_tokens", "0"},
        new String[] {"Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.",
            "top_p", "1.5"},
        new String[] {"Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
            "temperature", "-1"});
    for (String[] c : cases) {
      JsonObject r = new JsonObject("{\"model\":\"m\",\"input\":\"hi\",\"" + c[1] + "\":" + c[2] + "}");
      assertEquals(c[0], assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(r, null)).getMessage());
    }
    assertEquals("Invalid type for 'input': expected a string or an array of input items, but got an object instead.",
        assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(req().put("input", new JsonObject()), null))
            .getMessage());
    assertEquals("Invalid 'input': there is no message to answer.", assertThrows(OpenAiError.class,
        () -> ResponsesRequestTranslator.translate(req().put("input", items()), null)).getMessage());
    assertEquals("Invalid value: 'tool'. Supported values are: 'user', 'assistant', 'system' and 'developer'.",
        assertThrows(OpenAiError.class, () -> ResponsesRequestTranslator.translate(req().put("input",
            items(msg("tool", "x"))), null)).getMessage());
  }

  @Test
  void responseIdsCarryTheRequestId() {
    assertEquals("resp_abc123", ResponseIds.responseId("abc123"));
    assertEquals("abc123", ResponseIds.requestId("resp_abc123"));
    for (String notOurs : new String[] {null, "resp_", "chatcmpl-abc", "abc", "msg_abc"}) {
      assertNull(ResponseIds.requestId(notOurs), notOurs);
    }
  }
}
