package dev.clawbus.responses;

import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.journal.Journal;
import dev.clawbus.infra.lifecycle.Envelopes;
import dev.clawbus.infra.lifecycle.RequestStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The responses clawbus keeps, as the Responses API reads them back ({@code GET /v1/responses/{id}}, its stream, cancel,
 * delete, and {@code previous_response_id}): a request's record (the cluster's), its envelope (the context its answer is
 * rendered with, and the conversation it was answered from) and its journal. Every node answers for every response.
 * A response a client may not read is null here, whatever the reason: another tenant's, a chat completion, deleted,
 * or created with {@code store: false} (as at OpenAI, such a response cannot be retrieved or continued).
 */
public final class StoredResponses {
  private final RequestStore store;
  private final Journal journal;
  private final Envelopes envelopes;

  public StoredResponses(RequestStore store, Journal journal, Envelopes envelopes) {
    this.store = store;
    this.journal = journal;
    this.envelopes = envelopes;
  }

  /**
   * A response clawbus keeps.
   *
   * @param envelope the request as it was run (its {@code body} is the chat body the answer came from)
   * @param context  what its answer is rendered with
   */
  public record Stored(RequestRecord record, RequestEnvelope envelope, ResponseContext context) {
    public String key() {
      return record.key();
    }
  }

  /** The tenant's response with this id ({@code resp_…}); null when the tenant has none readable by that id. */
  public Future<Stored> find(String tenant, String responseId) {
    String requestId = ResponseIds.requestId(responseId);
    if (requestId == null) return Future.succeededFuture(null);
    return store.get(RequestRecord.key(tenant, requestId)).compose(this::of);
  }

  /** The response of a record found by id; null when it is not one a client may read. */
  public Future<Stored> of(RequestRecord r) {
    return load(r).map(s -> s != null && s.context().echo().getBoolean("store", true) ? s : null);
  }

  /**
   * The response of a record, stored or not ({@code store: false}): what a retry of the same request attaches to.
   * Null for a chat completion or a deleted response.
   */
  public Future<Stored> load(RequestRecord r) {
    if (r == null || r.deleted() || r.api() != Api.RESPONSES) return Future.succeededFuture(null);
    return envelopes.of(r).map(env -> env == null || env.apiRequest() == null ? null
        : new Stored(r, env, ResponseContext.fromJson(env.apiRequest())));
  }

  /**
   * The response object as it is now: queued, in progress with the output so far, or finished (then with its
   * {@code completed_at}), folded from the journal (memory, or Kafka for an answer that left memory).
   */
  public Future<ResponseAssembler> current(Stored s) {
    return journal.read(s.key()).map(read -> ResponseAssembler.of(s.context(), s.record(), read.recorded().events()));
  }

  /**
   * What a request continues from with {@code previous_response_id}: null when the tenant has no such stored response
   * (the translator then answers 400 as OpenAI does); a 400 naming {@code previous_response_id} while that response
   * is still queued or running.
   */
  public Future<PreviousResponse> previous(String tenant, String responseId) {
    return find(tenant, responseId).compose(s -> {
      if (s == null) return Future.succeededFuture(null);
      if (!s.record().status().terminal()) {
        return Future.failedFuture(OpenAiError.invalidRequest("previous_response_id", "Previous response with id '"
            + responseId + "' is still " + (s.record().status().wire().equals("queued") ? "queued" : "in progress")
            + "; continue from it once it has finished."));
      }
      return current(s).map(a -> PreviousResponse.of(s.envelope().body(), new JsonObject(a.json())));
    });
  }
}
