package dev.clawbus.transformer;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.Api;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestEnvelope;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.Submission;
import dev.clawbus.infra.lifecycle.DedupeClaims;
import dev.clawbus.infra.lifecycle.RequestStore;
import dev.clawbus.infra.limits.TokenCost;
import dev.clawbus.infra.tenancy.Tenant;
import dev.clawbus.infra.node.DurabilityGates;
import dev.clawbus.infra.node.NodeServices;
import dev.clawbus.infra.vllm.ModelCatalog;
import dev.clawbus.infra.vllm.VllmEndpoint;
import dev.clawbus.parser.LoopGuard;
import dev.clawbus.responses.PreviousResponse;
import dev.clawbus.responses.ResponsesRequestTranslator;
import dev.clawbus.responses.StoredResponses;
import dev.clawbus.responses.Translation;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request side of the pipeline: translates a Responses API request into a chat body, validates a client
 * request, normalises it for vLLM, checks the loop guard, claims its id, and starts it. A new request is handed to
 * this node's dispatcher at once (its vLLM call starts while its body is claimed, its record made and the request
 * written to Kafka {@link Topics#REQUESTS}, acks=all) and the reply — after which the client is answered — comes
 * only once Kafka has it; the dispatcher holds the output until then too.
 * A request that names an existing one of the same tenant (its id, idempotency key, or an identical body
 * within the dedupe window) is answered from that one instead.
 */
public final class TransformerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TransformerVerticle.class);

  /** What a request without {@code max_tokens} is charged for at admission (corrected by its actual usage). */
  private static final long DEFAULT_MAX_TOKENS = 1024;
  /** How many recent request bodies (hashes, ~100 bytes each) the transformer remembers to spot retries. */
  private static final int RECENT_BODIES = 10_000;

  private final NodeServices node;
  private ClawbusConfig config;
  private HttpClient http;
  private ModelCatalog catalog;
  private TokenBudget budget;
  private LoopGuard loopGuard;
  private RequestStore store;
  private DedupeClaims dedupe;
  private Enqueuer enqueuer;
  private StoredResponses responses;
  private MessageConsumer<Submission> consumer;
  private final RecentBodies recentBodies = new RecentBodies(RECENT_BODIES);

  public TransformerVerticle(NodeServices node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    config = node.config();
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    catalog = new ModelCatalog(vertx, http, config);
    budget = new TokenBudget(http, VllmEndpoint.parse(config.vllmUrl()));
    loopGuard = new LoopGuard(config.loopMaxRepeats(), config.loopMaxCallsPerTurn());
    store = node.store();
    dedupe = new DedupeClaims(vertx, node.hazelcast());
    enqueuer = new Enqueuer(vertx, node);
    responses = new StoredResponses(store, node.journal(), node.envelopes());
    consumer = vertx.eventBus().localConsumer(Addresses.TRANSFORM, this::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return http.close();
  }

  private void handle(Message<Submission> msg) {
    Submission sub = msg.body();
    Future<Submission.Reply> reply;
    try {
      reply = submit(sub);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.onSuccess(msg::reply).onFailure(err -> {
      OpenAiError e = err instanceof OpenAiError oe ? oe : internal(sub, err);
      msg.fail(e.status(), e.body().encode());
    });
  }

  /** An unexpected failure: logged with the request id, answered without internals. */
  private static OpenAiError internal(Submission sub, Throwable err) {
    LOG.error("request {} ({}): unexpected failure", sub.id(), sub.tenant(), err);
    return OpenAiError.server(500, "internal_error", "clawbus failed to handle request " + sub.id()
        + "; the failure is logged under that id.");
  }

  private Future<Submission.Reply> submit(Submission sub) {
    if (sub.api() != Api.RESPONSES) {
      return submit(sub, sub.body(), Answer.chat(sub.body()));
    }
    // A Responses request becomes a chat body (a previous response it names, looked up in the caller's tenant, put
    // before its input), then takes the one chat path; its envelope carries what its answer is rendered with.
    Object previousId = sub.body().getValue("previous_response_id");
    return (previousId instanceof String id ? responses.previous(sub.tenant(), id)
        : Future.<PreviousResponse>succeededFuture(null)).compose(previous -> {
          Translation t = ResponsesRequestTranslator.translate(sub.body(), previous);
          return submit(sub, t.chatBody(), new Answer(t.stream(), true, t.background(),
              t.context(sub.id(), sub.receivedAt() / 1000).toJson()));
        });
  }

  /**
   * How the client is answered: streamed or not, with usage or not, in the background (Responses API), and the
   * envelope's {@code apiRequest} (what a Responses answer is rendered with; null for chat).
   */
  private record Answer(boolean stream, boolean includeUsage, boolean background, JsonObject apiRequest) {
    static Answer chat(JsonObject client) {
      JsonObject so = client.getValue("stream_options") instanceof JsonObject o ? o : null;
      return new Answer(Boolean.TRUE.equals(client.getValue("stream")),
          so != null && Boolean.TRUE.equals(so.getValue("include_usage")), false, null);
    }
  }

  private Future<Submission.Reply> submit(Submission sub, JsonObject body, Answer answer) {
    RequestValidator.validate(body);
    String model = body.getString("model");
    Tenant tenant = node.tenants().tenant(sub.tenant());
    if (!tenant.allowsModel(model)) {
      return Future.failedFuture(OpenAiError.modelNotFound(model));
    }
    Optional<String> loop = loopGuard.check(body.getJsonArray("messages"));
    if (loop.isPresent()) {
      return Future.succeededFuture(new Submission.Immediate(loop.get(), model, answer.apiRequest(), Map.of()));
    }
    return catalog.lookup(model).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(OpenAiError.modelNotFound(model));
      }
      var info = found.get();
      JsonObject vllmBody = CompatNormalizer.normalize(body, info.settings());
      return budget.clamp(vllmBody, info.maxModelLen()).compose(clamped -> {
        RequestEnvelope env = envelope(sub, model, answer, clamped, info.settings().parser(),
            info.settings().reasoning());
        return admit(tenant, sub, env);
      });
    });
  }

  /**
   * Admission: the tenant's queue limit, the overall one, and its requests and tokens per minute, cluster-wide.
   * A refusal is a 429 with {@code Retry-After}; a limited tenant's headers go on every answer.
   */
  private Future<Submission.Reply> admit(Tenant tenant, Submission sub, RequestEnvelope env) {
    return node.limits().admit(tenant, env.key(), env.estimatedTokens(), env.deadlineAt()).compose(a -> {
      if (!a.admitted()) {
        node.metrics().tenant(tenant.name()).rejected(a.outcome().name().toLowerCase());
        OpenAiError e = a.error();
        return Future.succeededFuture(new Submission.Refused(e.status(), e.body().encode(), a.responseHeaders()));
      }
      Map<String, String> headers = a.responseHeaders();
      return claim(sub, env, headers).map(reply -> {
        if (!(reply instanceof Submission.Queued)) node.limits().left(tenant, env.key());
        return reply;
      });
    });
  }

  private RequestEnvelope envelope(Submission sub, String model, Answer answer, JsonObject vllmBody,
      String parser, String reasoning) {
    long received = sub.receivedAt();
    long estimate = TokenCost.estimate(TokenBudget.promptChars(vllmBody),
        TokenCost.maxTokens(vllmBody, DEFAULT_MAX_TOKENS));
    return new RequestEnvelope(sub.id(), sub.tenant(), sub.api(), model, "chatcmpl-" + sub.id(), received / 1000,
        answer.stream(), answer.includeUsage(), answer.background(), parser, reasoning, vllmBody, received,
        received + config.vllmWaitSeconds() * 1000L, node.member(), sub.replyTo(), sub.replayOf(),
        answer.apiRequest(), (int) Math.min(Integer.MAX_VALUE, estimate));
  }

  /**
   * Claims the request's id (and its body, within the dedupe window) for this new request; when either names
   * an existing request of the tenant, the client attaches to that one. Validation came first: an invalid
   * request never claims anything, so its identical retry gets the same 400. A request whose id was generated here
   * (no other request can hold it) is handed to the dispatcher first, so that vLLM is called while the claims
   * are made; if it turns out to be a duplicate, its run is cancelled before anything of it is stored or shown.
   */
  private Future<Submission.Reply> claim(Submission sub, RequestEnvelope env, Map<String, String> headers) {
    DurabilityGates.Gate ahead = sub.named() || likelyRetry(sub) ? null : enqueuer.startAhead(env);
    Future<Submission.Reply> reply = claims(sub, env, headers, ahead);
    if (ahead != null) {
      reply.onComplete(ar -> {
        if (ar.failed() || !(ar.result() instanceof Submission.Queued)) {
          if (ar.succeeded() && ar.result() instanceof Submission.Attach) node.metrics().duplicateCancelled();
          ahead.fail(new IllegalStateException("request " + env.key() + " was not recorded: "
              + (ar.failed() ? ar.cause().toString() : "it names another request")));
        }
      });
    }
    return reply;
  }

  /** A body this node accepted within the dedupe window: probably a retry the claim attaches to the first. */
  private boolean likelyRetry(Submission sub) {
    int window = config.dedupeWindowSeconds();
    return sub.bodyHash() != null && window > 0
        && recentBodies.seenWithin(sub.bodyHash(), System.currentTimeMillis(), window * 1000L);
  }

  private Future<Submission.Reply> claims(Submission sub, RequestEnvelope env, Map<String, String> headers,
      DurabilityGates.Gate ahead) {
    int window = config.dedupeWindowSeconds();
    Future<Submission.Attach> duplicate = sub.bodyHash() == null || sub.named() || window <= 0
        ? Future.succeededFuture(null)
        : dedupe.claim(sub.bodyHash(), env.key(), window).compose(prev -> prev == null
            ? Future.succeededFuture(null)
            : store.get(prev).compose(r -> {
              if (r != null && (r.status() == Status.FAILED || r.status() == Status.CANCELLED || r.deleted())) {
                // A retry after a failure (or of a deleted response) is a new attempt: it takes the claim over.
                return dedupe.replace(sub.bodyHash(), env.key(), window).map((Submission.Attach) null);
              }
              // No record yet: the first is a moment ahead on its way (it was valid); attach to it.
              return Future.succeededFuture(new Submission.Attach(prev, r, headers));
            }));
    return duplicate.compose(dup -> {
      if (dup != null) {
        return Future.<Submission.Reply>succeededFuture(dup);
      }
      return store.create(RequestRecord.queued(env, node.member(), node.nodeName())).compose(out -> {
        if (!out.changed()) {
          return Future.<Submission.Reply>succeededFuture(new Submission.Attach(env.key(), out.record(), headers));
        }
        return (ahead != null ? enqueuer.recorded(env, headers, ahead) : enqueuer.start(env, headers))
            .map(q -> (Submission.Reply) q);
      });
    });
  }
}
