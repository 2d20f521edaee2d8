package dev.clawbus.transformer;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.RequestState;
import dev.clawbus.infra.kafka.KafkaClients;
import java.time.Duration;
import dev.clawbus.infra.vllm.ModelCatalog;
import dev.clawbus.infra.vllm.VllmEndpoint;
import dev.clawbus.parser.LoopGuard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request side of the transformer: validates a client request, normalises it for vLLM, checks the
 * loop guard, and makes it durable in Kafka {@link Topics#REQUESTS} (acks=all, idempotent producer)
 * before the ingress starts answering; with {@code --durability off} it hands it to a dispatcher on
 * {@link Addresses#DISPATCH} instead.
 */
public final class TransformerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TransformerVerticle.class);

  private static final long DISPATCH_TIMEOUT_MILLIS = 10_000;

  private ClawbusConfig config;
  private HttpClient http;
  private ModelCatalog catalog;
  private TokenBudget budget;
  private LoopGuard loopGuard;
  private KafkaProducer<String, String> producer;
  private Journal journal;

  @Override
  public Future<?> start() {
    config = ClawbusConfig.of(config());
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    catalog = new ModelCatalog(vertx, http, config);
    budget = new TokenBudget(http, VllmEndpoint.parse(config.vllmUrl()));
    loopGuard = new LoopGuard(config.loopMaxRepeats(), config.loopMaxCallsPerTurn());
    producer = KafkaClients.producer(vertx, config.kafka());
    journal = new Journal(vertx, ClusterSetup.hazelcast(vertx), null,
        Duration.ofSeconds(config.journalRetentionSeconds()));
    return vertx.eventBus().<JsonObject>consumer(Addresses.TRANSFORM, this::handle).completion();
  }

  @Override
  public Future<?> stop() {
    return producer.close().eventually(() -> http.close());
  }

  private void handle(Message<JsonObject> msg) {
    JsonObject sub = msg.body();
    JsonObject body = sub.getJsonObject(Submission.BODY);
    Future<JsonObject> reply;
    try {
      RequestValidator.validate(body);
      reply = submit(sub, body);
    } catch (OpenAiError e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(msg::reply).onFailure(err -> {
      OpenAiError e = err instanceof OpenAiError oe ? oe
          : OpenAiError.server(503, "queue_unavailable", "could not queue the request: " + err.getMessage());
      if (!(err instanceof OpenAiError)) {
        LOG.warn("request {} not queued: {}", sub.getString(Submission.ID), err.toString());
      }
      msg.fail(e.status(), e.body().encode());
    });
  }

  private Future<JsonObject> submit(JsonObject sub, JsonObject body) {
    String model = body.getString("model");
    Optional<String> loop = loopGuard.check(body.getJsonArray("messages"));
    if (loop.isPresent()) {
      return Future.succeededFuture(new JsonObject().put(Submission.IMMEDIATE, loop.get()).put(Submission.MODEL, model));
    }
    return catalog.lookup(model).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(OpenAiError.modelNotFound(model));
      }
      var info = found.get();
      JsonObject vllmBody = CompatNormalizer.normalize(body, info.settings());
      return budget.clamp(vllmBody, info.maxModelLen()).compose(clamped -> {
        long received = sub.getLong(Submission.RECEIVED_AT);
        RequestEnvelope env = RequestEnvelope.create(sub.getString(Submission.ID), sub.getString(Submission.TENANT),
            model, body.getBoolean("stream", false), includeUsage(body), clamped, received,
            received + config.vllmWaitSeconds() * 1000L);
        env.parser(info.settings().parser()).reasoning(info.settings().reasoning())
            .replyTo(sub.getString(Submission.REPLY_TO));
        // The state first: once the record is in Kafka a dispatcher may already be running it.
        JsonObject state = RequestState.queued(env);
        return journal.putState(state)
            .compose(v -> enqueue(env)
                .recover(err -> journal.putState(state.put(RequestState.STATUS, RequestState.FAILED)
                    .put(RequestState.ERROR, new JsonObject().put("message", "not queued: " + err.getMessage())))
                    .<Void>transform(x -> Future.failedFuture(err))))
            .map(meta -> Submission.queued(env));
      });
    });
  }

  /** Durable: into Kafka, acknowledged by every in-sync replica. Otherwise straight to a dispatcher. */
  private Future<Void> enqueue(RequestEnvelope env) {
    if (config.durable()) {
      return producer.send(KafkaProducerRecord.create(Topics.REQUESTS, env.id(), env.json().encode())).mapEmpty();
    }
    return vertx.eventBus().request(Addresses.DISPATCH, env.json().encode(),
        new DeliveryOptions().setSendTimeout(DISPATCH_TIMEOUT_MILLIS)).mapEmpty();
  }

  private static boolean includeUsage(JsonObject body) {
    JsonObject so = body.getJsonObject("stream_options");
    return so != null && so.getBoolean("include_usage", false);
  }
}
