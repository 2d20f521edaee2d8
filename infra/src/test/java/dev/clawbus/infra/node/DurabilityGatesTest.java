package dev.clawbus.infra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The handshake between the transformer and a dispatcher: its two moments, failures, and nothing left behind. */
class DurabilityGatesTest {
  static Vertx vertx;
  static Context ctx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ctx = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static boolean succeeds(Future<Void> f) throws Exception {
    try {
      f.await(10, TimeUnit.SECONDS);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  @Test
  void withoutAGateARequestIsRecordedAndDurable() {
    DurabilityGates gates = new DurabilityGates();
    assertTrue(gates.recorded("k", ctx).succeeded());
    assertTrue(gates.await("k", ctx).succeeded());
  }

  @Test
  void aRequestStartedAheadIsRecordedThenDurableAndThenForgotten() throws Exception {
    DurabilityGates gates = new DurabilityGates();
    DurabilityGates.Gate g = gates.openBeforeRecord("k");
    Future<Void> recorded = gates.recorded("k", ctx);
    Future<Void> durable = gates.await("k", ctx);
    assertFalse(recorded.isComplete());
    g.recorded().complete(null);
    assertTrue(succeeds(recorded));
    assertFalse(durable.isComplete(), "recorded is not durable");
    g.durable().complete(null);
    assertTrue(succeeds(durable));
    assertEquals(0, gates.size());
  }

  @Test
  void aRequestNeverRecordedFailsBothMomentsAndLeavesNothing() throws Exception {
    DurabilityGates gates = new DurabilityGates();
    DurabilityGates.Gate g = gates.openBeforeRecord("k");
    Future<Void> recorded = gates.recorded("k", ctx);
    g.fail(new IllegalStateException("a duplicate"));
    assertFalse(succeeds(recorded));
    assertTrue(g.durable().isCompletedExceptionally());
    assertEquals(0, gates.size(), "the run ends after that look: nothing waits for the gate");
  }

  /** A start that looked at the recorded moment must not make a later look at the durable one see no gate. */
  @Test
  void aDurableFailureIsSeenByTheLaterLookEvenAfterTheRecordedLook() throws Exception {
    DurabilityGates gates = new DurabilityGates();
    CompletableFuture<Void> durable = gates.open("k");
    durable.completeExceptionally(new IllegalStateException("Kafka refused it"));
    assertTrue(succeeds(gates.recorded("k", ctx)), "its record exists");
    assertEquals(1, gates.size(), "a failed gate stays until its durable moment is looked at");
    assertFalse(succeeds(gates.await("k", ctx)));
    assertEquals(0, gates.size());
    assertTrue(succeeds(gates.await("k", ctx)), "forgotten once seen");
  }

  @Test
  void aGateThatFailsAfterItWasLookedAtIsForgotten() throws Exception {
    DurabilityGates gates = new DurabilityGates();
    CompletableFuture<Void> durable = gates.open("k");
    Future<Void> look = gates.await("k", ctx);
    durable.completeExceptionally(new IllegalStateException("Kafka refused it"));
    assertFalse(succeeds(look));
    assertEquals(0, gates.size());
  }
}
