package dev.clawbus.infra.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ChunkWriterTest {
  private final ChunkWriter w = new ChunkWriter("chatcmpl-abc", 1700000000L, "m\"odel");

  private static JsonObject delta(String chunk) {
    JsonObject c = new JsonObject(chunk);
    assertEquals("chatcmpl-abc", c.getString("id"));
    assertEquals("chat.completion.chunk", c.getString("object"));
    assertEquals(1700000000L, c.getLong("created"));
    assertEquals("m\"odel", c.getString("model"));
    JsonObject choice = c.getJsonArray("choices").getJsonObject(0);
    assertEquals(0, choice.getInteger("index"));
    return choice.getJsonObject("delta");
  }

  @Test
  void contentIsEscapedExactly() {
    String tricky = "a\"b\\c\nd\te\u0001f\u2028 ünï 😀 </tool_call>";
    assertEquals(tricky, delta(w.content(tricky)).getString("content"));
  }

  @Test
  void roleKeepaliveAndFinishShapes() {
    assertEquals("assistant", delta(w.role()).getString("role"));
    assertTrue(delta(w.keepalive()).isEmpty(), "keepalive has an empty delta");
    JsonObject fin = new JsonObject(w.finish("tool_calls")).getJsonArray("choices").getJsonObject(0);
    assertEquals("tool_calls", fin.getString("finish_reason"));
    assertNull(new JsonObject(w.content("x")).getJsonArray("choices").getJsonObject(0).getValue("finish_reason"));
  }

  @Test
  void toolCallIsOneWholeDelta() {
    JsonArray calls = delta(w.toolCall(2, "call1", "exec", "{\"command\":\"ls -la\"}")).getJsonArray("tool_calls");
    JsonObject call = calls.getJsonObject(0);
    assertEquals(2, call.getInteger("index"));
    assertEquals("call1", call.getString("id"));
    assertEquals("function", call.getString("type"));
    assertEquals("exec", call.getJsonObject("function").getString("name"));
    assertEquals("ls -la", new JsonObject(call.getJsonObject("function").getString("arguments")).getString("command"));
  }

  @Test
  void usageChunkHasNoChoices() {
    JsonObject u = new JsonObject(w.usage(10, 5));
    assertTrue(u.getJsonArray("choices").isEmpty());
    assertEquals(15, u.getJsonObject("usage").getInteger("total_tokens"));
  }
}
