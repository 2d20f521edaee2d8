package dev.clawbus.app;

import dev.clawbus.infra.config.ClawbusConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared set-up of the end-to-end tests: node configs and a plain HTTP client that reads SSE as text. */
final class TestNodes {
  static final String MODEL = "clawbus-sim";
  /**
   * HTTP/1.1 as the OpenAI SDKs and OpenClaw speak it (the JDK's default would first try an h2c upgrade, which the
   * simulator accepts and a chaos action then answers with GOAWAY).
   */
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private TestNodes() {}

  /** A node on free ports with the in-process (strict) simulator and a throwaway data dir. */
  static ClawbusConfig simNode(Path dataDir) {
    return ClawbusConfig.defaults()
        .with(ClawbusConfig.PORT, 0)
        .with(ClawbusConfig.SIM, true)
        .with(ClawbusConfig.DATA_DIR, dataDir.toString())
        .with(ClawbusConfig.CLUSTER_PORT, 0)
        .with(ClawbusConfig.KEEPALIVE_SECONDS, 1)
        .with(ClawbusConfig.MAX_BODY_BYTES, 1_000_000)
        .withModels(new JsonObject().put(MODEL, new JsonObject().put("parser", "qwen3_coder")));
  }

  /** The first of two nodes on one Kafka: the simulator's node, listing the second as a cluster member. */
  static ClawbusConfig firstOfTwo(Path dataDir, String kafka, int clusterPort, int otherClusterPort) {
    return simNode(dataDir).with(ClawbusConfig.KAFKA, kafka).with(ClawbusConfig.CLUSTER_PORT, clusterPort)
        .with(ClawbusConfig.CLUSTER_MEMBERS, "127.0.0.1:" + otherClusterPort);
  }

  /** The second node: {@code first}'s settings, the first node's simulator as its vLLM, its own data dir and port. */
  static ClawbusConfig secondOfTwo(ClawbusConfig first, ClawbusNode one, Path dataDir, int clusterPort) {
    return first.with(ClawbusConfig.SIM, false).with(ClawbusConfig.VLLM_URL, one.config().vllmUrl())
        .with(ClawbusConfig.DATA_DIR, dataDir.toString()).with(ClawbusConfig.CLUSTER_PORT, clusterPort)
        .with(ClawbusConfig.CLUSTER_MEMBERS, "127.0.0.1:" + first.clusterPort());
  }

  static HttpResponse<String> post(String url, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).GET();
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One SSE event: its {@code id:} (or null) and {@code data:}. */
  record Sse(String id, String data) {}

  static List<Sse> sse(String body) {
    List<Sse> out = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      String id = null;
      StringBuilder data = null;
      for (String line : event.split("\n")) {
        if (line.startsWith("id: ")) id = line.substring(4);
        if (line.startsWith("data: ")) {
          if (data == null) data = new StringBuilder(); else data.append('\n');
          data.append(line.substring(6));
        }
        if (line.startsWith("event:")) throw new AssertionError("no event: lines, strict clients reject them");
      }
      if (data != null) out.add(new Sse(id, data.toString()));
    }
    return out;
  }

  /** The content a chunk stream carries, concatenated. */
  static String content(List<Sse> events) {
    StringBuilder sb = new StringBuilder();
    for (Sse e : events) {
      if (e.data().equals("[DONE]") || !e.data().startsWith("{")) continue;
      JsonArray choices = new JsonObject(e.data()).getJsonArray("choices");
      if (choices == null || choices.isEmpty()) continue;
      String c = choices.getJsonObject(0).getJsonObject("delta").getString("content");
      if (c != null) sb.append(c);
    }
    return sb.toString();
  }

  static JsonObject userChat(String text, boolean stream) {
    return new JsonObject().put("model", MODEL).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }
}
