package dev.clawbus.sim;

import static dev.clawbus.sim.SimClient.await;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;

/** Base of the simulator tests that run one simulator with their own options and a client. */
abstract class SimTestBase {
  static Vertx vertx;
  static VllmSimulator sim;
  static SimClient client;
  static int port;

  static void startSim(SimOptions options, int connections) {
    vertx = Vertx.vertx();
    sim = new VllmSimulator(vertx, options);
    port = await(sim.start());
    client = new SimClient(vertx, connections);
  }

  @AfterAll
  static void stopSim() {
    await(sim.stop());
    await(vertx.close());
  }
}
