package dev.clawbus.transformer.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.clawbus.infra.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class ParserVerticleTest {
  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    vertx.deployVerticle(new ParserVerticle()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void parsesOverTheEventBus(Vertx vertx, VertxTestContext ctx) {
    JsonObject req = new JsonObject().put("format", "hermes")
        .put("text", "<think>hm</think>Sure.<tool_call>{\"name\": \"exec\", \"arguments\": {\"command\": \"ls\"}}</tool_call>")
        .put("tools", new JsonArray().add(new JsonObject().put("type", "function")
            .put("function", new JsonObject().put("name", "exec"))));
    vertx.eventBus().<JsonObject>request(Addresses.PARSE, req).onComplete(ctx.succeeding(msg -> ctx.verify(() -> {
      JsonObject r = msg.body();
      assertEquals("Sure.", r.getString("content"));
      assertEquals("hm", r.getString("reasoning_content"));
      assertEquals(new JsonObject().put("name", "exec").put("arguments", new JsonObject().put("command", "ls")),
          r.getJsonArray("tool_calls").getJsonObject(0));
      ctx.completeNow();
    })));
  }

  @Test
  void streamDeltasTakeTheStreamingPath(Vertx vertx, VertxTestContext ctx) {
    JsonObject req = new JsonObject().put("format", "mistral")
        .put("stream_deltas", new JsonArray().add("[TOOL").add("_CALLS]get").add("_weather{\"city\": ").add("\"x\"}"));
    vertx.eventBus().<JsonObject>request(Addresses.PARSE, req).onComplete(ctx.succeeding(msg -> ctx.verify(() -> {
      assertNull(msg.body().getValue("content"));
      assertEquals("get_weather", msg.body().getJsonArray("tool_calls").getJsonObject(0).getString("name"));
      ctx.completeNow();
    })));
  }

  @Test
  void badInputFailsWith400(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().request(Addresses.PARSE, new JsonObject().put("format", "nope").put("text", "x"))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertEquals(400, ((ReplyException) err).failureCode());
          vertx.eventBus().request(Addresses.PARSE, "not an object").onComplete(ctx.failing(e2 -> ctx.verify(() -> {
            assertEquals(400, ((ReplyException) e2).failureCode());
            ctx.completeNow();
          })));
        })));
  }
}
