package dev.clawbus.infra.contract;

/**
 * Every event-bus address clawbus uses, defined once. Follow the data:
 * ingress → {@link #TRANSFORM} → Kafka → dispatcher → parser → journal → {@link #out(String)} → ingress.
 */
public final class Addresses {
  private Addresses() {}

  /** Request/reply: ingress asks the transformer to validate, normalise and enqueue a chat request. */
  public static final String TRANSFORM = "clawbus.transform";

  /**
   * Request/reply, only with {@code --durability off}: the transformer hands a request envelope (encoded
   * JSON text) straight to a dispatcher instead of writing it to Kafka; the reply means it was accepted.
   */
  public static final String DISPATCH = "clawbus.dispatch";

  /** Request/reply: parse model output with a named tool-call parser (the parser verticle). */
  public static final String PARSE = "clawbus.parse";

  /** Publish: a request was cancelled; every dispatcher that runs it aborts the vLLM call. */
  public static final String CANCEL = "clawbus.cancel";

  /** Request/reply: run one exec tool call on the node host named in the address suffix. */
  public static final String EXEC_PREFIX = "clawbus.exec.";

  private static final String OUT_PREFIX = "clawbus.out.";

  /** Point-to-point: the client-visible events of one request, consumed by the ingress holding the client. */
  public static String out(String requestId) {
    return OUT_PREFIX + requestId;
  }

  public static String exec(String nodeId) {
    return EXEC_PREFIX + nodeId;
  }
}
