package dev.clawbus.infra.lifecycle;

import dev.clawbus.infra.contract.ErrorInfo;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import java.io.Serializable;

/**
 * A change asked of a request's record. Each carries the time it is made at ({@code now}), so applying it is
 * deterministic (Hazelcast applies it again on the backup copy). {@link Lifecycle#apply} decides whether it is
 * allowed; {@link RequestStore} applies it atomically where the record lives.
 */
public sealed interface Transition extends Serializable {
  long now();

  /** Creates the record unless one exists (a claim: the first request with an id wins). */
  record Create(RequestRecord initial, long now) implements Transition {}

  /** queued → running on {@code owner}, which must hold it. */
  record Start(String owner, String node, long now) implements Transition {}

  /** running → done | failed | cancelled, by the member that runs it. */
  record Finish(String owner, Status status, ErrorInfo error, Integer promptTokens, Integer completionTokens,
      long now) implements Transition {}

  /** queued → failed: it never ran (could not be made durable, or is beyond repair). */
  record FailQueued(ErrorInfo error, long now) implements Transition {}

  /** queued → cancelled; running → running with the cancel noted (its owner or a taker ends it). */
  record Cancel(ErrorInfo error, long now) implements Transition {}

  /**
   * The member that held it died: queued|running held by {@code deadOwner} → queued held by {@code newOwner}
   * (or cancelled, when a cancel was noted meanwhile). Only one taker wins.
   */
  record Takeover(String deadOwner, String newOwner, String newNode, ErrorInfo cancelError, long now)
      implements Transition {}

  /** Notes where the request's Kafka record is (once acknowledged): how a taker finds the request. */
  record Locate(int partition, long offset, long now) implements Transition {}

  /**
   * Its client deleted it: a terminal record is marked deleted; a queued one is also cancelled, a running one has the
   * cancel noted (as {@link Cancel}). Every lookup then answers as if it did not exist.
   */
  record Delete(ErrorInfo cancelError, long now) implements Transition {}

  /** Notes where the finished answer went in Kafka when it left memory. */
  record AnswerSpilled(String ref, long now) implements Transition {}
}
