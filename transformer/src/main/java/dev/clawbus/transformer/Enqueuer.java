package dev.clawbus.transformer;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.lifecycle.Transition;
import dev.clawbus.infra.node.DurabilityGates;
import dev.clawbus.infra.node.NodeServices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a request whose record is claimed: hands it to this node's scheduler and, at the same time, writes it to
 * Kafka {@link Topics#REQUESTS}; resolves once Kafka has it (the run's output waits for the same moment). Used by
 * the transformer for new requests and by replays of failed ones. Call it on a Vert.x context.
 */
public final class Enqueuer {
  private static final Logger LOG = LoggerFactory.getLogger(Enqueuer.class);

  private final Vertx vertx;
  private final NodeServices node;

  public Enqueuer(Vertx vertx, NodeServices node) {
    this.vertx = vertx;
    this.node = node;
  }

  /** Creates the record of a request that cannot exist yet (a new id), then starts it. */
  public Future<Submission.Queued> createAndStart(RequestEnvelope env) {
    return node.store().create(RequestRecord.queued(env, node.member(), node.nodeName())).compose(out -> out.changed()
        ? start(env, Map.of())
        : Future.failedFuture(new IllegalStateException("request " + env.key() + " exists already")));
  }

  /**
   * Hands the claimed request to this node's dispatcher and, at the same time, to Kafka; replies once Kafka
   * has it. A request Kafka refuses fails (the dispatcher drops its run: nothing was shown to the client).
   */
  public Future<Submission.Queued> start(RequestEnvelope env, Map<String, String> headers) {
    if (!durable()) {
      return keep(env).map(v -> {
        vertx.eventBus().send(Addresses.DISPATCH, env);
        return queued(env, headers);
      });
    }
    CompletableFuture<Void> gate = node.gates().open(env.key());
    vertx.eventBus().send(Addresses.DISPATCH, env);
    return write(env, headers, gate);
  }

  /**
   * Hands a new request to this node's dispatcher before its record exists, so that vLLM is called while the id
   * is claimed, the record made and Kafka written: only for an id generated here, which no other request can hold.
   * The run is marked started once {@link #recorded} says so, and shows output once Kafka has the request; a
   * request that does not get recorded (a duplicate) must be {@link DurabilityGates.Gate#fail failed}: its run is
   * cancelled unseen.
   */
  public DurabilityGates.Gate startAhead(RequestEnvelope env) {
    DurabilityGates.Gate gate = node.gates().openBeforeRecord(env.key());
    vertx.eventBus().send(Addresses.DISPATCH, env);
    return gate;
  }

  /** The request started ahead is recorded: opens its run's start, then makes it durable as {@link #start} does. */
  public Future<Submission.Queued> recorded(RequestEnvelope env, Map<String, String> headers,
      DurabilityGates.Gate gate) {
    gate.recorded().complete(null);
    if (durable()) {
      return write(env, headers, gate.durable());
    }
    return keep(env).map(v -> {
      gate.durable().complete(null);
      return queued(env, headers);
    });
  }

  private boolean durable() {
    return node.config().durable() && node.producer() != null;
  }

  private static Submission.Queued queued(RequestEnvelope env, Map<String, String> headers) {
    return new Submission.Queued(env.completionId(), env.created(), env.model(), env.apiRequest(), headers);
  }

  /** Not in Kafka: a Responses request's envelope is kept where any node can read its answer back. */
  private Future<Void> keep(RequestEnvelope env) {
    return env.api() == Api.RESPONSES ? node.envelopes().keep(env).recover(err -> {
      LOG.warn("request {}: envelope not kept ({}); it can be answered now, not read back later", env.key(),
          err.toString());
      return Future.succeededFuture();
    }) : Future.succeededFuture();
  }

  /** Writes the request to Kafka; the gate opens (and the reply comes) when Kafka has it. */
  private Future<Submission.Queued> write(RequestEnvelope env, Map<String, String> headers,
      CompletableFuture<Void> gate) {
    Submission.Queued queued = queued(env, headers);
    Context ctx = vertx.getOrCreateContext();
    Promise<Submission.Queued> done = Promise.promise();
    try {
      node.producer().send(new ProducerRecord<>(Topics.REQUESTS, env.key(), env.encode()), (md, err) -> {
        if (err == null) gate.complete(null); else gate.completeExceptionally(err);
        ctx.runOnContext(v -> {
          if (err == null) {
            done.complete(queued);
            node.store().apply(env.key(), new Transition.Locate(md.partition(), md.offset(), System.currentTimeMillis()));
          } else {
            notQueued(env, err, done);
          }
        });
      });
    } catch (RuntimeException e) {
      gate.completeExceptionally(e);
      notQueued(env, e, done);
    }
    return done.future();
  }

  /** The dispatcher sees the gate fail too: it drops the run and records the failure. */
  private static void notQueued(RequestEnvelope env, Throwable err, Promise<Submission.Queued> done) {
    LOG.warn("request {} not queued: Kafka refused it: {}", env.key(), err.toString());
    done.fail(OpenAiError.server(503, "queue_unavailable",
        "clawbus could not make the request durable (Kafka unavailable); retry."));
  }}
