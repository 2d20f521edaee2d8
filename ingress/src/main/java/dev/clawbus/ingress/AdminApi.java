package dev.clawbus.ingress;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.DeadLetter;
import dev.clawbus.infra.contract.EventLogRecord;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.RequestRecord;
import dev.clawbus.infra.contract.Status;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.UsageRecord;
import dev.clawbus.infra.kafka.KafkaRange;
import dev.clawbus.infra.limits.VllmSaturation;
import dev.clawbus.infra.node.NodeServices;
import dev.clawbus.infra.vllm.VllmEndpoint;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' API under {@code /admin/} and the dashboard it serves. Every call needs an admin key when keys are
 * configured (401 without a known key, 403 with a tenant's key), answers JSON, and reads Kafka only on worker threads:
 * <ul>
 *   <li>{@code GET /admin/usage?since=&until=&tenant=&limit=}: per-tenant accounting from {@code clawbus.usage}</li>
 *   <li>{@code GET /admin/dlq?since=&until=&tenant=&limit=&full=}: dead letters of {@code clawbus.requests.dlq}
 *       in that time (positions from {@code offsetsForTimes}), newest first;</li>
 *   <li>{@code POST /admin/replay}: sends dead letters again (by ids or a filter) through the transformer's
 *       {@code ReplayVerticle}; answers the new ids, and what was skipped or failed;</li>
 *   <li>{@code GET /admin/requests/{id}/timeline?tenant=}: the request's history from {@code clawbus.events}, read
 *       from its key's partition from the time it was received;</li>
 *   <li>{@code GET /admin/requests?status=&tenant=&limit=}: request records in flight and recent, newest first;</li>
 *   <li>{@code GET /admin/status}: what the dashboard polls: vLLM's health and saturation, queued and running requests
 *       per tenant (cluster-wide), recent failures.</li>
 * </ul>
 * The dashboard's files ({@code /admin/}, from the jar) need no key: they hold nothing but code, and every call they
 * make sends the key the operator typed in.
 */
final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  static final String WEBROOT = "clawbus-dashboard";
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);
  /** Dead letters sent to the replay handler at once. */
  private static final int REPLAY_CONCURRENCY = 4;
  /** How far before a request's arrival its history is read (clocks of nodes differ a little). */
  private static final long CLOCK_SLACK_MILLIS = 5_000;

  private final Vertx vertx;
  private final NodeServices node;
  private final ApiKeyAuth auth;
  private final HttpClient http;
  private final VllmEndpoint endpoint;
  private final Clock clock;
  private final KafkaRange kafka;

  AdminApi(Vertx vertx, NodeServices node, ApiKeyAuth auth, HttpClient http, VllmEndpoint endpoint) {
    this.vertx = vertx;
    this.node = node;
    this.auth = auth;
    this.http = http;
    this.endpoint = endpoint;
    this.clock = Clock.systemUTC();
    String bootstrap = node.config().kafka();
    this.kafka = bootstrap == null || bootstrap.isBlank() || node.producer() == null ? null
        : new KafkaRange(bootstrap, KAFKA_TIMEOUT);
  }

  void mount(Router router) {
    router.get("/admin/dlq").handler(this::admin).handler(this::dlq);
    // Vert.x Web wants the body handler first; the body is at most 1 MiB and only read by an admin's call.
    router.post("/admin/replay").handler(BodyHandler.create(false).setBodyLimit(1 << 20)).handler(this::admin)
        .handler(this::replay);
    router.get("/admin/requests").handler(this::admin).handler(this::requests);
    router.get("/admin/requests/:id/timeline").handler(this::admin).handler(this::timeline);
    router.get("/admin/status").handler(this::admin).handler(this::status);
    router.get("/admin/usage").handler(this::admin).handler(this::usage);
    // Vert.x Web matches "/admin/" here too: only the bare path is sent on to the dashboard's index.
    router.get("/admin").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) ctx.next(); else ctx.redirect("/admin/");
    });
    router.get("/admin/*").handler(ctx -> {
      // Nothing but this node's own files: no CDN, no inline code, no frames.
      ctx.response().putHeader("content-security-policy", "default-src 'self'; frame-ancestors 'none'")
          .putHeader("x-content-type-options", "nosniff").putHeader("referrer-policy", "no-referrer");
      ctx.next();
    }).handler(StaticHandler.create(WEBROOT).setIndexPage("index.html").setCachingEnabled(false));
  }

  private void admin(RoutingContext ctx) {
    switch (auth.adminCheck(ctx)) {
      case ADMIN -> ctx.next();
      case NOT_ADMIN -> HttpErrors.send(ctx.response(), new OpenAiError(403, "invalid_request_error",
          "admin_key_required", null, "This endpoint needs an admin key (--admin-keys or the tenants file's "
              + "admin_keys); a tenant's key is not enough."));
      case UNKNOWN_KEY -> HttpErrors.send(ctx.response(), OpenAiError.unauthorized());
    }
  }

  /** Runs {@code what} and answers its JSON; an OpenAiError becomes its error answer. */
  private void answer(RoutingContext ctx, Callable<Future<JsonObject>> what) {
    Future<JsonObject> f;
    try {
      f = what.call();
    } catch (OpenAiError e) {
      HttpErrors.send(ctx.response(), e);
      return;
    } catch (Exception e) {
      f = Future.failedFuture(e);
    }
    f.onSuccess(body -> {
      if (!ctx.response().ended()) {
        ctx.response().putHeader("content-type", "application/json").end(body.encode());
      }
    }).onFailure(err -> HttpErrors.send(ctx.response(), error(ctx, err)));
  }

  private static OpenAiError error(RoutingContext ctx, Throwable err) {
    if (err instanceof OpenAiError e) return e;
    if (err instanceof KafkaRange.Unavailable u) {
      return OpenAiError.server(503, "kafka_unavailable", "Kafka could not be read: " + u.getMessage() + ".");
    }
    String id = ctx.get(RequestIds.KEY);
    LOG.error("admin request {}: {} {} failed", id, ctx.request().method(), ctx.request().path(), err);
    return OpenAiError.server(500, "internal_error", "clawbus failed to handle request " + id
        + "; the failure is logged under that id.");
  }

  private KafkaRange kafka() {
    if (kafka == null) {
      throw OpenAiError.server(503, "kafka_unavailable", "This node runs without Kafka: no dead letters or timelines.");
    }
    return kafka;
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  // --- GET /admin/dlq -------------------------------------------------------------------------------------------

  private void dlq(RoutingContext ctx) {
    answer(ctx, () -> {
      AdminQueries.Range range = AdminQueries.range(ctx.request().params(), clock);
      boolean full = "true".equals(ctx.request().getParam("full"));
      KafkaRange k = kafka();
      return blocking(() -> letters(k.read(Topics.REQUESTS_DLQ, range.since(), range.until(),
          r -> range.keeps(r.key()), range.limit()))).compose(letters -> withReplays(letters).map(replays -> {
            JsonArray data = new JsonArray();
            for (int i = letters.size() - 1; i >= 0; i--) {
              DeadLetter d = letters.get(i);
              data.add(AdminQueries.view(d, replays.get(d.key()), full));
            }
            return new JsonObject().put("object", "list").put("data", data);
          }));
    });
  }

  /** The dead letters of {@code recs}; a record that is not one is shown as unreadable, never dropped. */
  private static List<DeadLetter> letters(List<KafkaRange.Rec> recs) {
    List<DeadLetter> out = new ArrayList<>(recs.size());
    for (KafkaRange.Rec r : recs) {
      try {
        out.add(DeadLetter.decode(r.value()));
      } catch (IllegalArgumentException e) {
        out.add(DeadLetter.unreadable(r.key() == null ? "?" : r.key(), r.value(), "not a dead letter", null,
            r.timestamp()));
      }
    }
    return out;
  }

  private Future<Map<String, String>> withReplays(List<DeadLetter> letters) {
    Set<String> keys = new HashSet<>();
    letters.forEach(d -> keys.add(d.key()));
    return node.replays().replaysOf(keys);
  }

  // --- GET /admin/usage -----------------------------------------------------------------------------------------

  /**
   * Per-tenant accounting from Kafka {@code clawbus.usage} (one record per finished request): the records of the
   * range (newest first, at most {@code limit}) and, per tenant, the requests by outcome and the tokens.
   */
  private void usage(RoutingContext ctx) {
    answer(ctx, () -> {
      AdminQueries.Range range = AdminQueries.range(ctx.request().params(), clock);
      KafkaRange k = kafka();
      return blocking(() -> k.read(Topics.USAGE, range.since(), range.until(),
          r -> range.tenant() == null || range.tenant().equals(r.key()), range.limit())).map(recs -> {
            JsonArray data = new JsonArray();
            Map<String, JsonObject> totals = new java.util.TreeMap<>();
            for (int i = recs.size() - 1; i >= 0; i--) {
              UsageRecord u;
              try {
                u = UsageRecord.decode(recs.get(i).value());
              } catch (IllegalArgumentException notUsage) {
                continue;
              }
              data.add(u.toJson());
              JsonObject t = totals.computeIfAbsent(u.tenant(), x -> new JsonObject().put("tenant", x)
                  .put("requests", 0L).put("prompt_tokens", 0L).put("completion_tokens", 0L)
                  .put("outcomes", new JsonObject()));
              t.put("requests", t.getLong("requests") + 1)
                  .put("prompt_tokens", t.getLong("prompt_tokens") + u.promptTokens())
                  .put("completion_tokens", t.getLong("completion_tokens") + u.completionTokens());
              JsonObject o = t.getJsonObject("outcomes");
              o.put(u.outcome(), o.getLong(u.outcome(), 0L) + 1);
            }
            return new JsonObject().put("object", "list").put("tenants", new JsonArray(new ArrayList<>(totals.values())))
                .put("data", data);
          });
    });
  }

  // --- POST /admin/replay ---------------------------------------------------------------------------------------

  private void replay(RoutingContext ctx) {
    answer(ctx, () -> {
      JsonObject body;
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
      AdminQueries.ReplayAsk ask = AdminQueries.replayAsk(body, clock);
      KafkaRange k = kafka();
      return blocking(() -> letters(k.read(Topics.REQUESTS_DLQ, ask.range().since(), ask.range().until(),
          r -> ask.mayMean(r.key()), Integer.MAX_VALUE)))
          .compose(letters -> {
            List<AdminQueries.Item> items = AdminQueries.resolve(ask, letters);
            if (items.size() > AdminQueries.MAX_REPLAY) {
              throw OpenAiError.invalidRequest("since", items.size() + " dead letters match; at most "
                  + AdminQueries.MAX_REPLAY + " per call: narrow the time or the tenant.");
            }
            return eachLimited(items, REPLAY_CONCURRENCY, item -> replayOne(item, ask));
          })
          .map(results -> summary(results, ask.dryRun()));
    });
  }

  private Future<JsonObject> replayOne(AdminQueries.Item item, AdminQueries.ReplayAsk ask) {
    JsonObject base = new JsonObject().put("id", item.target().id()).put("tenant", item.target().tenant());
    if (item.problem() != null) {
      return Future.succeededFuture(base.put("outcome", "failed").put("reason", item.problem()));
    }
    JsonObject msg = new JsonObject().put("letter", item.letter().toJson()).put("force", ask.force())
        .put("dry_run", ask.dryRun());
    return vertx.eventBus().<JsonObject>request(Addresses.REPLAY, msg, new DeliveryOptions().setSendTimeout(30_000))
        .map(reply -> base.mergeIn(reply.body()))
        .otherwise(err -> base.put("outcome", "failed").put("reason", HttpErrors.fromBus(err).getMessage()));
  }

  private static JsonObject summary(List<JsonObject> results, boolean dryRun) {
    int replayed = 0;
    int skipped = 0;
    int failed = 0;
    for (JsonObject r : results) {
      switch (r.getString("outcome")) {
        case "replayed", "would_replay" -> replayed++;
        case "skipped" -> skipped++;
        default -> failed++;
      }
    }
    return new JsonObject().put("object", "clawbus.replay").put("dry_run", dryRun).put("replayed", replayed)
        .put("skipped", skipped).put("failed", failed).put("results", new JsonArray(new ArrayList<>(results)));
  }

  /** Applies {@code f} to every item, at most {@code limit} at once, keeping their order in the result. */
  private static <I, O> Future<List<O>> eachLimited(List<I> items, int limit, Function<I, Future<O>> f) {
    List<O> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) out.add(null);
    if (items.isEmpty()) return Future.succeededFuture(out);
    Promise<List<O>> done = Promise.promise();
    int[] next = {0};
    int[] finished = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      if (next[0] >= items.size()) return;
      int i = next[0]++;
      f.apply(items.get(i)).onComplete(ar -> {
        out.set(i, ar.result());
        if (++finished[0] == items.size()) done.complete(out);
        else pump[0].run();
      });
    };
    for (int i = 0; i < Math.min(limit, items.size()); i++) pump[0].run();
    return done.future();
  }

  // --- GET /admin/requests --------------------------------------------------------------------------------------

  private void requests(RoutingContext ctx) {
    answer(ctx, () -> {
      Status status = AdminQueries.status(ctx.request().getParam("status"));
      String tenant = AdminQueries.tenant(ctx.request().getParam("tenant"));
      int limit = AdminQueries.limit(ctx.request().getParam("limit"));
      return node.store().find(status, tenant, null, limit).map(list -> {
        JsonArray data = new JsonArray();
        list.forEach(r -> data.add(r.toJson()));
        return new JsonObject().put("object", "list").put("data", data);
      });
    });
  }

  // --- GET /admin/requests/{id}/timeline ------------------------------------------------------------------------

  private void timeline(RoutingContext ctx) {
    answer(ctx, () -> {
      String id = ctx.pathParam("id");
      String tenant = AdminQueries.tenant(ctx.request().getParam("tenant"));
      KafkaRange k = kafka();
      return where(id, tenant, k).compose(at -> blocking(() -> k.ofKey(Topics.EVENTS, at.key(),
          at.since() - CLOCK_SLACK_MILLIS)).compose(recs -> {
            List<Timeline.Entry> entries = new ArrayList<>(recs.size());
            for (KafkaRange.Rec r : recs) {
              try {
                for (EventLogRecord rec : EventLogRecord.decodeAll(r.value())) {
                  entries.add(new Timeline.Entry(r.timestamp(), rec));
                }
              } catch (IllegalArgumentException e) {
                LOG.warn("unreadable {} record at {}@{}", Topics.EVENTS, r.partition(), r.offset());
              }
            }
            Timeline t = Timeline.of(entries);
            RequestRecord last = at.record() != null ? at.record() : t.last();
            if (last == null && entries.isEmpty()) throw RequestsApi.notFound(id);
            return node.replays().replayOf(at.key()).map(replayedAs -> new JsonObject()
                .put("object", "clawbus.timeline").put("id", id).put("tenant", at.key().substring(0,
                    at.key().indexOf('/'))).put("key", at.key())
                .put("status", last == null ? null : last.status().wire())
                .put("replay_of", last == null ? null : last.replayOf()).put("replayed_as", replayedAs)
                .put("record", last == null ? null : last.toJson()).put("events", t.events()));
          }));
    });
  }

  /** Where a request's history is: its key, from when to read it, and its record if the store still has it. */
  private record Location(String key, long since, RequestRecord record) {}

  private Future<Location> where(String id, String tenant, KafkaRange k) {
    Future<List<RequestRecord>> found = tenant != null
        ? node.store().get(RequestRecord.key(tenant, id)).map(r -> r == null ? List.of() : List.of(r))
        : node.store().find(null, null, id, 10);
    return found.compose(list -> {
      if (list.size() > 1) {
        Set<String> tenants = new java.util.TreeSet<>();
        list.forEach(r -> tenants.add(r.tenant()));
        throw new OpenAiError(400, "invalid_request_error", "ambiguous_request_id", "tenant",
            "Request id '" + id + "' exists in tenants " + tenants + ": add ?tenant=.");
      }
      if (list.size() == 1) {
        RequestRecord r = list.get(0);
        return Future.succeededFuture(new Location(r.key(), r.receivedAt(), r));
      }
      // Gone from the store (older than its retention): the dead letter, if any, says where and when.
      return blocking(() -> letters(k.read(Topics.REQUESTS_DLQ, null, null, r -> r.key() != null
          && r.key().endsWith("/" + id) && (tenant == null || r.key().equals(RequestRecord.key(tenant, id))), 10)))
          .map(letters -> {
            Set<String> keys = new java.util.TreeSet<>();
            letters.forEach(d -> keys.add(d.key()));
            if (keys.size() > 1) {
              throw new OpenAiError(400, "invalid_request_error", "ambiguous_request_id", "tenant",
                  "Request id '" + id + "' exists in several tenants: add ?tenant=.");
            }
            if (!letters.isEmpty()) {
              DeadLetter d = letters.get(letters.size() - 1);
              return new Location(d.key(), d.receivedAt(), null);
            }
            if (tenant != null) return new Location(RequestRecord.key(tenant, id), 0, null);
            throw RequestsApi.notFound(id);
          });
    });
  }

  // --- GET /admin/status ----------------------------------------------------------------------------------------

  private void status(RoutingContext ctx) {
    answer(ctx, () -> {
      Future<Boolean> healthy = http.request(endpoint.options(HttpMethod.GET, "/health").setTimeout(2_000))
          .compose(r -> r.send()).compose(r -> r.body().map(b -> r.statusCode() == 200)).otherwise(false);
      Future<VllmSaturation.Snapshot> metrics = http.request(endpoint.options(HttpMethod.GET, "/metrics")
              .setTimeout(2_000)).compose(r -> r.send())
          .compose(r -> r.body().map(b -> r.statusCode() == 200 ? VllmSaturation.parse(b.toString()) : null))
          .otherwise((VllmSaturation.Snapshot) null);
      Future<List<RequestRecord>> queued = node.store().find(Status.QUEUED, null, null, 100_000);
      Future<List<RequestRecord>> running = node.store().find(Status.RUNNING, null, null, 100_000);
      Future<List<RequestRecord>> failed = node.store().find(Status.FAILED, null, null, 20);
      return Future.all(healthy, metrics, queued, running, failed).map(x -> {
        JsonObject vllm = new JsonObject().put("url", node.config().vllmUrl()).put("healthy", healthy.result());
        VllmSaturation.Snapshot s = metrics.result();
        if (s != null && s.seen()) {
          vllm.put("running", s.running()).put("waiting", s.waiting())
              .put("kv_cache_usage", Double.isNaN(s.kvCacheUsage()) ? null : s.kvCacheUsage())
              .put("saturated", s.saturated(VllmSaturation.DEFAULT_KV_THRESHOLD));
        }
        Map<String, int[]> perTenant = new TreeMap<>();
        queued.result().forEach(r -> perTenant.computeIfAbsent(r.tenant(), t -> new int[2])[0]++);
        running.result().forEach(r -> perTenant.computeIfAbsent(r.tenant(), t -> new int[2])[1]++);
        JsonArray tenants = new JsonArray();
        perTenant.forEach((t, n) -> tenants.add(new JsonObject().put("tenant", t).put("queued", n[0])
            .put("running", n[1])));
        JsonArray errors = new JsonArray();
        for (RequestRecord r : failed.result()) {
          errors.add(new JsonObject().put("id", r.id()).put("tenant", r.tenant()).put("at", r.updatedAt())
              .put("node", r.node()).put("error", r.error() == null ? null : r.error().toJson()));
        }
        return new JsonObject().put("object", "clawbus.status").put("node", node.nodeName())
            .put("cluster_size", node.hazelcast().getCluster().getMembers().size()).put("vllm", vllm)
            .put("queued", queued.result().size()).put("running", running.result().size())
            .put("tenants", tenants).put("recent_errors", errors);
      });
    });
  }
}
