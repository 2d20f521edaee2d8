package dev.clawbus.dispatcher;

import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.journal.JournalWriter;
import dev.clawbus.toolrunner.ExecClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O of the server-side tool loop of one answer, around its {@link ExecLoop}: makes each step durable in the
 * answer's journal before anything depends on it (a round's calls before the first runs, a call's start before it
 * is sent, its result before the next one or the next round), runs the calls on the node through the
 * {@link ExecClient}, shows each step to the client through the {@link ResponseCore}, and reports each outcome on
 * the request's timeline ({@code exec}). Runs on the run's context.
 */
final class ExecSteps {
  private static final Logger LOG = LoggerFactory.getLogger(ExecSteps.class);
  private static final int TIMELINE_COMMAND_CHARS = 200;

  private final ExecClient client;
  private final JournalWriter journal;
  private final ResponseCore core;
  private final ExecLoop loop;
  private final LongSupplier clock;
  private final BiConsumer<String, String> timeline;
  private final String key;

  ExecSteps(ExecClient client, JournalWriter journal, ResponseCore core, LongSupplier clock,
      BiConsumer<String, String> timeline, String key) {
    this.client = client;
    this.journal = journal;
    this.core = core;
    this.loop = core.loop();
    this.clock = clock;
    this.timeline = timeline;
    this.key = key;
  }

  /**
   * A round ended with exec calls ({@link ResponseCore#awaitingTools()}): completes with true when the next round
   * may ask vLLM, false when the answer ended here (other tools went to the client, the loop guard stopped it, a
   * cancel, or a step that could not be recorded).
   */
  Future<Boolean> afterRound() {
    ExecLoop.Decision d = core.endRound(clock.getAsLong());
    if (!(d instanceof ExecLoop.Run run)) {
      if (d instanceof ExecLoop.Stop) timeline.accept("exec", "loop guard stopped the tool loop");
      return Future.succeededFuture(false);
    }
    return record(run.records()).compose(ok -> ok ? calls() : Future.succeededFuture(false));
  }

  /** A taken-over answer whose last recorded round still has calls without results ({@link ResponseCore#toolsPending()}). */
  Future<Boolean> resume() {
    return calls();
  }

  private Future<Boolean> calls() {
    if (core.ended()) return Future.succeededFuture(false);
    ExecLoop.Step step = loop.next(clock.getAsLong());
    if (step instanceof ExecLoop.NextRound next) {
      core.beginRound(next.body());
      return Future.succeededFuture(true);
    }
    if (step instanceof ExecLoop.Resolved r) {
      return settle(r.outcome(), "call r" + r.call().round() + "c" + r.call().index());
    }
    ExecLoop.Execute e = (ExecLoop.Execute) step;
    core.showStep(e.visible());
    String what = clip(e.request().command());
    return record(List.of(e.started())).compose(ok -> {
      if (!ok || core.ended()) return Future.succeededFuture(false);
      return client.exec(e.request(), null).transform(ar -> {
        long now = clock.getAsLong();
        ExecLoop.Outcome o = ar.succeeded() ? loop.finished(e.call(), ar.result(), now)
            : loop.failed(e.call(), asError(ar.cause()), now);
        return settle(o, what);
      });
    });
  }

  private Future<Boolean> settle(ExecLoop.Outcome o, String what) {
    timeline.accept("exec", "node " + loop.node() + ": " + what + " -> " + o.timeline());
    core.showStep(o.visible());
    return record(List.of(o.record())).compose(ok -> ok ? calls() : Future.succeededFuture(false));
  }

  /** True once the records are durable; false (and the answer ended) when they could not be recorded. */
  private Future<Boolean> record(List<JsonObject> records) {
    return journal.steps(records).map(true).recover(err -> {
      LOG.warn("request {}: tool-loop step not recorded, the answer ends: {}", key, err.getMessage());
      core.toolLoopFailed();
      return Future.succeededFuture(false);
    });
  }

  private OpenAiError asError(Throwable t) {
    if (t instanceof OpenAiError e) return e;
    LOG.warn("request {}: exec failed unexpectedly: {}", key, t.toString());
    return OpenAiError.server(502, "exec_failed", "the exec call failed in clawbus; its outcome is unknown");
  }

  private static String clip(String s) {
    return s.length() <= TIMELINE_COMMAND_CHARS ? s : s.substring(0, TIMELINE_COMMAND_CHARS) + "…";
  }
}
