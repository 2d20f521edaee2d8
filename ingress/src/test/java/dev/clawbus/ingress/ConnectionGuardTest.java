package dev.clawbus.ingress;

import static dev.clawbus.ingress.ConnectionGuard.Action.CLOSE;
import static dev.clawbus.ingress.ConnectionGuard.Action.NONE;
import static dev.clawbus.ingress.ConnectionGuard.Action.REFUSE_CLOSE;
import static dev.clawbus.ingress.ConnectionGuard.Action.TIMEOUT_408;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {
  private final Vertx vertx = Vertx.vertx();
  private final List<Socket> sockets = new ArrayList<>();
  private ConnectionGuard guard;
  private int port;

  @AfterEach
  void tearDown() throws Exception {
    for (Socket s : sockets) s.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ the decisions, I/O-free

  private static final ConnectionGuard.Settings S = new ConnectionGuard.Settings(30_000, 90_000, 100, 2_000);

  @Test
  void decisions() {
    // a new connection that has not completed a request: the request timeout, from its opening
    assertEquals(NONE, ConnectionGuard.decide(S, 29_999, false, 0, false, 0, 0, -1, false));
    assertEquals(CLOSE, ConnectionGuard.decide(S, 30_000, false, 0, false, 0, 0, -1, false));
    // headers came, body did not: 408
    assertEquals(NONE, ConnectionGuard.decide(S, 29_999, false, 0, true, 0, 1, 0, false));
    assertEquals(TIMEOUT_408, ConnectionGuard.decide(S, 30_000, false, 0, true, 0, 1, 0, false));
    // a response in progress: nothing applies, however long
    assertEquals(NONE, ConnectionGuard.decide(S, 10_000_000, false, 0, true, 0, 1, -1, true));
    assertEquals(NONE, ConnectionGuard.decide(S, 10_000_000, false, 0, true, 0, 1, 0, true));
    // between requests: the idle timeout, from the end of the last response
    assertEquals(NONE, ConnectionGuard.decide(S, 189_999, false, 0, true, 100_000, 0, -1, false));
    assertEquals(CLOSE, ConnectionGuard.decide(S, 190_000, false, 0, true, 100_000, 0, -1, false));
    // past the limit: a grace to send the request that is refused
    assertEquals(NONE, ConnectionGuard.decide(S, 1_999, true, 0, false, 0, 0, -1, false));
    assertEquals(REFUSE_CLOSE, ConnectionGuard.decide(S, 2_000, true, 0, false, 0, 0, -1, false));
    // 0 = no limit
    ConnectionGuard.Settings none = new ConnectionGuard.Settings(0, 0, 0, 0);
    assertEquals(NONE, ConnectionGuard.decide(none, Long.MAX_VALUE / 2, false, 0, false, 0, 0, -1, false));
    assertEquals(NONE, ConnectionGuard.decide(none, Long.MAX_VALUE / 2, false, 0, true, 0, 1, 0, false));
    assertEquals(NONE, ConnectionGuard.decide(none, Long.MAX_VALUE / 2, false, 0, true, 0, 0, -1, false));
  }

  @Test
  void limitsFitTheFileDescriptors() {
    assertEquals(10_000, ConnectionGuard.effectiveLimit(10_000, 65_536));
    assertEquals(20_000 - 1024, ConnectionGuard.effectiveLimit(50_000, 20_000));
    assertEquals(20_000 - 1024, ConnectionGuard.effectiveLimit(0, 20_000));
    assertEquals(1, ConnectionGuard.effectiveLimit(10_000, 1000));
    assertEquals(10_000, ConnectionGuard.effectiveLimit(10_000, -1));
    assertEquals(11_000, ConnectionGuard.hardLimit(10_000));
    assertEquals(36, ConnectionGuard.hardLimit(20));
    assertEquals(500, ConnectionGuard.sweepMillis(ConnectionGuard.Settings.defaults()));
    assertEquals(250, ConnectionGuard.sweepMillis(new ConnectionGuard.Settings(1_000, 0, 0, 0)));
    assertEquals(50, ConnectionGuard.sweepMillis(new ConnectionGuard.Settings(10, 10, 0, 10)));
    assertTrue(ConnectionGuard.maxFileDescriptors() > 0, "a Unix JVM reports its limit");
  }

  // ------------------------------------------------------------------ a real server and raw sockets

  /** Starts a bare Vert.x server with the guard in front of {@code app}, from a verticle as the ingress does. */
  private void start(ConnectionGuard.Settings s, int limit, Handler<HttpServerRequest> app) {
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        HttpServer server = vertx.createHttpServer(
            ConnectionGuard.guarded(new HttpServerOptions().setHost("127.0.0.1").setPort(0)));
        guard = ConnectionGuard.install(vertx, server, app, s, limit, ConnectionGuard.sharedCount(vertx),
            System::currentTimeMillis);
        return server.listen().onSuccess(srv -> port = srv.actualPort());
      }
    }).await();
  }

  private static void ok(HttpServerRequest req) {
    req.body().onSuccess(b -> req.response().putHeader("content-type", "application/json").end("{\"ok\":true}"));
  }

  private Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(20_000);
    sockets.add(s);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream o = s.getOutputStream();
    o.write(text.getBytes(StandardCharsets.ISO_8859_1));
    o.flush();
  }

  /** Reads one response with a Content-Length body (headers lower-cased), or null at EOF before any byte. */
  private static String readResponse(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      head.write(c);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
    }
    if (head.size() == 0) return null;
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int len = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) len = Integer.parseInt(line.substring(15).trim());
    }
    byte[] body = in.readNBytes(len);
    return headers.toLowerCase() + new String(body, StandardCharsets.UTF_8);
  }

  /** Whether the server closed {@code s} (EOF), waiting at most {@code millis}. */
  private static boolean closedWithin(Socket s, long millis) throws IOException {
    long deadline = System.currentTimeMillis() + millis;
    InputStream in = s.getInputStream();
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return false;
      s.setSoTimeout((int) left);
      try {
        if (in.read() < 0) return true;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  @Test
  void halfSentRequestsAreAnswered408OrClosedWhileOthersAreServed() throws Exception {
    long timeout = 3_000;
    start(new ConnectionGuard.Settings(timeout, 60_000, 5_000, 2_000), 5_000, ConnectionGuardTest::ok);
    long t0 = System.currentTimeMillis();
    List<Socket> halfHeader = new ArrayList<>();
    List<Socket> halfBody = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Socket s = connect();
      if (i % 2 == 0) {
        send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Ty");
        halfHeader.add(s);
      } else {
        send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100\r\n\r\n{\"model\":");
        halfBody.add(s);
      }
    }
    // normal requests are served meanwhile, each on a fresh connection, until the half-sent ones are gone
    int served = 0;
    Socket normal = connect();
    while (System.currentTimeMillis() - t0 < timeout + 500) {
      send(normal, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
      String r = readResponse(normal);
      assertTrue(r != null && r.startsWith("http/1.1 200"), String.valueOf(r));
      served++;
    }
    assertTrue(served > 10, "served " + served);
    // one sweep (750 ms) and slack for 1,000 closes on a 2-core machine that may be busy with other work
    long deadline = t0 + timeout + 5_000;
    for (Socket s : halfBody) {
      s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
      String r = readResponse(s);
      assertTrue(r.startsWith("http/1.1 408"), r);
      assertTrue(r.contains("connection: close"), r);
      JsonObject err = new JsonObject(r.substring(r.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
      assertEquals("request_timeout", err.getString("code"));
      assertEquals("invalid_request_error", err.getString("type"));
      assertTrue(closedWithin(s, Math.max(1, deadline - System.currentTimeMillis())), "closed after the 408");
    }
    for (Socket s : halfHeader) {
      assertTrue(closedWithin(s, Math.max(1, deadline - System.currentTimeMillis())), "half header closed");
    }
    long took = System.currentTimeMillis() - t0;
    assertTrue(took >= timeout - 100, "not before the timeout: " + took);
    // and the server still serves
    Socket after = connect();
    send(after, get("/after"));
    assertTrue(readResponse(after).startsWith("http/1.1 200"));
  }

  @Test
  void aLongSseStreamIsNotCutByAnyTimeout() throws Exception {
    // every limit is 1 s; the answer starts after 3 s and then writes every 3 s for 30 s
    AtomicInteger writes = new AtomicInteger();
    start(new ConnectionGuard.Settings(1_000, 1_000, 100, 1_000), 100, req -> req.body().onSuccess(b -> {
      vertx.setTimer(3_000, t0 -> {
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
        vertx.setPeriodic(0, 3_000, id -> {
          int n = writes.incrementAndGet();
          if (req.response().closed()) {
            vertx.cancelTimer(id);
          } else if (n <= 10) {
            req.response().write("data: {\"n\":" + n + "}\n\n");
          } else {
            vertx.cancelTimer(id);
            req.response().end("data: [DONE]\n\n");
          }
        });
      });
    }));
    Socket s = connect();
    s.setSoTimeout(60_000);
    long t0 = System.currentTimeMillis();
    send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    String all = new String(readUntil(s.getInputStream(), "data: [DONE]\n\n"), StandardCharsets.UTF_8);
    long took = System.currentTimeMillis() - t0;
    for (int n = 1; n <= 10; n++) assertTrue(all.contains("data: {\"n\":" + n + "}"), all);
    assertTrue(took >= 30_000, "the stream lasted " + took + " ms");
    // once the answer is over, the idle timeout does apply to the same connection
    assertTrue(closedWithin(s, 5_000), "idle after the stream");
  }

  private static byte[] readUntil(InputStream in, String end) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] e = end.getBytes(StandardCharsets.UTF_8);
    int c;
    while ((c = in.read()) >= 0) {
      out.write(c);
      if (out.size() >= e.length) {
        byte[] b = out.toByteArray();
        boolean match = true;
        for (int i = 0; i < e.length && match; i++) match = b[b.length - e.length + i] == e[i];
        if (match) return b;
      }
    }
    throw new IOException("closed before '" + end.trim() + "': " + out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void idleKeepAliveAndSilentConnectionsAreClosed() throws Exception {
    start(new ConnectionGuard.Settings(1_000, 2_000, 100, 1_000), 100, ConnectionGuardTest::ok);
    Socket silent = connect();
    Socket keepAlive = connect();
    long t0 = System.currentTimeMillis();
    send(keepAlive, get("/a"));
    assertTrue(readResponse(keepAlive).startsWith("http/1.1 200"));
    assertTrue(closedWithin(silent, 3_000), "silent connection closed after the request timeout");
    assertTrue(System.currentTimeMillis() - t0 >= 900);
    // still open after the request timeout: the idle timeout (2 s) applies after a response
    send(keepAlive, get("/b"));
    assertTrue(readResponse(keepAlive).startsWith("http/1.1 200"));
    long idleFrom = System.currentTimeMillis();
    assertTrue(closedWithin(keepAlive, 5_000), "idle keep-alive closed");
    long idle = System.currentTimeMillis() - idleFrom;
    assertTrue(idle >= 1_900, "closed after " + idle + " ms");
  }

  @Test
  void pastTheLimitRequestsAreRefusedCleanly() throws Exception {
    int limit = 20;
    long grace = 5_000;
    start(new ConnectionGuard.Settings(30_000, 60_000, limit, grace), limit, ConnectionGuardTest::ok);
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < limit; i++) {
      Socket s = connect();
      send(s, get("/hold"));
      assertTrue(readResponse(s).startsWith("http/1.1 200"));
      held.add(s);
    }
    Socket extra = connect();
    send(extra, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    String r = readResponse(extra);
    assertTrue(r.startsWith("http/1.1 503"), r);
    assertTrue(r.contains("connection: close") && r.contains("retry-after: 1"), r);
    JsonObject err = new JsonObject(r.substring(r.indexOf("\r\n\r\n") + 4)).getJsonObject("error");
    assertEquals("too_many_connections", err.getString("code"));
    assertEquals("service_unavailable", err.getString("type"));
    assertTrue(closedWithin(extra, 5_000));
    // a connection past the limit that sends nothing is closed after the grace
    Socket mute = connect();
    long muteAt = System.currentTimeMillis();
    assertTrue(closedWithin(mute, grace + 3_000));
    assertTrue(System.currentTimeMillis() - muteAt >= grace - 100, "not before the grace");
    long deadline = System.currentTimeMillis() + 10_000;
    while (guard.openConnections() > limit && System.currentTimeMillis() < deadline) Thread.onSpinWait();
    assertEquals(limit, guard.openConnections());
    // a flood: up to the hard limit connections wait for their 503, past it they are closed at once, so a
    // flood cannot hold more descriptors than that
    int hard = ConnectionGuard.hardLimit(limit);
    List<Socket> flood = new ArrayList<>();
    for (int i = 0; i < hard - limit + 10; i++) flood.add(connect());
    long floodAt = System.currentTimeMillis();
    int closedAtOnce = 0;
    for (Socket f : flood) {
      if (closedWithin(f, Math.max(1, floodAt + grace / 2 - System.currentTimeMillis()))) closedAtOnce++;
    }
    // 10 are past the hard limit; one may be counted late while another closes
    assertTrue(closedAtOnce >= 8, "closed well before the grace: " + closedAtOnce);
    assertTrue(guard.openConnections() <= hard, "open " + guard.openConnections());
    for (Socket f : flood) f.close();
    // the held connections still work, and once one goes, a new client is served again
    send(held.get(0), get("/again"));
    assertTrue(readResponse(held.get(0)).startsWith("http/1.1 200"));
    held.get(1).close();
    deadline = System.currentTimeMillis() + 10_000;
    while (guard.openConnections() >= limit && System.currentTimeMillis() < deadline) Thread.onSpinWait();
    Socket next = connect();
    send(next, get("/next"));
    assertTrue(readResponse(next).startsWith("http/1.1 200"));
  }

  @Test
  void invalidHttpGetsAnOpenAiShapedError() throws Exception {
    start(ConnectionGuard.Settings.defaults(), 100, ConnectionGuardTest::ok);
    Socket s = connect();
    send(s, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    String r = readResponse(s);
    assertTrue(r.startsWith("http/1.0 414") || r.startsWith("http/1.1 414"), r);
    assertEquals("uri_too_long", new JsonObject(r.substring(r.indexOf("\r\n\r\n") + 4)).getJsonObject("error")
        .getString("code"));
    assertTrue(closedWithin(s, 5_000));
  }
}
