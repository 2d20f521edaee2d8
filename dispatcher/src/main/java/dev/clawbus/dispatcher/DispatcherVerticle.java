package dev.clawbus.dispatcher;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.journal.RequestState;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the durable request topic and answers each request from vLLM. Requests are scheduled fairly
 * across tenants under a cap on concurrent vLLM calls; a request's offset is committed only once it is
 * terminal (done, or failed for good and copied to the dead-letter topic).
 */
public final class DispatcherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DispatcherVerticle.class);
  private static final int MAX_ATTEMPTS = 12;

  /** {@code partition} is null for a request that came over the bus ({@code --durability off}). */
  /** A request to run; {@code state} is what admission read (null: none recorded yet). */
  private record Job(TopicPartition partition, long offset, RequestEnvelope envelope, JsonObject state) {
    Job withState(JsonObject s) {
      return new Job(partition, offset, envelope, s);
    }
  }

  private final OffsetTracker offsets = new OffsetTracker();
  private final Map<TopicPartition, Long> toCommit = new HashMap<>();
  private boolean committing;
  private final Map<String, ResponseRun> running = new HashMap<>();
  private FairScheduler<Job> scheduler;
  private ClawbusConfig config;
  private HttpClient http;
  private VllmEndpoint endpoint;
  private VllmHealth health;
  private ResponseRun.Settings settings;
  private KafkaConsumer<String, String> consumer;
  private KafkaProducer<String, String> producer;
  private EventBus bus;
  private boolean paused;
  private Journal journal;
  private HazelcastInstance hazelcast;
  private String owner;

  @Override
  public Future<?> start() {
    config = ClawbusConfig.of(config());
    bus = vertx.eventBus();
    scheduler = new FairScheduler<>(config.maxInflight());
    endpoint = VllmEndpoint.parse(config.vllmUrl());
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
        new PoolOptions().setHttp1MaxSize(config.maxInflight() + 8));
    health = new VllmHealth(vertx, http, endpoint);
    settings = new ResponseRun.Settings(config.stallSeconds() * 1000L, config.vllmWaitSeconds() * 1000L, MAX_ATTEMPTS);
    producer = KafkaClients.producer(vertx, config.kafka());
    hazelcast = ClusterSetup.hazelcast(vertx);
    owner = hazelcast.getCluster().getLocalMember().getUuid().toString();
    journal = new Journal(vertx, hazelcast, producer, Duration.ofSeconds(config.journalRetentionSeconds()));
    consumer = KafkaClients.consumer(vertx, config.kafka(), Topics.DISPATCHER_GROUP);
    consumer.handler(this::onRecord);
    consumer.partitionsRevokedHandler(this::revoked);
    consumer.exceptionHandler(err -> LOG.warn("Kafka consumer: {}", err.toString()));
    bus.<String>consumer(Addresses.CANCEL, msg -> {
      ResponseRun run = running.get(msg.body());
      if (run != null) run.cancel();
    });
    bus.<String>consumer(Addresses.DISPATCH, this::onDispatch);
    return consumer.subscribe(Topics.REQUESTS);
  }

  @Override
  public Future<?> stop() {
    journal.close();
    return consumer.close().eventually(producer::close).eventually(http::close);
  }

  /** {@code --durability off}: the envelope comes over the bus and there is no offset to commit. */
  private void onDispatch(Message<String> msg) {
    RequestEnvelope env;
    try {
      env = RequestEnvelope.parse(msg.body());
    } catch (IllegalArgumentException e) {
      msg.fail(400, "unreadable request envelope: " + e.getMessage());
      return;
    }
    msg.reply(null);
    admit(new Job(null, -1, env, null));
  }

  private void onRecord(KafkaConsumerRecord<String, String> rec) {
    TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
    offsets.received(tp, rec.offset());
    RequestEnvelope env;
    try {
      env = RequestEnvelope.parse(rec.value());
    } catch (IllegalArgumentException e) {
      LOG.warn("unreadable record at {}-{}@{}: sent to {}", rec.topic(), rec.partition(), rec.offset(),
          Topics.REQUESTS_DLQ);
      deadLetter(rec.key(), rec.value(), "unreadable request record: " + e.getMessage())
          .onComplete(ar -> finished(tp, rec.offset()));
      return;
    }
    admit(new Job(tp, rec.offset(), env, null));
  }

  /**
   * Kafka redelivers after a crash or a rebalance, so a record may be finished already, or running on
   * another live node: only what is neither is scheduled.
   */
  private void admit(Job job) {
    journal.state(job.envelope().id()).onComplete(ar -> {
      JsonObject state = ar.succeeded() ? ar.result() : null;
      String status = state == null ? null : state.getString(RequestState.STATUS);
      if (RequestState.CANCELLED.equals(status)) {
        closeCancelled(job);
        return;
      }
      if (status != null && RequestState.terminal(status)) {
        finished(job.partition(), job.offset());
        return;
      }
      String runner = state == null ? null : state.getString(RequestState.NODE);
      boolean runningElsewhere = runner != null && !runner.equals(owner) && isMember(runner);
      boolean runningHere = running.containsKey(job.envelope().id());
      if (RequestState.RUNNING.equals(status) && (runningElsewhere || runningHere)) {
        // Redelivered (a rebalance) while its run goes on: its offset is finished when the run ends.
        vertx.setTimer(1_000, t -> admit(job));
        return;
      }
      scheduler.submit(job.envelope().tenant(), job.withState(state));
      pump();
      if (!paused && scheduler.queued() > config.maxInflight() * 4) {
        paused = true;
        consumer.pause();
      }
    });
  }

  /** Cancelled while queued: clients that wait on it get the terminal event, and the record is done. */
  private void closeCancelled(Job job) {
    String id = job.envelope().id();
    journal.readWithCount(id).onComplete(ar -> {
      if (ar.succeeded() && !ar.result().recorded().terminal()) {
        var rec = ar.result().recorded();
        OpenAiError e = ResponseRun.cancelled();
        journal.writer(id, rec, ar.result().batches(), job.envelope().replyTo())
            .append(dev.clawbus.infra.contract.StreamEvent.error(rec.lastSeq() + 1, e.status(), e.body().encode()));
      }
      finished(job.partition(), job.offset());
    });
  }

  private boolean isMember(String uuid) {
    return hazelcast.getCluster().getMembers().stream().anyMatch(m -> m.getUuid().toString().equals(uuid));
  }

  private void pump() {
    Job job;
    while ((job = scheduler.next()) != null) {
      run(job);
    }
    if (paused && scheduler.queued() < config.maxInflight()) {
      paused = false;
      consumer.resume();
    }
  }

  private void run(Job job) {
    RequestEnvelope env = job.envelope();
    JsonObject state = job.state() != null ? job.state() : RequestState.queued(env);
    // A queued request has never run, so it has nothing journaled: only a takeover reads the journal.
    Future<Journal.Read> journaled = RequestState.QUEUED.equals(state.getString(RequestState.STATUS))
        ? Future.succeededFuture(Journal.Read.EMPTY) : journal.readWithCount(env.id());
    journaled.onComplete(ar -> {
      if (ar.failed() || ar.result().recorded().terminal()) {
        if (ar.failed()) LOG.warn("request {}: journal unreadable: {}", env.id(), ar.cause().toString());
        scheduler.release();
        finished(job.partition(), job.offset());
        pump();
        return;
      }
      Journal.Read read = ar.result();
      ResponseRun run = new ResponseRun(vertx, http, endpoint, health, env, settings,
          journal.writer(env.id(), read.recorded(), read.batches(), env.replyTo()), read.recorded());
      running.put(env.id(), run);
      journal.putState(state.put(RequestState.STATUS, RequestState.RUNNING).put(RequestState.NODE, owner)
          .put(RequestState.ATTEMPTS, state.getInteger(RequestState.ATTEMPTS, 0) + 1));
      run.run().onComplete(done -> ended(job, run, state, done.result()));
    });
  }


  private void ended(Job job, ResponseRun run, JsonObject state, ResponseRun.Outcome o) {
    RequestEnvelope env = job.envelope();
    running.remove(env.id());
    scheduler.release();
    if (o.error() == null) {
      state.put(RequestState.STATUS, RequestState.DONE).remove(RequestState.ERROR);
    } else {
      state.put(RequestState.STATUS, ResponseRun.isCancellation(o.error()) ? RequestState.CANCELLED : RequestState.FAILED)
          .put(RequestState.ERROR, o.error().body().getJsonObject("error"));
    }
    Future<?> recorded = journal.putState(state);
    if (o.error() != null && !ResponseRun.isCancellation(o.error())) {
      recorded = recorded.eventually(() -> deadLetter(env.id(), env.json().copy()
          .put("error", o.error().body().getJsonObject("error")).put("status", o.error().status())
          .put("attempts", o.attempts()).encode(), o.error().getMessage()));
    }
    recorded.onComplete(x -> finished(job.partition(), job.offset()));
    pump();
  }

  private Future<Void> deadLetter(String key, String value, String reason) {
    KafkaProducerRecord<String, String> rec = KafkaProducerRecord.create(Topics.REQUESTS_DLQ, key, value);
    rec.addHeader("clawbus.reason", reason);
    return producer.send(rec).<Void>mapEmpty()
        .onFailure(err -> LOG.error("could not write {} to the DLQ: {}", key, err.toString()));
  }

  private void finished(TopicPartition tp, long offset) {
    if (tp == null) return; // came over the bus: nothing to commit
    OptionalLong commit = offsets.finished(tp, offset);
    if (commit.isPresent()) {
      toCommit.put(tp, commit.getAsLong());
      commitPending();
    }
  }

  /**
   * Group commit: at most one commit in flight, the next one carries every partition's latest point.
   * The Vert.x consumer runs commitSync on the one thread that also polls, so a commit per request
   * capped the whole node at about one request per broker round trip (56 req/s at 64 streams here).
   */
  private void commitPending() {
    if (committing || toCommit.isEmpty()) return;
    Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>();
    toCommit.forEach((tp, o) -> batch.put(tp, new OffsetAndMetadata(o, "")));
    toCommit.clear();
    committing = true;
    consumer.commit(batch).onComplete(ar -> {
      if (ar.failed()) LOG.warn("commit of {} failed: {}", batch.keySet(), ar.cause().toString());
      committing = false;
      commitPending();
    });
  }

  private void revoked(Set<TopicPartition> tps) {
    offsets.revoked(tps);
    tps.forEach(toCommit::remove);
  }
}
