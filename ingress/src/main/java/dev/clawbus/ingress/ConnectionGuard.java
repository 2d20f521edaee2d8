package dev.clawbus.ingress;

import dev.clawbus.infra.contract.OpenAiError;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection hygiene for the ingress's {@link HttpServer}: a request must arrive whole (headers and body)
 * within {@link Settings#requestTimeoutMillis()}, a keep-alive connection may sit idle between requests for
 * {@link Settings#idleTimeoutMillis()}, and at most {@link Settings#maxConnections()} connections are open
 * on the node. While a response is being written (a long SSE stream, with or without writes), none of them
 * applies: the guard only looks at a connection that has no request whose response has started.
 *
 * <p>What each limit does:
 * <ul>
 *   <li><b>request timeout</b>, from the moment the connection opened (first request) or the headers
 *   arrived (later requests): a request whose headers came but whose body did not is answered
 *   {@code 408} in OpenAI's error shape with {@code Connection: close}, then the connection is closed; a
 *   connection that never completed its first request's headers is closed (there is no request to answer
 *   yet: the HTTP codec has not produced one).</li>
 *   <li><b>idle timeout</b>, from the end of the last response: the connection is closed. A keep-alive
 *   client reconnects; this is what nginx's {@code keepalive_timeout} does. Vert.x's own
 *   {@code HttpServerOptions.setIdleTimeout} is not used: it also fires in the middle of a response that
 *   writes nothing for a while (a model still thinking) and on a client that stopped reading.</li>
 *   <li><b>connection limit</b>, node-wide (shared by every verticle instance through
 *   {@link Vertx#sharedData()}): a connection past it is kept just long enough to answer its first request
 *   {@code 503} ({@code service_unavailable}, code {@code too_many_connections}) with
 *   {@code Connection: close} and {@code Retry-After: 1}, then closed; if no request comes within
 *   {@link Settings#refusalGraceMillis()} it is closed. A clear 503 tells clients and operators what
 *   happened and OpenAI SDKs retry it with backoff, where a bare reset looks like a network fault. Past
 *   {@link #hardLimit(int)} (the limit plus 10 %) connections are closed at once, so a flood cannot hold
 *   more file descriptors than that.</li>
 * </ul>
 * It also answers requests the HTTP codec rejects (line or headers too long, garbage) in OpenAI's error
 * shape (414, 431, 400) instead of Vert.x's empty body.
 *
 * <p>Create the server through the guard, from the verticle that owns it, one guard per server instance:
 * <pre>
 *   guard = ConnectionGuard.create(vertx, serverOptions, router, ConnectionOptions.settings(config));
 *   server = guard.server();
 *   server.listen();
 *   ...
 *   guard.close(); // in stop()
 * </pre>
 * It turns off HTTP/2 over clear text (h2c; OpenAI SDKs speak HTTP/1.1): with h2c on, Vert.x waits for a
 * connection's first request before it reports the connection (it must see whether the client upgrades),
 * so a client that connects and sends nothing, or half a header, would be invisible to the guard.
 * The guard owns the server's request, connection and invalid-request handlers and each connection's
 * {@code closeHandler}. All its state is confined to the server's event loop; the timers are checked by one
 * periodic sweep per guard ({@link #sweepMillis}), so a timeout fires within one sweep after it is due.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  /** File descriptors kept out of the connection limit for Kafka, Hazelcast, vLLM connections, logs, jars. */
  static final int FD_RESERVE = 1024;

  /**
   * @param requestTimeoutMillis headers and body of a request must arrive within this (0 = no limit)
   * @param idleTimeoutMillis    a connection with no request in progress is closed after this (0 = no limit)
   * @param maxConnections       open connections on this node (0 = no limit)
   * @param refusalGraceMillis   how long a connection past the limit may take to send the request it is
   *                             refused with a 503
   */
  public record Settings(long requestTimeoutMillis, long idleTimeoutMillis, int maxConnections,
      long refusalGraceMillis) {
    public Settings {
      if (requestTimeoutMillis < 0 || idleTimeoutMillis < 0 || maxConnections < 0 || refusalGraceMillis < 0) {
        throw new IllegalArgumentException("connection limits must not be negative");
      }
    }

    /** 30 s to send a request, 90 s idle between requests, 10,000 connections, 2 s to be told "503". */
    public static Settings defaults() {
      return new Settings(30_000, 90_000, 10_000, 2_000);
    }
  }

  /** What the sweep does with a connection. */
  enum Action { NONE, CLOSE, TIMEOUT_408, REFUSE_CLOSE }

  /** The node-wide count of open connections (a {@link Shareable} so it can live in a local map). */
  static final class OpenCount extends AtomicInteger implements Shareable {}

  /** One connection's state; only the guard's event loop touches it. */
  static final class Conn {
    final HttpConnection connection;
    final long openedAt;
    final boolean refused;
    /** When the connection last had no request in progress (open time before the first request). */
    long waitingSince;
    /** Whether a request has been seen: then the idle timeout applies between requests. */
    boolean served;
    final List<Live> live = new ArrayList<>(1);
    boolean closing;

    Conn(HttpConnection connection, long now, boolean refused) {
      this.connection = connection;
      this.openedAt = now;
      this.waitingSince = now;
      this.refused = refused;
    }
  }

  /** A request in progress and when its time started. */
  record Live(HttpServerRequest request, long since) {}

  private final Vertx vertx;
  private final HttpServer server;
  private final Settings settings;
  private final int limit;
  private final OpenCount open;
  private final LongSupplier clock;
  private final Map<HttpConnection, Conn> conns = new HashMap<>();
  private final long timer;
  private final String timeoutBody;
  private final String refusalBody;

  private ConnectionGuard(Vertx vertx, HttpServer server, Settings settings, int limit, OpenCount open,
      LongSupplier clock) {
    this.vertx = vertx;
    this.server = server;
    this.settings = settings;
    this.limit = limit;
    this.open = open;
    this.clock = clock;
    this.timeoutBody = new OpenAiError(408, "invalid_request_error", "request_timeout", null,
        "The request was not received within " + seconds(settings.requestTimeoutMillis()) + " s.").body().encode();
    this.refusalBody = OpenAiError.server(503, "too_many_connections",
        "clawbus has too many open connections; retry shortly.").body().encode();
    this.timer = vertx.setPeriodic(sweepMillis(settings), t -> sweep());
  }

  /**
   * A server with {@code options} (h2c turned off, on a copy) and the guard in front of {@code app}; listen
   * on {@link #server()}.
   */
  public static ConnectionGuard create(Vertx vertx, HttpServerOptions options, Handler<HttpServerRequest> app,
      Settings settings) {
    HttpServer server = vertx.createHttpServer(guarded(options));
    int limit = effectiveLimit(settings.maxConnections(), maxFileDescriptors());
    if (limit != settings.maxConnections()) {
      LOG.warn("connection limit {} does not fit the process's file descriptor limit {}; using {}",
          settings.maxConnections(), maxFileDescriptors(), limit);
    }
    return install(vertx, server, app, settings, limit, sharedCount(vertx), System::currentTimeMillis);
  }

  /** {@code options} with what the guard needs: HTTP/1.x only, so connections are reported as they open. */
  public static HttpServerOptions guarded(HttpServerOptions options) {
    return new HttpServerOptions(options).setHttp2ClearTextEnabled(false);
  }

  static ConnectionGuard install(Vertx vertx, HttpServer server, Handler<HttpServerRequest> app, Settings settings,
      int limit, OpenCount open, LongSupplier clock) {
    ConnectionGuard g = new ConnectionGuard(vertx, server, settings, limit, open, clock);
    server.connectionHandler(g::onConnection);
    server.requestHandler(req -> g.onRequest(req, app));
    server.invalidRequestHandler(ConnectionGuard::invalidRequest);
    return g;
  }

  /** The guarded server (not yet listening when the guard was made by {@link #create}). */
  public HttpServer server() {
    return server;
  }

  /** Stops the sweep (the server's own close closes the connections). */
  public void close() {
    vertx.cancelTimer(timer);
  }

  /** Open connections on this node, as the guard counts them. */
  public int openConnections() {
    return open.get();
  }

  /** The connection limit in force (the configured one, lowered to fit the file descriptor limit). */
  public int limit() {
    return limit;
  }

  static OpenCount sharedCount(Vertx vertx) {
    LocalMap<String, OpenCount> m = vertx.sharedData().getLocalMap("clawbus.connection-guard");
    OpenCount fresh = new OpenCount();
    OpenCount had = m.putIfAbsent("open", fresh);
    return had == null ? fresh : had;
  }

  /** How often the timers are checked: a quarter of the shortest, between 50 ms and 1 s. */
  static long sweepMillis(Settings s) {
    long shortest = Long.MAX_VALUE;
    for (long t : new long[] {s.requestTimeoutMillis(), s.idleTimeoutMillis(), s.refusalGraceMillis()}) {
      if (t > 0) shortest = Math.min(shortest, t);
    }
    return Math.max(50, Math.min(1_000, shortest / 4));
  }

  /**
   * The limit in force: the configured one (0 = none) but never more than the process's file descriptor
   * limit less {@link #FD_RESERVE} (when that is known, i.e. {@code maxFds > 0}).
   */
  static int effectiveLimit(int configured, long maxFds) {
    if (maxFds <= 0) return configured;
    int fit = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxFds - FD_RESERVE));
    return configured == 0 || configured > fit ? fit : configured;
  }

  /** Past this many open connections, new ones are closed at once instead of being answered 503. */
  static int hardLimit(int limit) {
    return limit == 0 ? Integer.MAX_VALUE : limit + Math.max(16, limit / 10);
  }

  static long maxFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.UnixOperatingSystemMXBean u ? u.getMaxFileDescriptorCount() : -1;
  }

  /**
   * The decision for one connection at {@code now}; I/O-free. {@code pendingSince} is the start of the
   * oldest request still being received with no response begun (-1 if none), {@code responding} whether a
   * response is in progress.
   */
  static Action decide(Settings s, long now, boolean refused, long openedAt, boolean served, long waitingSince,
      int liveRequests, long pendingSince, boolean responding) {
    if (refused) {
      return now - openedAt >= s.refusalGraceMillis() ? Action.REFUSE_CLOSE : Action.NONE;
    }
    if (pendingSince >= 0 && !responding) {
      return s.requestTimeoutMillis() > 0 && now - pendingSince >= s.requestTimeoutMillis()
          ? Action.TIMEOUT_408 : Action.NONE;
    }
    if (liveRequests > 0) {
      return Action.NONE;
    }
    long limit = served ? s.idleTimeoutMillis() : s.requestTimeoutMillis();
    return limit > 0 && now - waitingSince >= limit ? Action.CLOSE : Action.NONE;
  }

  // ------------------------------------------------------------------ Vert.x hooks

  private void onConnection(HttpConnection c) {
    int n = open.incrementAndGet();
    c.closeHandler(v -> {
      open.decrementAndGet();
      conns.remove(c);
    });
    if (limit > 0 && n > hardLimit(limit)) {
      c.close();
      return;
    }
    conns.put(c, new Conn(c, clock.getAsLong(), limit > 0 && n > limit));
  }

  private void onRequest(HttpServerRequest req, Handler<HttpServerRequest> app) {
    Conn c = conns.get(req.connection());
    if (c == null) {
      app.handle(req); // closed meanwhile, or a connection the guard did not see open
      return;
    }
    if (c.refused) {
      c.closing = true;
      req.response().setStatusCode(503).putHeader("content-type", "application/json")
          .putHeader("connection", "close").putHeader("retry-after", "1").end(refusalBody)
          .onComplete(ar -> c.connection.close());
      return;
    }
    long now = clock.getAsLong();
    // The first request's time runs from the connection's opening (headers included); a later one's from
    // its headers (the wait before them was idle time).
    c.live.add(new Live(req, c.served ? now : c.openedAt));
    c.served = true;
    app.handle(req);
  }

  /** Runs every {@link #sweepMillis}: applies the timeouts. */
  void sweep() {
    long now = clock.getAsLong();
    for (Conn c : conns.values()) {
      if (c.closing) continue;
      long pendingSince = -1;
      boolean responding = false;
      for (int i = c.live.size() - 1; i >= 0; i--) {
        HttpServerRequest r = c.live.get(i).request();
        HttpServerResponse resp = r.response();
        if (resp.ended() || resp.closed()) {
          c.live.remove(i);
          if (c.live.isEmpty()) c.waitingSince = now;
        } else if (resp.headWritten()) {
          responding = true;
        } else if (!r.isEnded()) {
          long since = c.live.get(i).since();
          pendingSince = pendingSince < 0 ? since : Math.min(pendingSince, since);
        } else {
          responding = true; // received whole; the application is working on the answer
        }
      }
      Action a = decide(settings, now, c.refused, c.openedAt, c.served, c.waitingSince, c.live.size(),
          pendingSince, responding);
      if (a != Action.NONE) {
        c.closing = true;
        if (a == Action.TIMEOUT_408) timeout(c);
        else c.connection.close();
      }
    }
  }

  private void timeout(Conn c) {
    for (Live l : c.live) {
      HttpServerResponse resp = l.request().response();
      if (!l.request().isEnded() && !resp.headWritten() && !resp.ended()) {
        resp.setStatusCode(408).putHeader("content-type", "application/json").putHeader("connection", "close")
            .end(timeoutBody).onComplete(ar -> c.connection.close());
        return;
      }
    }
    c.connection.close();
  }

  /** Requests the HTTP codec could not read: OpenAI's error shape, then the connection is closed. */
  static void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    OpenAiError e;
    if (cause instanceof TooLongHttpLineException) {
      e = new OpenAiError(414, "invalid_request_error", "uri_too_long", null, "The request line is too long.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      e = new OpenAiError(431, "invalid_request_error", "headers_too_large", null, "The request headers are too large.");
    } else {
      e = new OpenAiError(400, "invalid_request_error", "invalid_http", null, "The request is not valid HTTP.");
    }
    req.response().setStatusCode(e.status()).putHeader("content-type", "application/json")
        .putHeader("connection", "close").end(e.body().encode()).onComplete(ar -> req.connection().close());
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format("%.1f", millis / 1000.0);
  }
}
