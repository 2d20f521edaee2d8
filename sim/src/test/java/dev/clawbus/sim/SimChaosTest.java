package dev.clawbus.sim;

import static dev.clawbus.sim.SimClient.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SimChaosTest extends SimTestBase {

  @BeforeAll
  static void start() {
    startSim(SimOptions.defaults().withPort(0).withTtftMs(1).withTokensPerSecond(1000)
        .withAdminPort(0), 8);
  }

  @AfterEach
  void reset() {
    await(sim.chaos().reset());
  }


  static JsonObject chat(String text) {
    return new JsonObject().put("model", "clawbus-sim").put("stream", true)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  /** The listener's close can trail its future by a moment on a busy machine. */
  static boolean refusedWithin(int p, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!refused(p)) {
      if (System.currentTimeMillis() > deadline) return false;
      Thread.sleep(5);
    }
    return true;
  }

  static boolean refused(int p) {
    try (Socket s = new Socket("127.0.0.1", p)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void crashMidStreamCutsTheConnectionAndRefusesUntilBack() throws Exception {
    await(sim.chaos().crashAfterTokens(7, 1_500)); // down long enough to be seen down on a busy machine
    SimClient.Sse cut = await(client.stream(port, chat("[[sim words=100]]")));
    assertFalse(cut.ended(), "the stream must not end cleanly");
    assertNotNull(cut.failure());
    assertEquals(1 + 7, cut.data().size(), "role chunk and exactly 7 tokens before the crash");
    assertFalse(cut.data().contains("[DONE]"));
    assertTrue(refusedWithin(port, 500), "port must refuse connections while down (its close may trail the cut)");
    assertFalse(sim.isUp());
    assertThrows(ConnectException.class, () -> client.stream(port, chat("x")).await(5, TimeUnit.SECONDS));

    long deadline = System.currentTimeMillis() + 5000;
    while (refused(port) && System.currentTimeMillis() < deadline) Thread.sleep(20);
    assertFalse(refused(port), "back after the down time");
    SimClient.Sse after = await(client.stream(port, chat("[[sim words=5]]")));
    assertTrue(after.ended());
    assertEquals(5, after.content().split(" ").length);
    JsonObject stats = sim.stats();
    assertEquals(1, stats.getLong("crashes"));
    assertEquals(1, stats.getLong("aborted"));
  }

  @Test
  void crashNowStaysDownUntilRestart() throws Exception {
    Promise<Void> first = Promise.promise();
    Future<SimClient.Sse> running = client.stream(port, chat("[[sim words=200 tps=100]]"), first);
    await(first.future());
    await(sim.chaos().crashNow(-1));
    assertFalse(await(running).ended());
    assertTrue(refusedWithin(port, 500));
    Thread.sleep(300); // shows that something does not happen: it does not come back by itself
    assertTrue(refused(port), "no down time given: stays down");
    assertThrows(ConnectException.class,
        () -> client.send(HttpMethod.GET, port, "/health", null).await(5, TimeUnit.SECONDS));
    await(sim.chaos().restart());
    assertEquals(200, await(client.send(HttpMethod.GET, port, "/health", null)).status());
  }

  @Test
  void unavailableForLooksLikeLoading() throws Exception {
    long t0 = System.nanoTime();
    await(sim.chaos().unavailableFor(800));
    assertTrue(refusedWithin(port, 500), "down right after unavailableFor");
    long until = System.currentTimeMillis() + 5_000;
    while (refused(port) && System.currentTimeMillis() < until) Thread.sleep(10);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 800 && ms < 5000, "down for " + ms + " ms");
    assertEquals(200, await(client.send(HttpMethod.GET, port, "/health", null)).status());
  }

  @Test
  void failNextFailsExactlyKRequests() {
    await(sim.chaos().failNext(2, 503));
    for (int i = 0; i < 2; i++) {
      SimClient.Sse e = await(client.stream(port, chat("[[sim words=3]]")));
      assertEquals(503, e.status());
      assertEquals("error", new JsonObject(e.body()).getString("object"));
    }
    assertEquals(200, await(client.stream(port, chat("[[sim words=3]]"))).status());
  }

  @Test
  void hangStopsTokensButKeepsTheConnection() throws Exception {
    await(sim.chaos().hangAfterTokens(3));
    Promise<Void> first = Promise.promise();
    Future<SimClient.Sse> hung = client.stream(port, chat("[[sim words=10]]"), first);
    await(first.future());
    assertThrows(TimeoutException.class, () -> hung.await(300, TimeUnit.MILLISECONDS));
    assertEquals(1, sim.stats().getInteger("running"));
    await(sim.chaos().resume());
    SimClient.Sse done = await(hung);
    assertTrue(done.ended());
    assertEquals(10, done.content().split(" ").length);
  }

  @Test
  void adminEndpointsDriveChaosFromAnotherProcess() throws Exception {
    int admin = sim.adminPort();
    assertTrue(admin > 0);
    assertEquals(200, await(client.send(HttpMethod.POST, admin, "/sim/fail?count=1&status=500", null)).status());
    assertEquals(500, await(client.stream(port, chat("x"))).status());
    assertEquals(200, await(client.stream(port, chat("[[sim words=2]]"))).status());

    // crash ordered over the main port: the reply still arrives
    assertEquals(200, await(client.send(HttpMethod.POST, port, "/sim/crash", null)).status());
    long deadline = System.currentTimeMillis() + 3000;
    while (!refused(port) && System.currentTimeMillis() < deadline) Thread.sleep(10);
    assertTrue(refused(port));
    JsonObject stats = new JsonObject(await(client.send(HttpMethod.GET, admin, "/sim/stats", null)).body());
    assertEquals(false, stats.getBoolean("up"));
    assertEquals(200, await(client.send(HttpMethod.POST, admin, "/sim/up", null)).status());
    assertFalse(refused(port));
    // on the admin port the reply means done
    assertEquals(200, await(client.send(HttpMethod.POST, admin, "/sim/unavailable?ms=5000", null)).status());
    assertTrue(refusedWithin(port, 500));
    assertEquals(200, await(client.send(HttpMethod.POST, admin, "/sim/up", null)).status());
    assertFalse(refused(port));

    assertEquals(200, await(client.send(HttpMethod.POST, admin, "/sim/crash?after_tokens=2&down_ms=100", null))
        .status());
    SimClient.Sse cut = await(client.stream(port, chat("[[sim words=50]]")));
    assertEquals(3, cut.data().size());
    assertFalse(cut.ended());

    assertEquals(200, await(client.send(HttpMethod.POST, admin, "/sim/reset", null)).status());
    assertFalse(refused(port));
    assertEquals(new JsonArray(), new JsonArray(await(client.send(HttpMethod.GET, admin, "/sim/requests", null))
        .body()));
    assertEquals(400, await(client.send(HttpMethod.POST, admin, "/sim/fail?status=abc", null)).status());
  }

  @Test
  void clientDisconnectCountsAsAborted() throws Exception {
    long before = sim.stats().getLong("aborted");
    var stream = client.onLoop(() -> client.http.request(HttpMethod.POST, port, "127.0.0.1", "/v1/chat/completions")
        .compose(req -> req.send(chat("[[sim words=500 tps=100]]").toBuffer())))
        .await(5, TimeUnit.SECONDS);
    stream.request().connection().close();
    long deadline = System.currentTimeMillis() + 3000;
    while (sim.stats().getLong("aborted") == before && System.currentTimeMillis() < deadline) Thread.sleep(10);
    assertEquals(before + 1, sim.stats().getLong("aborted"));
    assertEquals(0, sim.stats().getInteger("running"));
  }
}
