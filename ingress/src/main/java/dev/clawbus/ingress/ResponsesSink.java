package dev.clawbus.ingress;

import dev.clawbus.responses.ResponseContext;

/** Where a Responses API answer goes: opened once the response's context is known (the transformer's reply, a lookup). */
interface ResponsesSink extends ResponseSink {
  /**
   * @param startingAfter the last sequence number the client has ({@code starting_after}; -1: none)
   * @param completedAt   the {@code completed_at} of a finished response when its terminal event does not carry its
   *                      own time ({@link dev.clawbus.infra.contract.StreamEvent#endedAt()}, which wins); null: the
   *                      time its end is seen
   */
  void open(ResponseContext ctx, long startingAfter, Long completedAt);
}
