package dev.clawbus.app;

import dev.clawbus.app.TestNodes.Sse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads an SSE response in the background, event by event, as a client does; survives the server dying. */
final class StreamReader {
  final List<Sse> events = new CopyOnWriteArrayList<>();
  /** When each event arrived (System.nanoTime), parallel to {@link #events}. */
  final List<Long> arrivals = new CopyOnWriteArrayList<>();
  volatile boolean ended;
  /** When the request was sent (System.nanoTime). */
  final long startedAt = System.nanoTime();
  volatile String requestId;
  private final Thread thread;

  private StreamReader(HttpRequest request) {
    thread = new Thread(() -> {
      try {
        HttpResponse<java.io.InputStream> r = TestNodes.HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        requestId = r.headers().firstValue("x-request-id").orElse(null);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          String id = null;
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith("id: ")) id = line.substring(4);
            else if (line.startsWith("data: ")) {
              arrivals.add(System.nanoTime());
              events.add(new Sse(id, line.substring(6)));
              id = null;
            }
          }
        }
      } catch (Exception connectionLost) {
        // the node was killed: what arrived before is what the client has
      } finally {
        ended = true;
      }
    }, "sse-reader");
    thread.setDaemon(true);
    thread.start();
  }

  static StreamReader post(String url, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(300))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return new StreamReader(b.build());
  }

  static StreamReader get(String url) {
    return new StreamReader(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(300)).GET().build());
  }

  /** Waits until at least {@code n} events with an SSE id have arrived. */
  void awaitEvents(int n, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (events.stream().filter(e -> e.id() != null).count() < n) {
      if (System.currentTimeMillis() > deadline || ended) {
        throw new AssertionError("only " + events.size() + " events arrived; ended=" + ended);
      }
      Thread.sleep(20);
    }
  }

  void awaitEnd(long timeoutMillis) throws InterruptedException {
    thread.join(timeoutMillis);
    if (!ended) throw new AssertionError("stream did not end in " + timeoutMillis + " ms");
  }

  /** Arrival time (System.nanoTime) of the first event with an SSE id after {@code nanos}; -1 when none came. */
  long firstEventAfter(long nanos) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).id() != null && arrivals.get(i) > nanos) return arrivals.get(i);
    }
    return -1;
  }

  long lastSeq() {
    long last = -1;
    for (Sse e : events) if (e.id() != null) last = Long.parseLong(e.id());
    return last;
  }
}
