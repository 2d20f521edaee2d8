package dev.clawbus.sim;

import static dev.clawbus.sim.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** continue_final_message regenerates the same answer and streams exactly the rest. */
class SimContinuationTest extends SimTestBase {

  @BeforeAll
  static void start() {
    startSim(SimOptions.defaults().withPort(0).withTtftMs(1).withTokensPerSecond(5000), 4);
  }


  static JsonArray conversation() {
    return new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "sys"))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "tell me things [[sim words=60]]"))));
  }

  static JsonObject continuation(String prefix) {
    return new JsonObject().put("model", "clawbus-sim").put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true))
        .put("messages", conversation().add(new JsonObject().put("role", "assistant").put("content", prefix)))
        .put("continue_final_message", true).put("add_generation_prompt", false);
  }

  @Test
  void continuationStreamsExactlyTheRestEvenMidWord() {
    String full = VllmSimulator.answerText(conversation(), 60);
    SimClient.Sse first = await(client.stream(port, new JsonObject().put("model", "clawbus-sim").put("stream", true)
        .put("messages", conversation())));
    assertEquals(full, first.content());

    for (int cut : new int[] {1, 7, full.indexOf(' ', 40) + 2, full.length() / 2, full.length() - 1}) {
      String prefix = full.substring(0, cut);
      SimClient.Sse rest = await(client.stream(port, continuation(prefix)));
      assertEquals(full.substring(cut), rest.content(), "cut at " + cut);
      // role chunk first, as in any answer
      assertEquals("assistant", rest.chunks().get(0).getJsonArray("choices").getJsonObject(0)
          .getJsonObject("delta").getString("role"));
    }
    assertEquals(0, sim.stats().getLong("prefix_mismatches"));
  }

  @Test
  void maxTokensCountsOnlyNewTokens() {
    String full = VllmSimulator.answerText(conversation(), 60);
    int cut = full.indexOf(' ', full.length() / 2);
    SimClient.Sse rest = await(client.stream(port, continuation(full.substring(0, cut)).put("max_tokens", 5)));
    List<JsonObject> chunks = rest.chunks();
    assertEquals(5, chunks.get(chunks.size() - 1).getJsonObject("usage").getInteger("completion_tokens"));
    assertEquals("length", chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0)
        .getString("finish_reason"));
    assertTrue(full.substring(cut).startsWith(rest.content()));
    assertEquals(5, rest.content().split(" ", -1).length - 1, "five whole words, each with its leading space");
  }

  @Test
  void continuationIsRecordedInTheRequestLog() {
    String full = VllmSimulator.answerText(conversation(), 60);
    await(client.stream(port, continuation(full.substring(0, 10))));
    JsonObject last = sim.requests().get(sim.requests().size() - 1);
    assertEquals(true, last.getBoolean("continue_final_message"));
    assertEquals(full.substring(0, 10), last.getJsonArray("messages").getJsonObject(2).getString("content"));
  }

  @Test
  void aForeignPrefixIsCountedAsMismatch() {
    long before = sim.stats().getLong("prefix_mismatches");
    await(client.stream(port, continuation("Something the model never said")));
    assertEquals(before + 1, sim.stats().getLong("prefix_mismatches"));
  }
}
