package dev.clawbus.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.config.ModelSettings;
import dev.clawbus.infra.testing.OpenClawRequests;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CompatNormalizerTest {
  private static ModelSettings settings(JsonObject m) {
    return ModelSettings.of("coder", m, "auto");
  }

  @Test
  void openClawRequestBecomesWhatStrictVllmAccepts() {
    JsonObject client = OpenClawRequests.chat("coder", "list files", false);
    client.getJsonArray("messages").add(0, new JsonObject().put("role", "developer").put("content", "be brief"));
    client.put("service_tier", "auto").put("metadata", new JsonObject()).put("prompt_cache_key", "k");
    JsonObject out = CompatNormalizer.normalize(client, settings(new JsonObject().put("backend_model", "Qwen/Q")));

    assertEquals("Qwen/Q", out.getString("model"));
    for (String f : new String[] {"store", "service_tier", "metadata", "prompt_cache_key", "max_completion_tokens"}) {
      assertFalse(out.containsKey(f), f);
    }
    assertEquals(8192, out.getInteger("max_tokens"));
    assertTrue(out.getBoolean("stream"), "the pipeline always streams from vLLM");
    assertTrue(out.getJsonObject("stream_options").getBoolean("include_usage"));
    JsonArray msgs = out.getJsonArray("messages");
    assertEquals("system", msgs.getJsonObject(0).getString("role"));
    assertEquals("list files", msgs.getJsonObject(msgs.size() - 1).getString("content"));
    for (Object t : out.getJsonArray("tools")) {
      assertFalse(((JsonObject) t).getJsonObject("function").containsKey("strict"));
    }
    assertEquals("coder", client.getString("model"), "the client's body is not modified");
    assertInstanceOf(JsonArray.class, client.getJsonArray("messages").getJsonObject(6).getValue("content"));
  }

  @Test
  void switchesCanBeTurnedOff() {
    JsonObject client = OpenClawRequests.chat("coder", "x", false);
    JsonObject out = CompatNormalizer.normalize(client, settings(new JsonObject().put("compat", new JsonObject()
        .put("content_arrays_to_string", false).put("max_completion_tokens_to_max_tokens", false)
        .put("drop_tool_strict", false).put("keep_fields", new JsonArray().add("store")))));
    JsonArray msgs = out.getJsonArray("messages");
    assertInstanceOf(JsonArray.class, msgs.getJsonObject(msgs.size() - 1).getValue("content"));
    assertTrue(out.containsKey("max_completion_tokens"));
    assertTrue(out.containsKey("store"));
    assertTrue(out.getJsonArray("tools").getJsonObject(0).getJsonObject("function").containsKey("strict"));
  }

  @Test
  void imagePartsKeepTheArray() {
    JsonArray parts = new JsonArray().add(new JsonObject().put("type", "text").put("text", "what is this"))
        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:")));
    assertEquals(null, CompatNormalizer.textOnly(parts));
    assertEquals("a\nb", CompatNormalizer.textOnly(new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "a"))
        .add(new JsonObject().put("type", "text").put("text", "b"))));
  }
}
