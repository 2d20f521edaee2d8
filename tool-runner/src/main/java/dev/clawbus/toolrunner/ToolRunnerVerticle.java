package dev.clawbus.toolrunner;

import dev.clawbus.infra.Failures;
import dev.clawbus.infra.Version;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.exec.ExecAudit;
import dev.clawbus.infra.contract.exec.ExecErrors;
import dev.clawbus.infra.contract.exec.ExecEvent;
import dev.clawbus.infra.contract.exec.ExecRequest;
import dev.clawbus.infra.contract.exec.ExecResult;
import dev.clawbus.infra.contract.exec.NodeInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node host's only verticle: registers the node in the {@link NodeRegistry} and heartbeats, and runs the exec
 * requests sent to {@link Addresses#exec(String)}: signature, timestamp and nonce checked ({@link RequestVerifier}),
 * the policy decides ({@link ExecPolicy}), a {@code start} audit record must be acknowledged before the process
 * starts, output is streamed to the request's {@code streamTo} address, and the signed {@link ExecResult} is the
 * reply. A refusal fails the message with the HTTP status and an OpenAI error body ({@link ExecErrors}).
 */
public final class ToolRunnerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ToolRunnerVerticle.class);
  private static final long AUDIT_START_TIMEOUT_MS = 10_000;
  private static final int AUDIT_RETRIES = 8;
  private static final long STOP_WAIT_MS = 10_000;

  /**
   * @param name           the node's name
   * @param workdir        default working directory; request workdirs are relative to it
   * @param policy         what may run
   * @param maxOutputBytes cap per stream
   * @param maxConcurrent  commands at once
   * @param signer         the shared secret's signer
   * @param audit          where audit records go
   * @param lookup         the node's PATH
   * @param clock          for timestamps and the nonce window
   * @param staleAfter     registry: heartbeat age after which a node is gone
   */
  public record Setup(String name, Path workdir, ExecPolicy policy, int maxOutputBytes, int maxConcurrent,
      ExecSigner signer, AuditLog audit, PathLookup lookup, Clock clock, Duration staleAfter) {}

  private record Job(ExecRequest request, Message<Object> message, ExecAudit started, long startedAt) {}

  private final Setup setup;
  private final RequestVerifier verifier;
  /** Looked up by the deploying thread: a name lookup may block, which an event loop must not. */
  private final String host = hostName();
  private final Map<String, Job> running = new LinkedHashMap<>();
  private ProcessRunner runner;
  private NodeRegistry registry;
  private NodeInfo info;
  private EventBus bus;
  private Context context;
  private MessageConsumer<Object> consumer;
  private long heartbeatTimer = -1;
  private boolean stopping;
  private int pendingAudits;
  /** Commands started whose outcome has not been handled yet. */
  private int processes;

  public ToolRunnerVerticle(Setup setup) {
    this.setup = setup;
    this.verifier = new RequestVerifier(setup.signer(), setup.name(), setup.clock(), RequestVerifier.DEFAULT_MAX_SKEW,
        RequestVerifier.DEFAULT_MAX_NONCES);
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    context = vertx.getOrCreateContext();
    runner = new ProcessRunner(setup.lookup());
    if (!runner.killsProcessGroups()) {
      LOG.warn("setsid or kill not found on PATH: a timeout kills the command's descendants, not its process group");
    }
    registry = new NodeRegistry(vertx, ClusterSetup.hazelcast(vertx), setup.staleAfter());
    long now = registry.clusterTime();
    info = new NodeInfo(setup.name(), registry.localMember(), host, System.getProperty("os.name") + " "
        + System.getProperty("os.version") + " " + System.getProperty("os.arch"), setup.policy().mode().label(),
        Version.VERSION, now, now, 0, List.of());
    return registry.register(info).compose(v -> {
      consumer = bus.consumer(Addresses.exec(setup.name()), this::handle);
      return consumer.completion();
    }).onSuccess(v -> heartbeatTimer = vertx.setPeriodic(NodeRegistry.HEARTBEAT.toMillis(), t -> heartbeat()))
        .onFailure(e -> runner.close());
  }

  private void heartbeat() {
    List<NodeInfo.Running> now = new ArrayList<>();
    running.values().forEach(j -> now.add(NodeInfo.Running.of(j.request().id(), j.request().tenant(),
        j.request().command(), j.startedAt())));
    info = info.seen(registry.clusterTime(), now);
    registry.heartbeat(info).onFailure(e -> LOG.warn("node registry heartbeat failed: {}", Failures.oneLine(e)));
  }

  private void handle(Message<Object> msg) {
    long now = setup.clock().millis();
    if (!(msg.body() instanceof JsonObject b)) {
      OpenAiError e = ExecErrors.invalid(null, "an exec request is a JSON object");
      refuse(msg, e, ExecAudit.refused(now, null, null, setup.name(), null, ExecAudit.INVALID, e.getMessage()));
      return;
    }
    ExecRequest r;
    try {
      r = ExecRequest.fromJson(b);
    } catch (OpenAiError e) {
      refuse(msg, e, ExecAudit.refused(now, b.getValue("tenant") instanceof String t ? t : null,
          b.getValue("id") instanceof String id ? id : null, setup.name(),
          b.getValue("command") instanceof String c ? c : null, ExecAudit.INVALID, e.getMessage()));
      return;
    }
    String rejected = verifier.reject(r);
    if (rejected != null) {
      refuse(msg, ExecErrors.signatureRejected(rejected), refusal(r, ExecAudit.REJECTED, rejected));
      return;
    }
    if (stopping) {
      OpenAiError e = ExecErrors.nodeStopping(setup.name());
      refuse(msg, e, refusal(r, ExecAudit.BUSY, e.getMessage()));
      return;
    }
    if (running.containsKey(r.id())) {
      OpenAiError e = ExecErrors.invalid("id", "a command with request id " + r.id() + " is already running");
      refuse(msg, e, refusal(r, ExecAudit.INVALID, e.getMessage()));
      return;
    }
    if (running.size() >= setup.maxConcurrent()) {
      OpenAiError e = ExecErrors.busy(setup.name(), setup.maxConcurrent());
      refuse(msg, e, refusal(r, ExecAudit.BUSY, e.getMessage()));
      return;
    }
    // Reserve the slot now: the decision below runs off the event loop (it looks at the file system).
    Job reserved = new Job(r, msg, null, now);
    running.put(r.id(), reserved);
    vertx.executeBlocking(() -> prepare(r), false).onComplete(ar -> {
      Prepared p = ar.succeeded() ? ar.result()
          : new Prepared(null, null, ExecErrors.invalid("command", Failures.oneLine(ar.cause())));
      if (running.get(r.id()) != reserved) {
        return; // stop() answered it meanwhile
      }
      if (p.error() != null) {
        running.remove(r.id());
        String decision = p.error().status() == 403 ? ExecAudit.DENIED : ExecAudit.INVALID;
        refuse(msg, p.error(), refusal(r, decision, p.error().getMessage()));
        return;
      }
      ExecAudit started = ExecAudit.started(setup.clock().millis(), r.tenant(), r.id(), setup.name(), r.command(),
          p.decision().mode(), p.decision().executable());
      setup.audit().write(started).timeout(AUDIT_START_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(audited -> {
        if (running.get(r.id()) != reserved) {
          // stop() answered it meanwhile
          writeAudit(started.ended(setup.clock().millis(), null, 0, 0, 0, false, false, "not run: the node stopped"),
              0);
        } else if (audited.failed()) {
          running.remove(r.id());
          LOG.warn("exec {} not run: audit start record not written: {}", r.id(), Failures.oneLine(audited.cause()));
          msg.fail(503, ExecErrors.auditUnavailable(Failures.oneLine(audited.cause())).body().encode());
        } else {
          run(new Job(r, msg, started, setup.clock().millis()), p);
        }
      });
    });
  }

  private record Prepared(Path workdir, ExecPolicy.Decision decision, OpenAiError error) {}

  /** Blocking (file system): the working directory and the policy's decision. */
  private Prepared prepare(ExecRequest r) {
    Path workdir;
    try {
      workdir = r.workdir() == null ? setup.workdir() : setup.workdir().resolve(r.workdir()).normalize();
    } catch (InvalidPathException e) {
      return new Prepared(null, null, ExecErrors.invalid("workdir", "workdir '" + r.workdir() + "' is not a path"));
    }
    if (!Files.isDirectory(workdir)) {
      return new Prepared(null, null, ExecErrors.invalid("workdir", "workdir '" + r.workdir()
          + "' is not a directory on node '" + setup.name() + "'"));
    }
    ExecPolicy.Decision d = setup.policy().decide(r.command(), r.env(), workdir, setup.lookup());
    return switch (d.verdict()) {
      case ALLOWED -> new Prepared(workdir, d, null);
      case DENIED -> new Prepared(workdir, d, ExecErrors.denied(d.reason()));
      case INVALID -> new Prepared(workdir, d, ExecErrors.invalid("command", d.reason()));
    };
  }

  private void run(Job job, Prepared p) {
    ExecRequest r = job.request();
    running.put(r.id(), job);
    processes++;
    int[] seq = {0};
    ProcessRunner.Output output = r.streamTo() == null ? null : (stream, text) -> context.runOnContext(v ->
        bus.send(r.streamTo(), new ExecEvent(r.id(), seq[0]++, stream, text).encode()));
    CompletableFuture<ProcessRunner.Outcome> outcome;
    if (p.decision().executable() == null) {
      // full policy, a program that is not there: what a shell answers
      String msg = "clawbus: " + p.decision().argv().get(0) + ": command not found\n";
      outcome = CompletableFuture.completedFuture(new ProcessRunner.Outcome(127, "", msg, 0, msg.length(), false,
          false, 0));
      if (output != null) {
        output.write(ExecEvent.STDERR, msg);
      }
    } else {
      outcome = runner.start(new ProcessRunner.Spec(p.decision().argv(), p.workdir(), r.env(), r.stdin(),
          Duration.ofSeconds(r.timeoutSeconds()), setup.maxOutputBytes()), output);
    }
    Future.fromCompletionStage(outcome, context).onComplete(ar -> {
      // Queued behind the last output event on this context: the events count below is final.
      processes--;
      boolean stillPending = running.remove(r.id()) != null;
      if (ar.failed()) {
        String why = "the command could not be run: " + Failures.oneLine(ar.cause());
        writeAudit(job.started().ended(setup.clock().millis(), null, 0, 0, 0, false, false, why), 0);
        if (stillPending) {
          job.message().fail(500, OpenAiError.server(500, "exec_failed", why).body().encode());
        }
        return;
      }
      ProcessRunner.Outcome o = ar.result();
      writeAudit(job.started().ended(setup.clock().millis(), o.exitCode(), o.durationMs(), o.stdoutBytes(),
          o.stderrBytes(), o.timedOut(), o.truncated(), stillPending ? null : "killed: the node stopped"), 0);
      if (stillPending) {
        ExecResult result = new ExecResult(r.id(), setup.name(), o.exitCode(), o.stdout(), o.stderr(),
            o.durationMs(), o.timedOut(), o.truncated(), o.stdoutBytes(), o.stderrBytes(), seq[0], null);
        job.message().reply(setup.signer().signResult(r, result).toJson());
      }
    });
  }

  private ExecAudit refusal(ExecRequest r, String decision, String reason) {
    return ExecAudit.refused(setup.clock().millis(), r.tenant(), r.id(), setup.name(), r.command(), decision, reason);
  }

  private void refuse(Message<Object> msg, OpenAiError e, ExecAudit record) {
    writeAudit(record, 0);
    msg.fail(e.status(), e.body().encode());
  }

  /**
   * Writes a record, retrying with backoff (about two minutes in all); a record that still cannot be written is
   * logged in full at ERROR, so it is never lost silently.
   */
  private void writeAudit(ExecAudit record, int attempt) {
    if (attempt == 0) {
      pendingAudits++;
    }
    setup.audit().write(record).onComplete(ar -> {
      if (ar.succeeded()) {
        pendingAudits--;
      } else if (attempt + 1 < AUDIT_RETRIES && !stopping) {
        vertx.setTimer(Math.min(30_000, 1000L << attempt), t -> writeAudit(record, attempt + 1));
      } else {
        pendingAudits--;
        LOG.error("exec audit record NOT written to Kafka ({}): {}", Failures.oneLine(ar.cause()),
            record.toJson().encode());
      }
    });
  }

  /**
   * Kills what still runs, answers those requests with 503, waits (up to 10 s) for their end records to be written,
   * and marks the node as left in the registry.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    for (Job job : List.copyOf(running.values())) {
      OpenAiError e = ExecErrors.nodeStopping(setup.name());
      job.message().fail(e.status(), e.body().encode());
    }
    running.clear();
    runner.killAll();
    Promise<Void> settled = Promise.promise();
    long until = System.currentTimeMillis() + STOP_WAIT_MS;
    awaitAudits(settled, until);
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered
        .eventually(() -> registry.heartbeat(info.left(registry.clusterTime())))
        .eventually(() -> settled.future())
        .eventually(() -> {
          runner.close();
          return setup.audit().close();
        });
  }

  private void awaitAudits(Promise<Void> done, long until) {
    if (processes <= 0 && pendingAudits <= 0 || System.currentTimeMillis() > until) {
      done.tryComplete();
    } else {
      vertx.setTimer(50, t -> awaitAudits(done, until));
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
