package dev.clawbus.transformer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.testing.OpenClawRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
  private static JsonObject ok() {
    return new JsonObject().put("model", "m").put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
  }

  private static OpenAiError rejected(JsonObject body) {
    OpenAiError e = assertThrows(OpenAiError.class, () -> RequestValidator.validate(body));
    assertEquals(400, e.status());
    assertEquals("invalid_request_error", e.type());
    return e;
  }

  @Test
  void acceptsOpenClawRequests() {
    assertDoesNotThrow(() -> RequestValidator.validate(OpenClawRequests.chat("m", "hello", true)));
    assertDoesNotThrow(() -> RequestValidator.validate(ok()));
  }

  @Test
  void namesTheOffendingField() {
    assertEquals("model", rejected(ok().put("model", 5)).param());
    assertEquals("model", rejected(new JsonObject().put("messages", new JsonArray())).param());
    assertEquals("messages", rejected(ok().put("messages", new JsonArray())).param());
    assertEquals("messages", rejected(ok().put("messages", "hi")).param());
    assertEquals("messages[0].role", rejected(ok().put("messages",
        new JsonArray().add(new JsonObject().put("role", "wizard").put("content", "x")))).param());
    assertEquals("messages[0].content", rejected(ok().put("messages",
        new JsonArray().add(new JsonObject().put("role", "user").put("content", 3)))).param());
    assertEquals("messages[0].tool_call_id", rejected(ok().put("messages",
        new JsonArray().add(new JsonObject().put("role", "tool").put("content", "x")))).param());
    assertEquals("stream", rejected(ok().put("stream", "yes")).param());
    assertEquals("max_tokens", rejected(ok().put("max_tokens", 0)).param());
    assertEquals("max_completion_tokens", rejected(ok().put("max_completion_tokens", 1.5)).param());
    assertEquals("temperature", rejected(ok().put("temperature", 3)).param());
    assertEquals("n", rejected(ok().put("n", 2)).param());
    assertEquals("tools", rejected(ok().put("tools", new JsonObject())).param());
    assertEquals("tools[0]", rejected(ok().put("tools", new JsonArray().add("exec"))).param());
    assertEquals("tools[0].function.name", rejected(ok().put("tools", new JsonArray().add(new JsonObject()
        .put("type", "function").put("function", new JsonObject().put("name", "has space"))))).param());
    assertEquals("tool_choice", rejected(ok().put("tool_choice", "sometimes")).param());
  }

  @Test
  void messagesAreHumanReadable() {
    OpenAiError e = rejected(ok().put("messages", new JsonArray()));
    assertTrue(e.getMessage().contains("empty array"), e.getMessage());
  }

  @Test
  void assistantMayOmitContentWithToolCalls() {
    JsonObject body = ok();
    body.getJsonArray("messages").add(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray()));
    assertDoesNotThrow(() -> RequestValidator.validate(body));
  }
}
