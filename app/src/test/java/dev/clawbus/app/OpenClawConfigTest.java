package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The provider block built from a model list, without I/O. */
class OpenClawConfigTest {
  private static JsonObject list(JsonObject... models) {
    JsonArray data = new JsonArray();
    for (JsonObject m : models) data.add(m.copy().put("object", "model").put("owned_by", "vllm"));
    return new JsonObject().put("object", "list").put("data", data);
  }

  private static JsonObject model(String id, Integer len) {
    JsonObject m = new JsonObject().put("id", id);
    if (len != null) m.put("max_model_len", len);
    return m;
  }

  private static OpenClawConfig.Options opts(boolean full, String primary) {
    return new OpenClawConfig.Options("http://127.0.0.1:8003", "sk-a", "clawbus", "openai-completions", full, primary);
  }

  @Test
  void maxTokensLeavesThreeQuartersOfTheWindowForThePromptAndIsCapped() {
    assertEquals(32_768, OpenClawConfig.maxTokens(262_144), "a 256k window is capped at 32k");
    assertEquals(32_768, OpenClawConfig.maxTokens(131_072));
    assertEquals(8_192, OpenClawConfig.maxTokens(32_768));
    assertEquals(2_048, OpenClawConfig.maxTokens(8_192));
    assertEquals(1, OpenClawConfig.maxTokens(3), "never 0: OpenClaw wants a positive number");
  }

  @Test
  void urlIsNormalisedToTheRootAndBaseUrlEndsInV1() {
    assertEquals("http://h:8003", OpenClawConfig.rootUrl("http://h:8003"));
    assertEquals("http://h:8003", OpenClawConfig.rootUrl("http://h:8003/"));
    assertEquals("http://h:8003", OpenClawConfig.rootUrl("http://h:8003/v1"));
    assertEquals("https://gw.example/clawbus", OpenClawConfig.rootUrl("https://gw.example/clawbus/v1/"));
    for (String bad : new String[] {"h:8003", "ftp://h", "http://", "http://h:8003/v1?x=1", "not a url"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenClawConfig.rootUrl(bad));
      assertTrue(e.getMessage().startsWith("--url must be"), e.getMessage());
    }
  }

  @Test
  void providerBlockHasOpenClawsShapeAndNothingElse() {
    OpenClawConfig.Result r = OpenClawConfig.build(list(model("Qwen/Qwen3-Coder-Next-FP8", 262_144),
        model("small", 8_192)), opts(false, ""));
    JsonObject json = r.json();
    assertEquals(Set.of("models"), json.fieldNames(), "without --full: only the models block");
    JsonObject provider = json.getJsonObject("models").getJsonObject("providers").getJsonObject("clawbus");
    assertEquals(Set.of("baseUrl", "apiKey", "api", "models"), provider.fieldNames(),
        "OpenClaw's provider object is strict: no other keys");
    assertEquals("http://127.0.0.1:8003/v1", provider.getString("baseUrl"));
    assertEquals("sk-a", provider.getString("apiKey"));
    assertEquals("openai-completions", provider.getString("api"));
    JsonArray models = provider.getJsonArray("models");
    assertEquals(2, models.size());
    JsonObject qwen = models.getJsonObject(0);
    assertEquals(Set.of("id", "name", "reasoning", "input", "cost", "contextWindow", "maxTokens"), qwen.fieldNames());
    assertEquals("Qwen/Qwen3-Coder-Next-FP8", qwen.getString("id"));
    assertEquals(262_144, qwen.getInteger("contextWindow"));
    assertEquals(32_768, qwen.getInteger("maxTokens"));
    assertEquals(new JsonArray().add("text"), qwen.getJsonArray("input"));
    assertEquals(0, qwen.getJsonObject("cost").getInteger("output"));
    assertEquals(2_048, models.getJsonObject(1).getInteger("maxTokens"));
    assertTrue(r.notes().isEmpty(), "loopback: nothing to note " + r.notes());
  }

  @Test
  void fullSetsTheAgentsPrimaryModelAsProviderSlashModel() {
    JsonObject json = OpenClawConfig.build(list(model("a", 4096), model("b/c", 4096)), opts(true, "")).json();
    assertEquals("clawbus/a", json.getJsonObject("agents").getJsonObject("defaults").getJsonObject("model")
        .getString("primary"), "the first model by default");
    json = OpenClawConfig.build(list(model("a", 4096), model("b/c", 4096)), opts(true, "b/c")).json();
    assertEquals("clawbus/b/c", json.getJsonObject("agents").getJsonObject("defaults").getJsonObject("model")
        .getString("primary"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OpenClawConfig.build(list(model("a", 4096)), opts(true, "zzz")));
    assertEquals("--model zzz is not served by http://127.0.0.1:8003 (it serves a)", e.getMessage());
  }

  @Test
  void aModelWithoutMaxModelLenIsListedWithoutLimitsAndNoted() {
    OpenClawConfig.Result r = OpenClawConfig.build(list(model("m", null)), opts(false, ""));
    JsonObject m = r.json().getJsonObject("models").getJsonObject("providers").getJsonObject("clawbus")
        .getJsonArray("models").getJsonObject(0);
    assertNull(m.getValue("contextWindow"));
    assertNull(m.getValue("maxTokens"));
    assertEquals(1, r.notes().size());
    assertTrue(r.notes().get(0).contains("max_model_len"), r.notes().get(0));
  }

  @Test
  void noKeyWritesAPlaceholderAndALanAddressIsNoted() {
    OpenClawConfig.Result r = OpenClawConfig.build(list(model("m", 4096)),
        new OpenClawConfig.Options("http://10.0.0.5:8003", "", "gpu", "openai-responses", false, ""));
    JsonObject provider = r.json().getJsonObject("models").getJsonObject("providers").getJsonObject("gpu");
    assertEquals(OpenClawConfig.NO_KEY, provider.getString("apiKey"));
    assertEquals("openai-responses", provider.getString("api"));
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("allowPrivateNetwork")), r.notes().toString());
  }

  @Test
  void anEmptyOrMalformedListIsAnError() {
    for (JsonObject l : new JsonObject[] {list(), new JsonObject().put("data", new JsonArray().add("x").add(
        new JsonObject().put("id", 5)))}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OpenClawConfig.build(l, opts(false, "")));
      assertTrue(e.getMessage().contains("lists no models"), e.getMessage());
      assertFalse(e.getMessage().contains("sk-a"), "never the key");
    }
  }
}
