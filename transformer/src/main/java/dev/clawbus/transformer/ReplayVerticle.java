package dev.clawbus.transformer;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.IdGenerator;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.TimelineEvent;
import dev.clawbus.infra.lifecycle.ReplayLedger;
import dev.clawbus.infra.node.NodeServices;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays dead letters ({@link Addresses#REPLAY}): the original request is started again, through the same
 * {@link Enqueuer} as a new one (request store, scheduler, Kafka), under a new id of the same tenant whose
 * {@code replay_of} names the original, so the tenant's own key reads the new answer at {@code /v1/requests/{id}}.
 * Nobody waits on the new request: its answer goes to the journal. A request is replayed once: the
 * {@link ReplayLedger} claim decides cluster-wide, unless {@code force}; a {@code replayed} event on the original's
 * timeline in Kafka records it.
 */
public final class ReplayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayVerticle.class);

  private final NodeServices node;
  private final LongSupplier clock;
  private Enqueuer enqueuer;
  private ReplayLedger ledger;

  public ReplayVerticle(NodeServices node) {
    this(node, System::currentTimeMillis);
  }

  ReplayVerticle(NodeServices node, LongSupplier clock) {
    this.node = node;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    enqueuer = new Enqueuer(vertx, node);
    ledger = node.replays();
    return vertx.eventBus().<JsonObject>localConsumer(Addresses.REPLAY, this::handle).completion();
  }

  private void handle(Message<JsonObject> msg) {
    Future<JsonObject> reply;
    try {
      JsonObject body = msg.body();
      DeadLetter letter = DeadLetter.fromJson(body.getJsonObject("letter"));
      reply = replay(letter, Boolean.TRUE.equals(body.getValue("force")), Boolean.TRUE.equals(body.getValue("dry_run")));
    } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
      reply = Future.failedFuture(OpenAiError.invalidRequest("letter", "not a dead letter"));
    }
    reply.onSuccess(msg::reply).onFailure(err -> {
      OpenAiError e = err instanceof OpenAiError oe ? oe : OpenAiError.server(503, "replay_failed",
          "the request could not be started again now; retry.");
      if (!(err instanceof OpenAiError)) LOG.warn("replay failed: {}", err.toString());
      msg.fail(e.status(), e.body().encode());
    });
  }

  private Future<JsonObject> replay(DeadLetter letter, boolean force, boolean dryRun) {
    if (!letter.replayable()) {
      return Future.failedFuture(new OpenAiError(409, "invalid_request_error", "not_replayable", "ids",
          "dead letter " + letter.key() + " holds no readable request; it cannot be sent again."));
    }
    if (dryRun) {
      return ledger.replayOf(letter.key()).map(prev -> prev == null || force
          ? outcome("would_replay", null, prev == null ? null : "replaces replay " + prev)
          : skipped(prev));
    }
    String newId = IdGenerator.newRequestId();
    return ledger.claim(letter.key(), newId, force).compose(prev -> {
      if (prev != null && !force) return Future.succeededFuture(skipped(prev));
      long now = clock.getAsLong();
      RequestEnvelope env = replayEnvelope(letter.envelope(), newId, node.member(), now,
          node.config().vllmWaitSeconds() * 1000L);
      return enqueuer.createAndStart(env).map(q -> {
        node.eventLog().timeline(letter.key(), new TimelineEvent(now, TimelineEvent.REPLAYED, node.nodeName(), newId));
        LOG.info("request {} replayed as {}", letter.key(), env.key());
        return outcome("replayed", newId, prev == null ? null : "replaces replay " + prev);
      }).recover(err -> ledger.release(letter.key(), newId).transform(x -> Future.failedFuture(err)));
    });
  }

  private static JsonObject skipped(String previous) {
    return outcome("skipped", previous, "already replayed as " + previous + " (force replays it again)");
  }

  private static JsonObject outcome(String outcome, String newId, String reason) {
    return new JsonObject().put("outcome", outcome).put("new_id", newId).put("reason", reason);
  }

  /**
   * The request a replay starts: the original's tenant, model, vLLM body, parser and answer shape, under
   * {@code newId}, linked back by {@code replay_of}, received now with a fresh wait for vLLM, held by this node, and
   * with nobody waiting on it (its answer is read from the journal).
   */
  static RequestEnvelope replayEnvelope(RequestEnvelope o, String newId, String member, long now, long waitMillis) {
    return new RequestEnvelope(newId, o.tenant(), o.api(), o.model(), "chatcmpl-" + newId, now / 1000, o.stream(),
        o.includeUsage(), o.background(), o.parser(), o.reasoning(), o.body(), now, now + waitMillis, member, null,
        o.id(), o.apiRequest(), o.estimatedTokens());
  }

}
