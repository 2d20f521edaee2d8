package dev.clawbus.infra.node;

import com.hazelcast.core.HazelcastInstance;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.LocalCodec;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RunCommand;
import dev.clawbus.infra.contract.RunEnded;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.CompactAnswer;
import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.JournalBatch;
import dev.clawbus.infra.journal.EventLog;
import dev.clawbus.infra.kafka.RecordFetcher;
import io.vertx.core.Future;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.lifecycle.ReplayLedger;
import dev.clawbus.infra.lifecycle.Envelopes;
import dev.clawbus.infra.lifecycle.RequestStore;
import dev.clawbus.infra.limits.ClusterLimits;
import dev.clawbus.infra.metrics.ClawbusMetrics;
import dev.clawbus.infra.tenancy.TenancyOptions;
import dev.clawbus.infra.tenancy.Tenants;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What the verticles of one node share: the cluster member, the request store, the journal, the node's Kafka
 * producer and the durability gates. Made once per node and handed to each verticle when it is deployed;
 * verticles still talk to each other only over the event bus.
 */
public final class NodeServices implements AutoCloseable {
  private final Vertx vertx;
  private final ClawbusConfig config;
  private final HazelcastInstance hazelcast;
  private final String member;
  private final Producer<String, String> producer;
  private final EventLog eventLog;
  private final RequestStore store;
  private final ReplayLedger replays;
  private final Journal journal;
  private final DurabilityGates gates = new DurabilityGates();
  private final Tenants tenants;
  private final ClawbusMetrics metrics;
  private final ClusterLimits limits;
  private final AutoCloseable producerMetrics;
  private final RecordFetcher answers;
  private final RecordFetcher requests;
  private final Envelopes envelopes;

  private NodeServices(Vertx vertx, ClawbusConfig config, Producer<String, String> producer) {
    this.vertx = vertx;
    this.config = config;
    this.hazelcast = ClusterSetup.hazelcast(vertx);
    this.member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    this.producer = producer;
    this.eventLog = new EventLog(producer);
    Duration retention = Duration.ofSeconds(config.journalRetentionSeconds());
    this.metrics = ClawbusMetrics.of(vertx);
    this.store = new RequestStore(vertx, hazelcast, eventLog, retention);
    this.replays = new ReplayLedger(vertx, hazelcast);
    this.journal = new Journal(vertx, hazelcast, eventLog, retention, metrics::journalEntries);
    this.answers = producer == null ? null : new RecordFetcher(vertx, config.kafka(), Topics.EVENTS);
    if (answers != null) journal.archive(this::archived);
    this.requests = producer == null ? null : new RecordFetcher(vertx, config.kafka(), Topics.REQUESTS);
    this.envelopes = new Envelopes(vertx, hazelcast, store, requests, retention);
    this.tenants = TenancyOptions.tenants(config);
    this.limits = new ClusterLimits(vertx, hazelcast, TenancyOptions.maxQueued(config), System::currentTimeMillis);
    this.producerMetrics = producer == null ? null : metrics.bindKafkaProducer(producer);
    for (Class<?> c : new Class<?>[] {Submission.class, Submission.Queued.class, Submission.Attach.class,
        RequestEnvelope.class, RunCommand.class, RunEnded.class,
        Submission.Immediate.class, Submission.Refused.class}) {
      LocalCodec.register(vertx.eventBus(), c);
    }
  }

  /**
   * Services of a node on clustered {@code vertx}. Blocking (it connects the Kafka producer and fetches the
   * topics' metadata, so that no send ever waits for metadata on an event loop); call it from a plain thread.
   */
  public static NodeServices start(Vertx vertx, ClawbusConfig config) {
    KafkaProducer<String, String> producer = null;
    if (config.kafka() != null && !config.kafka().isBlank() && !config.embeddedKafka()) {
      producer = new KafkaProducer<>(new java.util.HashMap<>(KafkaClients.producerConfig(config.kafka())));
      for (String t : Topics.ALL) producer.partitionsFor(t);
    }
    return new NodeServices(vertx, config, producer);
  }

  public Vertx vertx() { return vertx; }
  public ClawbusConfig config() { return config; }
  public HazelcastInstance hazelcast() { return hazelcast; }
  /** This node's Hazelcast member uuid: the owner recorded on the requests it holds. */
  public String member() { return member; }
  public String nodeName() { return config.nodeId(); }
  /** The node's Kafka producer (thread-safe), or null without Kafka. */
  public Producer<String, String> producer() { return producer; }
  public EventLog eventLog() { return eventLog; }
  public RequestStore store() { return store; }
  /** Which failed requests were replayed, as what (cluster-wide). */
  public ReplayLedger replays() { return replays; }
  public Journal journal() { return journal; }
  /** Requests' envelopes, read back on any node (from Kafka, or kept in Hazelcast without durability). */
  public Envelopes envelopes() { return envelopes; }
  public DurabilityGates gates() { return gates; }
  /** The node's tenants: keys, weights, priorities and limits (the tenants file, {@code --api-keys}, admins). */
  public Tenants tenants() { return tenants; }
  public ClawbusMetrics metrics() { return metrics; }
  /** Cluster-wide admission: queue limits and rpm/tpm per tenant. */
  public ClusterLimits limits() { return limits; }

  /**
   * A finished answer that left memory, read back from Kafka where its record says it is, in its compact form (null:
   * not there).
   */
  private Future<byte[]> archived(String key) {
    return store.get(key).compose(rec -> {
      if (rec == null || rec.answerRef() == null) return Future.succeededFuture(null);
      String[] ref = rec.answerRef().split(":");
      return answers.fetch(Integer.parseInt(ref[0]), Long.parseLong(ref[1])).map(text -> {
        if (!(EventLogRecord.decode(text) instanceof EventLogRecord.Answer a)) {
          throw new IllegalStateException("no answer at " + rec.answerRef());
        }
        byte[] compact = JournalBatch.fromText(a.compact());
        if (!CompactAnswer.isCompact(compact)) throw new IllegalStateException("no answer at " + rec.answerRef());
        return compact;
      });
    });
  }

  public boolean isMember(String uuid) {
    if (uuid == null) return false;
    for (var m : hazelcast.getCluster().getMembers()) {
      if (m.getUuid().toString().equals(uuid)) return true;
    }
    return false;
  }

  @Override
  public void close() {
    eventLog.close();
    if (answers != null) answers.close();
    if (requests != null) requests.close();
    if (producerMetrics != null) {
      try {
        producerMetrics.close();
      } catch (Exception ignored) {
        // closing anyway
      }
    }
    if (producer != null) producer.close(Duration.ofSeconds(5));
  }
}
