package dev.clawbus.infra.contract;

/**
 * Every event-bus address clawbus uses, defined once. Follow the data:
 * ingress → {@link #TRANSFORM} → {@link #DISPATCH} (and Kafka) → scheduler → {@link #runner runner} → vLLM →
 * parser → journal → {@link #ingress(String)} → ingress.
 */
public final class Addresses {
  private Addresses() {}

  /** Node-local request/reply: the ingress asks the transformer to validate, claim and start a {@link Submission}. */
  public static final String TRANSFORM = "clawbus.transform";

  /**
   * Node-local: a {@link RequestEnvelope} accepted on this node, for this node's scheduler, sent while the
   * transformer writes it to Kafka (the run's output waits for the acknowledgement).
   */
  public static final String DISPATCH = "clawbus.dispatch";

  /**
   * Node-local request/reply: the admin API asks the transformer to replay one dead letter. The message is a JSON
   * object {@code {"letter": DeadLetter, "force": bool, "dry_run": bool}}; the reply
   * {@code {"outcome": "replayed"|"would_replay"|"skipped", "new_id", "reason"}}, or a failure whose code is an HTTP
   * status and whose message an OpenAI error body.
   */
  public static final String REPLAY = "clawbus.replay";

  /** Node-local: a runner tells the scheduler that a run ended ({@code RunEnded}). */
  public static final String RUN_ENDED = "clawbus.run.ended";

  /** Publish, cluster-wide: a request (its key) was cancelled; whoever queues or runs it stops it. */
  public static final String CANCEL = "clawbus.cancel";

  /** Request/reply: run one exec tool call on the node host named in the address suffix. */
  public static final String EXEC_PREFIX = "clawbus.exec.";

  /**
   * Point-to-point: journal batches ({@link EventBatch}) for the clients held by one ingress instance.
   * One address per instance, registered once at start: a registration per request is a cluster-wide
   * write that the cluster manager serialises, and measured 441 ms p50 at 64 concurrent requests.
   */
  public static String ingress(String instanceId) {
    return "clawbus.ingress." + instanceId;
  }

  /** Node-local: one runner instance, which streams the requests the scheduler gives it. */
  public static String runner(String instanceId) {
    return "clawbus.runner." + instanceId;
  }

  public static String exec(String nodeId) {
    return EXEC_PREFIX + nodeId;
  }
}
