package dev.clawbus.infra.contract;

import java.util.List;

/** Kafka topic names, defined once. */
public final class Topics {
  private Topics() {}

  /** Durable intake, keyed by request id; value is a {@link RequestEnvelope}. */
  public static final String REQUESTS = "clawbus.requests";
  /** Batched journal records, keyed by request id, so a restarted node rebuilds the journal. */
  public static final String EVENTS = "clawbus.events";
  /** Requests that failed for good, with the reason; operators replay them from here. */
  public static final String REQUESTS_DLQ = "clawbus.requests.dlq";
  /** One record per exec tool call run (or refused) on a node host. */
  public static final String EXEC_AUDIT = "clawbus.exec.audit";

  /** One {@link UsageRecord} per finished request, keyed by tenant: per-tenant accounting. */
  public static final String USAGE = "clawbus.usage";

  public static final List<String> ALL = List.of(REQUESTS, EVENTS, REQUESTS_DLQ, EXEC_AUDIT, USAGE);

  /** Consumer group of the dispatchers: one group cluster-wide, partitions shared among nodes. */
  public static final String DISPATCHER_GROUP = "clawbus.dispatcher";
}
