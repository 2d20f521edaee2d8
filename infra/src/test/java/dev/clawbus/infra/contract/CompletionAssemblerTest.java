package dev.clawbus.infra.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CompletionAssemblerTest {
  private final ChunkWriter w = new ChunkWriter("chatcmpl-1", 42, "m");

  @Test
  void foldsTextReasoningToolCallsAndUsage() {
    CompletionAssembler a = new CompletionAssembler();
    for (String c : new String[] {w.role(), w.reasoning("think"), w.content("Hel"), w.content("lo"),
        w.toolCall(0, "c0", "exec", "{\"command\":\"ls\"}"), w.toolCall(1, "c1", "read", "{}"),
        w.finish("tool_calls"), w.usage(7, 3)}) {
      a.accept(new JsonObject(c));
    }
    JsonObject done = a.completion();
    assertEquals("chat.completion", done.getString("object"));
    assertEquals("chatcmpl-1", done.getString("id"));
    JsonObject choice = done.getJsonArray("choices").getJsonObject(0);
    assertEquals("tool_calls", choice.getString("finish_reason"));
    JsonObject msg = choice.getJsonObject("message");
    assertEquals("Hello", msg.getString("content"));
    assertEquals("think", msg.getString("reasoning_content"));
    assertEquals("read", msg.getJsonArray("tool_calls").getJsonObject(1).getJsonObject("function").getString("name"));
    assertEquals(10, done.getJsonObject("usage").getInteger("total_tokens"));
  }

  @Test
  void contentIsNullWhenOnlyToolCalls() {
    CompletionAssembler a = new CompletionAssembler();
    a.accept(new JsonObject(w.role()));
    a.accept(new JsonObject(w.toolCall(0, "c0", "exec", "{}")));
    assertNull(a.completion().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getValue("content"));
  }

  @Test
  void mergesFragmentedToolCallDeltas() {
    CompletionAssembler a = new CompletionAssembler();
    a.accept(new JsonObject("{\"id\":\"x\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":"
        + "{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}"));
    a.accept(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":1}\"}}]}}]}"));
    JsonObject call = a.completion().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
        .getJsonArray("tool_calls").getJsonObject(0);
    assertEquals("{\"a\":1}", call.getJsonObject("function").getString("arguments"));
  }
}
