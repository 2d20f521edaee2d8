package dev.clawbus.infra.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TokenCostTest {
  @Test
  void estimateIsBodySizeInTokensPlusTheMostItMayGenerate() {
    assertEquals(34 + 4096, TokenCost.estimate(100, 4096));
    assertEquals(1, TokenCost.estimate(0, 0));
    assertEquals(1, TokenCost.estimate(3, 0));
    assertEquals(2, TokenCost.estimate(4, 0));
    assertEquals(8192, TokenCost.maxTokens(new JsonObject().put("max_completion_tokens", 8192).put("max_tokens", 5), 1));
    assertEquals(5, TokenCost.maxTokens(new JsonObject().put("max_tokens", 5), 1));
    assertEquals(32768, TokenCost.maxTokens(new JsonObject().put("max_tokens", "many"), 32768));
    assertEquals(32768, TokenCost.maxTokens(new JsonObject(), 32768));
    assertEquals(150, TokenCost.actual(100, 50));
    assertEquals(100, TokenCost.actual(100, -1));
  }
}
