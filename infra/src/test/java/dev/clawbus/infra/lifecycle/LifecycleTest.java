package dev.clawbus.infra.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The request state machine, without a network: every transition, every refusal, and races between them. */
class LifecycleTest {
  static final ErrorInfo CANCEL = new ErrorInfo(499, "request_cancelled", "cancelled", "The request was cancelled.");
  static final ErrorInfo BOOM = new ErrorInfo(503, "service_unavailable", "vllm_unavailable", "gone");

  static RequestRecord queued(String owner) {
    RequestEnvelope env = new RequestEnvelope("r1", "team-a", Api.CHAT, "m", "chatcmpl-r1", 1, true, false, false,
        "auto", "split", new JsonObject(), 1000, 61_000, owner, null, null, null, 10);
    return RequestRecord.queued(env, owner, "node-" + owner);
  }

  static RequestRecord apply(RequestRecord r, Transition t) {
    Lifecycle.Outcome o = Lifecycle.apply(r, t);
    assertTrue(o.ok(), () -> "refused: " + o.refused());
    return o.record();
  }

  static String refusal(RequestRecord r, Transition t) {
    Lifecycle.Outcome o = Lifecycle.apply(r, t);
    assertFalse(o.changed(), "refused transitions change nothing");
    return o.refused();
  }

  @Test
  void theLegalMovesAndNoMoveOutOfATerminalStatus() {
    for (Status from : Status.values()) {
      for (Status to : Status.values()) {
        boolean legal = switch (from) {
          case QUEUED -> EnumSet.of(Status.RUNNING, Status.CANCELLED, Status.FAILED).contains(to);
          case RUNNING -> EnumSet.of(Status.DONE, Status.FAILED, Status.CANCELLED, Status.QUEUED).contains(to);
          default -> false;
        };
        assertEquals(legal, from.canMoveTo(to), from + " -> " + to);
      }
    }
    assertEquals(Status.DONE, Status.parse("done"));
    assertThrows(IllegalArgumentException.class, () -> Status.parse("finished"));
  }

  @Test
  void aRequestRunsOnceAndEndsOnce() {
    RequestRecord q = queued("A");
    assertEquals("exists", refusal(q, new Transition.Create(q, 2)));
    RequestRecord created = apply(null, new Transition.Create(q, 2));
    assertEquals(Status.QUEUED, created.status());
    RequestRecord running = apply(created, new Transition.Start("A", "node-A", 5));
    assertEquals(Status.RUNNING, running.status());
    assertEquals(1, running.attempts());
    assertEquals(5L, running.startedAt());
    assertTrue(refusal(running, new Transition.Start("A", "node-A", 6)).startsWith("not queued"));
    RequestRecord done = apply(running, new Transition.Finish("A", Status.DONE, null, 100, 7, 9));
    assertEquals(Status.DONE, done.status());
    assertEquals(9L, done.finishedAt());
    assertEquals(7, done.completionTokens());
    assertNull(done.error());
    assertTrue(refusal(done, new Transition.Finish("A", Status.FAILED, BOOM, null, null, 10)).startsWith("not running"));
    assertTrue(refusal(done, new Transition.Takeover("A", "B", "node-B", CANCEL, 10)).startsWith("already"));
    assertTrue(Lifecycle.apply(done, new Transition.Cancel(CANCEL, 11)).ok(), "cancelling a finished one is a no-op");
    assertEquals(Status.DONE, Lifecycle.apply(done, new Transition.Cancel(CANCEL, 11)).record().status());
    assertThrows(IllegalArgumentException.class,
        () -> Lifecycle.apply(running, new Transition.Finish("A", Status.RUNNING, null, null, null, 1)));
  }

  @Test
  void onlyItsHolderStartsOrFinishesIt() {
    RequestRecord q = queued("A");
    assertEquals("held by another member", refusal(q, new Transition.Start("B", "node-B", 2)));
    RequestRecord running = apply(q, new Transition.Start("A", "node-A", 2));
    assertEquals("held by another member", refusal(running, new Transition.Finish("B", Status.DONE, null, null,
        null, 3)));
    assertEquals("no such request", refusal(null, new Transition.Start("A", "node-A", 2)));
  }

  /** A finished record keeps an error only when it did not succeed, and usage only when some was counted. */
  @Test
  void finishingKeepsTheErrorOfAFailureAndTheUsageThatWasCounted() {
    RequestRecord running = apply(queued("A"), new Transition.Start("A", "node-A", 1));
    RequestRecord done = apply(running, new Transition.Finish("A", Status.DONE, BOOM, null, 5, 2));
    assertNull(done.error(), "a success carries no error");
    assertEquals(5, done.completionTokens());
    RequestRecord failed = apply(running, new Transition.Finish("A", Status.FAILED, BOOM, null, null, 2));
    assertEquals(BOOM, failed.error());
    assertNull(failed.completionTokens());
    assertNull(failed.promptTokens());
    Lifecycle.Outcome none = Lifecycle.apply(null, new Transition.Start("A", "node-A", 1));
    assertFalse(none.ok());
    assertNull(none.record());
    assertEquals("no such request", none.refused());
    assertFalse(Lifecycle.apply(done, new Transition.Start("A", "node-A", 3)).ok(), "a refusal is not ok");
  }

  @Test
  void aCancelledQueuedRequestNeverRuns() {
    RequestRecord cancelled = apply(queued("A"), new Transition.Cancel(CANCEL, 3));
    assertEquals(Status.CANCELLED, cancelled.status());
    assertEquals(CANCEL, cancelled.error());
    assertTrue(refusal(cancelled, new Transition.Start("A", "node-A", 4)).startsWith("not queued"));
  }

  @Test
  void aCancelWhileRunningIsNotedAndSurvivesTheHolder() {
    RequestRecord running = apply(queued("A"), new Transition.Start("A", "node-A", 2));
    RequestRecord noted = apply(running, new Transition.Cancel(CANCEL, 3));
    assertEquals(Status.RUNNING, noted.status(), "its holder ends it");
    assertTrue(noted.cancelRequested());
    assertFalse(Lifecycle.apply(noted, new Transition.Cancel(CANCEL, 4)).changed(), "noted once");
    RequestRecord ended = apply(noted, new Transition.Finish("A", Status.CANCELLED, CANCEL, null, null, 5));
    assertEquals(Status.CANCELLED, ended.status());
    // The holder died before it could end it: whoever takes it over ends it cancelled instead of running it.
    RequestRecord taken = apply(noted, new Transition.Takeover("A", "B", "node-B", CANCEL, 6));
    assertEquals(Status.CANCELLED, taken.status());
    assertEquals(CANCEL, taken.error());
  }

  @Test
  void aDeletedRequestStaysDeletedAndNeverRunsAgain() {
    RequestRecord running = apply(queued("A"), new Transition.Start("A", "node-A", 2));
    RequestRecord done = apply(running, new Transition.Finish("A", Status.DONE, null, 3, 4, 5));
    RequestRecord gone = apply(done, new Transition.Delete(CANCEL, 6));
    assertTrue(gone.deleted());
    assertEquals(Status.DONE, gone.status(), "a finished answer keeps its status");
    assertEquals(6L, gone.updatedAt());
    assertFalse(Lifecycle.apply(gone, new Transition.Delete(CANCEL, 7)).changed(), "deleted once");
    assertTrue(RequestRecord.fromJson(gone.toJson()).deleted(), "the mark survives Kafka and a rebuild");
    assertFalse(RequestRecord.fromJson(done.toJson()).deleted());

    RequestRecord queuedGone = apply(queued("A"), new Transition.Delete(CANCEL, 3));
    assertEquals(Status.CANCELLED, queuedGone.status(), "a queued one is cancelled: it never runs");
    assertTrue(queuedGone.deleted());
    assertTrue(refusal(queuedGone, new Transition.Start("A", "node-A", 4)).startsWith("not queued"));

    RequestRecord runningGone = apply(running, new Transition.Delete(CANCEL, 3));
    assertEquals(Status.RUNNING, runningGone.status(), "its holder ends it");
    assertTrue(runningGone.cancelRequested() && runningGone.deleted());
    RequestRecord ended = apply(runningGone, new Transition.Finish("A", Status.CANCELLED, CANCEL, null, null, 4));
    assertTrue(ended.deleted(), "finishing keeps the mark");
    RequestRecord taken = apply(runningGone, new Transition.Takeover("A", "B", "node-B", CANCEL, 4));
    assertEquals(Status.CANCELLED, taken.status(), "a taker ends it cancelled");
    assertTrue(taken.deleted());
  }

  @Test
  void takeoverPutsItBackInAQueueOnTheTaker() {
    RequestRecord running = apply(queued("A"), new Transition.Start("A", "node-A", 2));
    RequestRecord taken = apply(running, new Transition.Takeover("A", "B", "node-B", CANCEL, 3));
    assertEquals(Status.QUEUED, taken.status());
    assertEquals("B", taken.owner());
    assertEquals("node-B", taken.node());
    assertEquals("held by another member", refusal(taken, new Transition.Takeover("A", "C", "node-C", CANCEL, 4)),
        "a second taker loses");
    RequestRecord again = apply(taken, new Transition.Start("B", "node-B", 5));
    assertEquals(2, again.attempts());
  }

  @Test
  void failingWhatNeverRanAndNotingPositions() {
    RequestRecord failed = apply(queued("A"), new Transition.FailQueued(BOOM, 4));
    assertEquals(Status.FAILED, failed.status());
    assertEquals(BOOM, failed.error());
    assertTrue(refusal(apply(queued("A"), new Transition.Start("A", "n", 1)), new Transition.FailQueued(BOOM, 2))
        .startsWith("not queued"));
    RequestRecord located = apply(queued("A"), new Transition.Locate(3, 42, 5));
    assertEquals(3, located.kafkaPartition());
    assertEquals(42L, located.kafkaOffset());
    assertEquals(Status.QUEUED, located.status());
    assertEquals("2:17", apply(failed, new Transition.AnswerSpilled("2:17", 6)).answerRef());
  }

  @Test
  void recordsRoundTripThroughTheirCodec() {
    RequestRecord r = apply(apply(queued("A"), new Transition.Start("A", "node-A", 2)),
        new Transition.Finish("A", Status.FAILED, BOOM, 3, 4, 9)).withKafka(1, 2, 9);
    assertEquals(r, RequestRecord.decode(r.encode()));
    assertThrows(IllegalArgumentException.class, () -> RequestRecord.decode("{\"id\":1}"));
    assertThrows(IllegalArgumentException.class, () -> RequestRecord.decode("[]"));
    assertFalse(r.publicView().containsKey("owner"), "the holder's member id is not shown to clients");
  }

  /**
   * Many members race to move one record: exactly one start wins, and a cancel and a start never both win. The
   * store applies transitions atomically per key; a ConcurrentHashMap's compute has the same guarantee without a
   * network, so the rules themselves are what is checked here.
   */
  @Test
  void racingTransitionsHaveExactlyOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 200; round++) {
        ConcurrentHashMap<String, RequestRecord> map = new ConcurrentHashMap<>();
        map.put("k", queued("A"));
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger cancels = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          boolean cancel = i % 2 == 0;
          all.add(pool.submit(() -> {
            go.await();
            Transition t = cancel ? new Transition.Cancel(CANCEL, 5) : new Transition.Start("A", "node-A", 5);
            Lifecycle.Outcome[] out = new Lifecycle.Outcome[1];
            map.compute("k", (k, cur) -> {
              out[0] = Lifecycle.apply(cur, t);
              return out[0].record();
            });
            if (out[0].changed()) (cancel ? cancels : starts).incrementAndGet();
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : all) f.get(10, TimeUnit.SECONDS);
        RequestRecord end = map.get("k");
        if (end.status() == Status.CANCELLED) {
          assertEquals(0, starts.get(), "a cancelled request never started");
          assertEquals(1, cancels.get());
        } else {
          assertEquals(Status.RUNNING, end.status());
          assertEquals(1, starts.get(), "exactly one start wins");
          assertTrue(end.cancelRequested() == (cancels.get() == 1), "a cancel after the start is noted once");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
