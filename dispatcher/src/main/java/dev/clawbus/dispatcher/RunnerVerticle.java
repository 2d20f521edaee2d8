package dev.clawbus.dispatcher;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RunCommand;
import dev.clawbus.infra.contract.RunEnded;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.JournalWriter;
import java.time.Duration;
import dev.clawbus.infra.lifecycle.Lifecycle;
import dev.clawbus.infra.lifecycle.RequestStore;
import dev.clawbus.infra.lifecycle.Transition;
import dev.clawbus.infra.metrics.ClawbusMetrics;
import dev.clawbus.infra.metrics.TenantMeters;
import dev.clawbus.infra.node.NodeServices;
import dev.clawbus.infra.contract.UsageRecord;
import dev.clawbus.infra.vllm.VllmEndpoint;
import dev.clawbus.parser.LoopGuard;
import dev.clawbus.toolrunner.ExecClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the requests the scheduler hands it ({@link RunCommand}), several at once, each as a
 * {@link ResponseRun}: takes the request (queued → running), feeds the journal, records how it ended, and
 * sends a failure for good to the dead-letter topic. A node runs several runners, one per core, so per-token
 * work spreads over the event loops. Whatever happens in a run, it ends: an error event, a terminal status,
 * and {@link RunEnded} to the scheduler.
 */
public final class RunnerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerVerticle.class);
  private static final int MAX_ATTEMPTS = 12;
  /**
   * How long after an answer's end it is archived (written to Kafka whole, its batches given the memory tail). Not at
   * once: the end of an answer is when its client's next request comes (an agent's loop sends the next turn as soon as
   * it has the last one), and that request's way to its first token must not queue behind a finished answer's
   * housekeeping (a Kafka write, a map operation per batch). Until then the answer is read from memory, as before.
   */
  static final long ARCHIVE_DELAY_MILLIS = 1_000;

  private final NodeServices node;
  private final String address;
  /** Runs the server-side tool loop's exec calls; null when exec is off ({@code serve} without the secret). */
  private final ExecClient exec;
  private LoopGuard loopGuard;
  private final Map<String, ResponseRun> running = new HashMap<>();
  /** One per runner: its runs share this verticle's event loop. */
  private final VllmChunkScanner scanner = new VllmChunkScanner();
  /** When each run of this runner started: its queue wait. */
  private final Map<String, Long> started = new HashMap<>();
  /** The journal writer of each run, so its answer is archived once all of it is stored. */
  private final Map<String, JournalWriter> writers = new HashMap<>();
  /** Ended answers waiting for {@link #ARCHIVE_DELAY_MILLIS}, by request key. */
  private final Map<String, PendingArchive> archiving = new HashMap<>();
  private boolean stopping;
  private ClawbusConfig config;
  private HttpClient http;
  private VllmEndpoint endpoint;
  private VllmHealth health;
  private ResponseCore.Settings settings;
  private RequestStore store;
  private Journal journal;

  public RunnerVerticle(NodeServices node, String address) {
    this(node, address, null);
  }

  /** @param exec the node's exec client, or null when exec is off */
  public RunnerVerticle(NodeServices node, String address, ExecClient exec) {
    this.node = node;
    this.address = address;
    this.exec = exec;
  }

  @Override
  public Future<?> start() {
    config = node.config();
    store = node.store();
    journal = node.journal();
    endpoint = VllmEndpoint.parse(config.vllmUrl());
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
        new PoolOptions().setHttp1MaxSize(config.maxInflight().fixed() + 8));
    health = new VllmHealth(vertx, http, endpoint);
    settings = new ResponseCore.Settings(config.stallSeconds() * 1000L, config.vllmWaitSeconds() * 1000L,
        MAX_ATTEMPTS);
    loopGuard = new LoopGuard(config.loopMaxRepeats(), config.loopMaxCallsPerTurn());
    vertx.eventBus().<String>consumer(Addresses.CANCEL, msg -> {
      ResponseRun run = running.get(msg.body());
      if (run != null) run.cancel();
    });
    return vertx.eventBus().<RunCommand>localConsumer(address, this::onRun).completion();
  }

  /**
   * Archives at once what waits for its delay (a node that stops must not leave answers it ended unarchived: their
   * batches would then live only for the retention), at most 10 s, then closes the HTTP client.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    List<Future<Void>> spills = new ArrayList<>();
    archiving.forEach((key, pending) -> {
      vertx.cancelTimer(pending.timer());
      spills.add(spill(key, pending.copies()));
    });
    archiving.clear();
    return Future.join(spills).timeout(10, TimeUnit.SECONDS).eventually(() -> http.close());
  }

  int running() {
    return running.size();
  }

  private void onRun(Message<RunCommand> msg) {
    RunCommand cmd = msg.body();
    String key = cmd.envelope().key();
    started.put(key, System.currentTimeMillis());
    try {
      if (cmd.fast()) {
        runFast(cmd);
      } else {
        take(cmd);
      }
    } catch (RuntimeException e) {
      crashed(cmd.envelope(), e, null);
    }
  }

  /**
   * The run could not even be made (a record this node cannot handle, a bug): the request still ends, with an
   * error event for its clients, a failed status and a dead letter, and its slot is freed. Nothing hangs.
   *
   * @param taken the start transition, when this node already asked for it (null: not yet)
   */
  private void crashed(RequestEnvelope env, Throwable cause, Future<Lifecycle.Outcome> taken) {
    LOG.error("request {}: could not run it", env.key(), cause);
    running.remove(env.key());
    OpenAiError e = OpenAiError.server(500, "internal_error", "clawbus failed while answering request " + env.id()
        + "; the failure is logged under that id.");
    Future<Lifecycle.Outcome> start = taken != null ? taken : markStarted(env);
    start.onComplete(ar -> {
      if (ar.failed() || !ar.result().ok()) {
        ended(env.key(), ar.succeeded() ? ar.result().record().status() : null);
        return;
      }
      long endedAt = System.currentTimeMillis();
      journal.endWithError(env.key(), e.status(), e.body().encode(), endedAt)
          .onComplete(x -> finish(env, ResponseRun.Outcome.failed(e, endedAt), true));
    });
  }

  /**
   * Marks the request running on this node, once its record exists (a new request can reach this verticle while
   * the transformer still makes its record: its vLLM call starts meanwhile). A request that never got a record
   * (a duplicate) fails here: its run ends unseen. The run started when this was asked, not when the record let it
   * be marked: a short answer can end before that, and its record must not say it finished before it started.
   */
  private Future<Lifecycle.Outcome> markStarted(RequestEnvelope env) {
    long startedAt = System.currentTimeMillis();
    return node.gates().recorded(env.key(), context)
        .compose(v -> store.apply(env.key(), new Transition.Start(node.member(), node.nodeName(), startedAt)));
  }

  /**
   * A new request: vLLM is called at once while the request becomes running and durable; the journal takes
   * its events (and the client sees them) only when both are done. If it was cancelled in the meantime, or
   * Kafka refused it, nothing of it is written or shown.
   */
  private void runFast(RunCommand cmd) {
    RequestEnvelope env = cmd.envelope();
    Future<Lifecycle.Outcome> taken = markStarted(env);
    Future<Void> durable = node.gates().await(env.key(), context);
    Future<Void> gate = Future.all(taken.compose(o -> o.ok() ? Future.succeededFuture()
        : Future.failedFuture("not taken: " + o.refused())), durable).mapEmpty();
    ResponseRun run;
    try {
      run = newRun(env, Journal.Read.EMPTY, gate);
    } catch (RuntimeException e) {
      durable.onComplete(x -> crashed(env, e, taken));
      return;
    }
    gate.onFailure(err -> {
      run.cancel();
      // Decided once the start transition has answered too (the gate fails as soon as either part does).
      taken.onComplete(t -> {
        if (t.succeeded() && t.result().ok()) {
          // Taken but never durable: the client got a 503; the record says why (no dead letter: not in Kafka).
          OpenAiError e = OpenAiError.server(503, "queue_unavailable", "Kafka did not accept the request");
          finish(env, ResponseRun.Outcome.failed(e), false);
        } else {
          ended(env.key(), t.succeeded() ? t.result().record().status() : null);
        }
      });
    });
    execute(env, run, gate);
  }

  /** A request that waited or is taken over: it is marked running first, and only then does vLLM hear of it. */
  private void take(RunCommand cmd) {
    RequestEnvelope env = cmd.envelope();
    markStarted(env).onComplete(ar -> {
      if (ar.failed() || !ar.result().ok()) {
        if (ar.failed()) LOG.warn("request {}: could not take it: {}", env.key(), ar.cause().toString());
        ended(env.key(), ar.succeeded() ? ar.result().record().status() : null);
        return;
      }
      Future<Journal.Read> recorded = cmd.resumed() ? journal.read(env.key()) : Future.succeededFuture(Journal.Read.EMPTY);
      recorded.onComplete(rec -> {
        try {
          if (rec.failed()) {
            LOG.warn("request {}: journal unreadable: {}", env.key(), rec.cause().toString());
            finish(env, ResponseRun.Outcome.failed(OpenAiError.server(503, "journal_unavailable",
                "clawbus could not read the answer so far")), true);
            return;
          }
          if (rec.result().recorded().terminal()) {
            // Its answer ended before its holder could record it: record what the journal says.
            finish(env, ResponseRun.Outcome.failed(null, rec.result().recorded().endedAt()), false);
            return;
          }
          Future<Void> gate = node.gates().await(env.key(), context);
          execute(env, newRun(env, rec.result(), gate), gate);
        } catch (RuntimeException e) {
          crashed(env, e, Future.succeededFuture(ar.result()));
        }
      });
    });
  }

  private ResponseRun newRun(RequestEnvelope env, Journal.Read read, Future<Void> gate) {
    JournalWriter writer = journal.writer(env.key(), read, env.replyTo(), gate);
    writers.put(env.key(), writer);
    return new ResponseRun(vertx, http, endpoint, health, env, settings, writer, read.recorded(),
        System::currentTimeMillis, scanner, execLoop(env), exec)
        .onTimeline((kind, detail) -> {
          if ("attempt_failed".equals(kind)) node.metrics().retry();
          if ("continued".equals(kind)) node.metrics().continuation();
          node.eventLog().timeline(env.key(), new TimelineEvent(System.currentTimeMillis(), kind, node.nodeName(),
              detail));
        });
  }

  /** The answer's tool loop when its tenant (first) or model names an exec node and exec is on; else null. */
  private ExecLoop execLoop(RequestEnvelope env) {
    if (exec == null) return null;
    String target = ExecLoop.nodeFor(node.tenants().tenant(env.tenant()).execNode(),
        config.model(env.model()).execNode());
    return target == null ? null : new ExecLoop(env, target, loopGuard);
  }

  /**
   * Runs the answer; its end is recorded once the request is durable (an answer can end before Kafka acknowledged
   * the request: a record must not say done for a request that may yet be refused and never shown). Not later than
   * that: a client that has the whole answer finds it done.
   */
  private void execute(RequestEnvelope env, ResponseRun run, Future<Void> gate) {
    running.put(env.key(), run);
    run.run().onComplete(ar -> {
      running.remove(env.key());
      gate.onComplete(g -> {
        if (g.failed()) return; // handled where the gate failed
        finish(env, ar.result(), true);
      });
    });
  }

  /**
   * Records the end of a run, at the time its terminal event carries (so the record and every rendering of the answer
   * agree; now when no event of this run ended it); a failure for good (not a cancel) also goes to the dead-letter
   * topic.
   */
  private void finish(RequestEnvelope env, ResponseRun.Outcome o, boolean deadLetter) {
    OpenAiError error = o.error();
    Status status = error == null ? Status.DONE
        : OpenAiError.isCancellation(error) ? Status.CANCELLED : Status.FAILED;
    ErrorInfo info = error == null ? null : ErrorInfo.of(error);
    long now = o.endedAt() > 0 ? o.endedAt() : System.currentTimeMillis();
    store.apply(env.key(), new Transition.Finish(node.member(), status, info, o.promptTokens(),
        o.completionTokens() == 0 && o.promptTokens() == null ? null : o.completionTokens(), now))
        .onComplete(ar -> {
          if (ar.failed() || !ar.result().ok()) {
            LOG.warn("request {}: could not record it {}: {}", env.key(), status.wire(),
                ar.failed() ? ar.cause().toString() : ar.result().refused());
          }
          if (status == Status.FAILED && deadLetter) {
            deadLetter(env, error, o.attempts());
          }
          account(env, status, error, o, now);
          ended(env.key(), status, o.tokens());
          archive(env.key());
        });
  }

  /**
   * The answer has ended: once all of it is stored, and {@link #ARCHIVE_DELAY_MILLIS} later, it is written to Kafka
   * whole and leaves memory after the memory tail; the request's record notes where it is. Failing that, the batches
   * keep their retention.
   */
  private void archive(String key) {
    JournalWriter w = writers.remove(key);
    Future<Void> stored = w == null ? Future.succeededFuture() : w.drained();
    stored.onComplete(v -> {
      // Read once all of it is stored: until then a writer can still pass its copy limit and drop the copies.
      List<byte[]> copies = w == null ? null : w.stored();
      if (stopping) {
        spill(key, copies);
        return;
      }
      long timer = vertx.setTimer(ARCHIVE_DELAY_MILLIS, t -> {
        archiving.remove(key);
        spill(key, copies);
      });
      archiving.put(key, new PendingArchive(timer, copies));
    });
  }

  private record PendingArchive(long timer, List<byte[]> copies) {}

  private Future<Void> spill(String key, List<byte[]> copies) {
    return journal.spill(key, Duration.ofSeconds(config.journalMemorySeconds()), copies)
        .compose(ref -> ref == null ? Future.<Void>succeededFuture()
            : store.apply(key, new Transition.AnswerSpilled(ref, System.currentTimeMillis())).<Void>mapEmpty())
        .onFailure(err -> LOG.warn("answer of {} stays in memory for the retention: {}", key, err.toString()));
  }

  /** Per-tenant accounting: metrics, and one usage record in Kafka per finished request. */
  private void account(RequestEnvelope env, Status status, OpenAiError error, ResponseRun.Outcome o, long now) {
    Long startedAt = started.remove(env.key());
    long queueWait = startedAt == null ? 0 : Math.max(0, startedAt - env.receivedAt());
    long ttft = o.firstOutputAt() < 0 ? -1 : Math.max(0, o.firstOutputAt() - env.receivedAt());
    long prompt = o.promptTokens() == null ? 0 : o.promptTokens();
    TenantMeters m = node.metrics().tenant(env.tenant());
    m.finished(switch (status) {
      case DONE -> ClawbusMetrics.Outcome.DONE;
      case CANCELLED -> ClawbusMetrics.Outcome.CANCELLED;
      default -> ClawbusMetrics.Outcome.FAILED;
    }, prompt, o.completionTokens());
    if (ttft >= 0) m.timeToFirstToken(ttft);
    if (o.firstOutputAt() >= 0 && o.completionTokens() > 0) m.generation(o.completionTokens(), now - o.firstOutputAt());
    if (error != null && status == Status.FAILED) m.error(error.code() == null ? "unknown" : error.code());
    if (node.producer() == null) return;
    UsageRecord usage = new UsageRecord(env.tenant(), env.id(), env.model(), prompt, o.completionTokens(), queueWait,
        ttft, now - env.receivedAt(), status.wire(), env.receivedAt(), now);
    try {
      node.producer().send(new ProducerRecord<>(Topics.USAGE, usage.key(), usage.encode()), (md, err) -> {
        if (err != null) LOG.warn("usage of {} not written: {}", env.key(), err.toString());
      });
    } catch (RuntimeException e) {
      LOG.warn("usage of {} not written: {}", env.key(), e.toString());
    }
  }

  private void deadLetter(RequestEnvelope env, OpenAiError error, int attempts) {
    if (node.producer() == null) return;
    DeadLetter dl = DeadLetter.of(env, ErrorInfo.of(error), attempts, node.nodeName(), System.currentTimeMillis());
    try {
      node.producer().send(dl.producerRecord(), (md, err) -> {
        if (err != null) LOG.error("could not write {} to the DLQ: {}", env.key(), err.toString());
      });
    } catch (RuntimeException e) {
      LOG.error("could not write {} to the DLQ: {}", env.key(), e.toString());
    }
  }

  private void ended(String key, Status status) {
    ended(key, status, 0);
  }

  private void ended(String key, Status status, long actualTokens) {
    started.remove(key);
    if (status == null || !status.terminal()) writers.remove(key);
    vertx.eventBus().send(Addresses.RUN_ENDED, new RunEnded(key, status, actualTokens));
  }
}
