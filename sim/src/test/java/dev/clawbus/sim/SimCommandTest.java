package dev.clawbus.sim;

import static dev.clawbus.sim.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimCommandTest {
  final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpExitsZero() {
    assertEquals(0, SimCommand.run(List.of("--help"), out, err));
    assertTrue(out().contains("--tokens-per-second"));
    assertEquals("", err());
  }

  @Test
  void badFlagsGiveOneLineAndExitTwo() {
    assertEquals(2, SimCommand.run(List.of("--bogus"), out, err));
    assertEquals(1, err().lines().count());
    assertTrue(err().contains("--bogus"));
    errBytes.reset();
    assertEquals(2, SimCommand.run(List.of("--port", "eighty"), out, err));
    assertTrue(err().contains("--port needs a number"));
    errBytes.reset();
    assertEquals(2, SimCommand.run(List.of("--port"), out, err));
    errBytes.reset();
    assertEquals(2, SimCommand.run(List.of("--tokens-per-second", "0"), out, err));
    assertEquals(1, err().lines().count());
  }

  @Test
  void startsWithFlagsAndRefusesABusyPort() {
    SimCommand.Launched l = SimCommand.launch(List.of("--port", "0", "--model", "qwen3", "--strict",
        "--ttft-ms", "1", "--tokens-per-second", "5000", "--words", "7", "--max-model-len", "2048"), out, err);
    try {
      assertTrue(out().startsWith("vLLM simulator listening on http://127.0.0.1:" + l.sim().port()), out());
      assertEquals(1, out().lines().count());
      SimClient client = new SimClient(l.vertx(), 1);
      JsonObject body = new JsonObject().put("model", "qwen3").put("messages", new JsonArray()
          .add(new JsonObject().put("role", "user").put("content", "hi")));
      JsonObject r = await(client.send(HttpMethod.POST, l.sim().port(), "/v1/chat/completions", body)).json();
      assertEquals(7, r.getJsonObject("usage").getInteger("completion_tokens"));
      assertEquals(400, await(client.send(HttpMethod.POST, l.sim().port(), "/v1/chat/completions",
          body.copy().put("store", true))).status(), "strict");
      assertEquals(2048, await(client.send(HttpMethod.GET, l.sim().port(), "/v1/models", null)).json()
          .getJsonArray("data").getJsonObject(0).getInteger("max_model_len"));

      SimCommand.Launched busy = SimCommand.launch(List.of("--port", String.valueOf(l.sim().port())), out, err);
      assertNull(busy.sim());
      assertEquals(1, busy.exitCode());
      assertEquals(1, err().lines().count(), err());
      assertTrue(err().startsWith("sim-vllm: cannot listen on 127.0.0.1:" + l.sim().port()), err());
    } finally {
      await(l.vertx().close());
    }
  }
}
