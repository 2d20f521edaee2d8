package dev.clawbus.app.ops;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A running node's admin API, as the operator commands call it. Every way it can go wrong is a {@link Failure} whose
 * message is one line for people: no node at the address, a refused key, an error the node answered.
 */
final class AdminClient {
  /** What went wrong, in one line. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  private final URI base;
  private final String key;
  private final HttpClient http;
  private final Duration timeout;

  AdminClient(URI base, String key, Duration timeout) {
    this.base = base;
    this.key = key;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  JsonObject get(String pathAndQuery) throws Failure {
    return send(request(pathAndQuery).GET());
  }

  JsonObject post(String path, JsonObject body) throws Failure {
    return send(request(path).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
        .header("accept", "application/json");
    if (key != null) b.header("authorization", "Bearer " + key);
    return b;
  }

  private JsonObject send(HttpRequest.Builder b) throws Failure {
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new Failure("no clawbus node answers at " + base + " (" + (e instanceof ConnectException
          ? "connection refused" : "connect timed out") + "); is it running? see --url");
    } catch (HttpTimeoutException e) {
      throw new Failure(base + " did not answer within " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      throw new Failure("no clawbus node answers at " + base + " (" + (e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage()) + "); is it running? see --url");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
    JsonObject body = null;
    try {
      body = new JsonObject(r.body());
    } catch (RuntimeException ignored) {
      // not JSON: said below
    }
    if (r.statusCode() == 401) {
      throw new Failure(base + " refused the admin key" + (key == null ? " (none given)" : "")
          + ": pass --admin-key KEY or set " + OpsOptions.KEY_ENV);
    }
    if (r.statusCode() == 403) {
      throw new Failure(base + " needs an admin key; the key given is a tenant's (see --admin-keys)");
    }
    if (r.statusCode() >= 300 || body == null) {
      String msg = body != null && body.getValue("error") instanceof JsonObject e ? e.getString("message")
          : "HTTP " + r.statusCode();
      if (r.statusCode() == 404 && body != null && body.getValue("error") instanceof JsonObject e
          && "not_found".equals(e.getString("code"))) {
        msg = "no admin API here; is " + base + " a clawbus node?";
      }
      throw new Failure(msg);
    }
    return body;
  }
}
