package dev.clawbus.infra.vllm;

import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.config.ModelSettings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The models clients may ask for: what vLLM serves ({@code /v1/models}, cached briefly so a burst of
 * requests does not hit vLLM) plus the models named in the config file. While vLLM is unreachable the
 * configured list answers and requests for any model are accepted, so they can wait in the queue.
 */
public final class ModelCatalog {
  /** A model a request may use: the name vLLM knows it by and its context window, when known. */
  public record ModelInfo(ModelSettings settings, Integer maxModelLen) {}

  private static final long FRESH_MILLIS = 5_000;
  private static final long TIMEOUT_MILLIS = 3_000;

  private final Vertx vertx;
  private final HttpClient client;
  private final VllmEndpoint endpoint;
  private final ClawbusConfig config;
  private JsonObject cached;
  private long cachedAt;
  private Future<JsonObject> inFlight;

  public ModelCatalog(Vertx vertx, HttpClient client, ClawbusConfig config) {
    this.vertx = vertx;
    this.client = client;
    this.endpoint = VllmEndpoint.parse(config.vllmUrl());
    this.config = config;
  }

  /**
   * vLLM's model list; empty when vLLM could not be asked and nothing is cached. Once a list is known it is answered
   * at once, and a stale one is refreshed in the background: no request waits for {@code /v1/models} on its way to
   * its first token.
   */
  public Future<Optional<JsonObject>> vllmModels() {
    long now = System.currentTimeMillis();
    if (cached != null) {
      if (now - cachedAt >= FRESH_MILLIS && inFlight == null) {
        inFlight = fetch().andThen(ar -> inFlight = null);
      }
      return Future.succeededFuture(Optional.of(cached));
    }
    if (inFlight == null) {
      inFlight = fetch().andThen(ar -> inFlight = null);
    }
    return inFlight.map(Optional::of).otherwise(err -> Optional.ofNullable(cached));
  }

  /** The answer to {@code GET /v1/models}: vLLM's list, or the configured models when vLLM is down. */
  public Future<JsonObject> list() {
    return vllmModels().map(found -> found.orElseGet(this::configuredList));
  }

  /** The model a client asked for, or empty when vLLM is known to serve no such model. */
  public Future<Optional<ModelInfo>> lookup(String model) {
    ModelSettings settings = config.model(model);
    boolean configured = config.models().containsKey(model);
    return vllmModels().map(found -> {
      if (found.isEmpty()) {
        return Optional.of(new ModelInfo(settings, settings.maxModelLen()));
      }
      JsonObject entry = find(found.get(), settings.backendModel());
      if (entry == null) {
        return configured ? Optional.of(new ModelInfo(settings, settings.maxModelLen())) : Optional.empty();
      }
      Integer len = settings.maxModelLen() != null ? settings.maxModelLen() : entry.getInteger("max_model_len");
      return Optional.of(new ModelInfo(settings, len));
    });
  }

  private static JsonObject find(JsonObject list, String id) {
    JsonArray data = list.getJsonArray("data", new JsonArray());
    for (int i = 0; i < data.size(); i++) {
      JsonObject m = data.getJsonObject(i);
      if (id.equals(m.getString("id"))) return m;
    }
    return null;
  }

  private JsonObject configuredList() {
    JsonArray data = new JsonArray();
    long created = System.currentTimeMillis() / 1000;
    for (String name : config.models().fieldNames()) {
      JsonObject m = new JsonObject().put("id", name).put("object", "model").put("created", created)
          .put("owned_by", "clawbus");
      Integer len = config.model(name).maxModelLen();
      if (len != null) m.put("max_model_len", len);
      data.add(m);
    }
    return new JsonObject().put("object", "list").put("data", data);
  }

  private Future<JsonObject> fetch() {
    Promise<JsonObject> p = Promise.promise();
    client.request(endpoint.options(HttpMethod.GET, "/v1/models").setTimeout(TIMEOUT_MILLIS))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("vLLM /v1/models answered " + resp.statusCode());
          }
          return body.toJsonObject();
        }))
        .onSuccess(json -> {
          cached = json;
          cachedAt = System.currentTimeMillis();
          p.complete(json);
        })
        .onFailure(p::fail);
    return p.future();
  }
}
