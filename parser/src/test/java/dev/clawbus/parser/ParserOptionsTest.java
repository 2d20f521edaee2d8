package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Formats, reasoning modes, ids and tool specs. */
class ParserOptionsTest {
  @Test
  void everyRequiredFormatExists() {
    for (String f : List.of("qwen3_coder", "qwen3_xml", "hermes", "llama3_json", "llama4_pythonic", "pythonic",
        "mistral", "deepseek_v3", "deepseek_v31", "kimi_k2", "glm45", "granite", "internlm", "jamba", "minimax",
        "minimax_m2", "phi4_mini_json", "xlam", "openai", "auto", "none", "glm47", "seed_oss", "hunyuan_a13b",
        "longcat", "step3")) {
      assertTrue(ToolParsers.formats().contains(f), f);
      ToolParsers.create(f, ParserOptions.of(null));
    }
  }

  @Test
  void unknownFormatIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ToolParsers.create("nope", ParserOptions.of(null)));
  }

  @Test
  void reasoningModes() {
    String text = "<think>why</think>Answer";
    ParseResult split = ParseResult.parse("hermes", text, ParserOptions.of(null));
    assertEquals("why", split.reasoningContent());
    assertEquals("Answer", split.content());
    ParseResult pass = ParseResult.parse("hermes", text, ParserOptions.of(null).withReasoning("pass"));
    assertNull(pass.reasoningContent());
    assertEquals(text, pass.content());
    ParseResult drop = ParseResult.parse("hermes", text, ParserOptions.of(null).withReasoning("drop"));
    assertNull(drop.reasoningContent());
    assertEquals("Answer", drop.content());
    assertThrows(IllegalArgumentException.class, () -> ParserOptions.of(null).withReasoning("maybe"));
  }

  @Test
  void unterminatedReasoningIsReasoning() {
    ParseResult r = ParseResult.parse("qwen3_coder", "<think>still thinking", ParserOptions.of(null));
    assertEquals("still thinking", r.reasoningContent());
    assertNull(r.content());
  }

  @Test
  void callsInsideReasoningAreNotCalls() {
    ParseResult r = ParseResult.parse("hermes",
        "<think>maybe <tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call></think>No.", ParserOptions.of(null));
    assertEquals(0, r.toolCalls().size());
    assertEquals("No.", r.content());
  }

  @Test
  void defaultIdsAreCallPlusAlphanumerics() {
    ParseResult r = ParseResult.parse("hermes", "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>"
        + "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call>", ParserOptions.of(null));
    String a = r.toolCalls().get(0).id();
    String b = r.toolCalls().get(1).id();
    assertTrue(a.matches("call[A-Za-z0-9]{24}"), a);
    assertNotEquals(a, b);
  }

  @Test
  void toolSpecsFromOpenAiAndFlatShapes() {
    JsonObject schema = new JsonObject().put("type", "object");
    List<ToolSpec> specs = ToolSpec.fromRequestTools(new JsonArray()
        .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "a")
            .put("parameters", schema)))
        .add(new JsonObject().put("name", "b"))
        .add(new JsonObject().put("type", "function"))
        .add("junk"));
    assertEquals(List.of(new ToolSpec("a", schema), new ToolSpec("b", null)), specs);
    assertEquals(List.of(), ToolSpec.fromRequestTools(null));
  }

  @Test
  void argumentsAreCanonicalCompactJson() {
    ParseResult r = ParseResult.parse("hermes",
        "<tool_call>{\"name\" : \"a\",\n \"arguments\" : { \"x\" : [ 1 , 2.50, true ],\"y\":\"é\\u00e9\\n\" } }</tool_call>",
        ParserOptions.of(null));
    assertEquals("{\"x\":[1,2.5,true],\"y\":\"éé\\n\"}", r.toolCalls().get(0).argumentsJson());
  }
}
