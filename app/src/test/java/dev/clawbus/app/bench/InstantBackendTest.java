package dev.clawbus.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InstantBackendTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private int start(InstantBackend.Answer answer) throws Exception {
    return InstantBackend.start(vertx, "127.0.0.1", 0, 2, answer, "m", 4096).await(10, TimeUnit.SECONDS);
  }

  private static List<String> dataLines(String sse) {
    List<String> out = new ArrayList<>();
    for (String event : sse.split("\n\n")) {
      if (event.startsWith("data: ")) out.add(event.substring(6));
    }
    return out;
  }

  /**
   * body() is asked for in the callback that gets the response, never in a later stage of a chain built on this
   * thread: a response read in one go (head, body and end) delivers its body before a stage added late runs, and
   * Vert.x drops the chunks that arrive before body() is asked for (the late body() resolves empty).
   */
  private String post(int port, JsonObject body) throws Exception {
    HttpClient client = vertx.createHttpClient();
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions"))
        .compose(req -> req.send(body.toBuffer()).compose(HttpClientResponse::body))
        .map(Buffer::toString).await(30, TimeUnit.SECONDS);
  }

  @Test
  void streamsTheAnswerInVllmsShape() throws Exception {
    int port = start(InstantBackend.generated("m", 50));
    JsonObject body = new JsonObject().put("model", "m").put("messages", new JsonArray()).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true));
    String sse = post(port, body);
    List<String> data = dataLines(sse);
    assertEquals(50 + 4, data.size(), "role, 50 tokens, finish, usage, [DONE]; got: " + sse);
    JsonObject role = new JsonObject(data.get(0)).getJsonArray("choices").getJsonObject(0);
    assertEquals("assistant", role.getJsonObject("delta").getString("role"));
    StringBuilder text = new StringBuilder();
    for (String d : data.subList(1, 51)) {
      text.append(new JsonObject(d).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content"));
    }
    assertEquals(dev.clawbus.sim.VllmSimulator.answerText(7L, 50), text.toString());
    assertEquals("stop", new JsonObject(data.get(51)).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
    assertEquals(50, new JsonObject(data.get(52)).getJsonObject("usage").getInteger("completion_tokens"));
    assertEquals("[DONE]", data.get(53));
    // without include_usage, no usage chunk; not streamed, one JSON answer with the same text
    JsonObject noUsage = body.copy();
    noUsage.remove("stream_options");
    assertEquals(53, dataLines(post(port, noUsage)).size());
    JsonObject whole = new JsonObject(post(port, body.copy().put("stream", false)));
    assertEquals(text.toString(), whole.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
  }

  @Test
  void itsInstancesShareOneFreePort() throws Exception {
    int first = InstantBackend.start(vertx, "127.0.0.1", 0, 1, InstantBackend.generated("m", 5), "m", 4096)
        .await(10, TimeUnit.SECONDS);
    int second = start(InstantBackend.generated("m", 5));
    assertTrue(first > 0 && second > 0 && first != second, "each start has a port of its own: " + first + ", " + second);
    // every one of the second start's instances answers on its port: a new connection per request reaches them in turn
    HttpClient client = vertx.createHttpClient(new io.vertx.core.http.PoolOptions().setHttp1MaxSize(1));
    for (int i = 0; i < 4; i++) {
      String models = client.request(new RequestOptions().setHost("127.0.0.1").setPort(second).setURI("/v1/models")
              .putHeader("connection", "close"))
          .compose(req -> req.send().compose(HttpClientResponse::body)).map(Buffer::toString)
          .await(10, TimeUnit.SECONDS);
      assertTrue(models.contains("\"max_model_len\":4096"), models);
    }
  }

  @Test
  void aSlowReaderGetsTheWholeAnswer() throws Exception {
    InstantBackend.Answer answer = InstantBackend.generated("m", 5_000);
    assertTrue(answer.withUsage().size() > 10, "many 64 KB slices: " + answer.withUsage().size());
    int port = start(answer);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setReceiveBufferSize(4096);
      s.setSoTimeout(30_000);
      String body = "{\"model\":\"m\",\"messages\":[],\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
      OutputStream o = s.getOutputStream();
      o.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      o.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      String tail = "";
      while ((n = in.read(buf)) > 0) {
        got.write(buf, 0, n);
        tail = tail + new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        tail = tail.substring(Math.max(0, tail.length() - 5));
        if (tail.equals("0\r\n\r\n")) break; // the chunked body's end
      }
      String all = got.toString(StandardCharsets.UTF_8);
      assertTrue(all.contains("\"completion_tokens\":5000}"), "the usage chunk arrived");
      assertTrue(all.contains("data: [DONE]"), "the whole answer arrived");
    }
  }

  @Test
  void benchRunsForADuration() throws Exception {
    int port = start(InstantBackend.generated("m", 200));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int exit = BenchCommand.run(List.of("--target", "http://127.0.0.1:" + port, "--concurrency", "4", "--words", "200",
        "--duration-seconds", "3", "--progress-seconds", "1", "--warmup", "0", "--json"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    double took = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    JsonObject target = new JsonObject(out.toString(StandardCharsets.UTF_8).trim()).getJsonObject("target");
    assertTrue(target.getLong("requests") > 4, target.encode());
    assertEquals(200 * target.getLong("requests"), target.getLong("tokens"));
    assertTrue(took >= 3 && took < 30, "ran " + took + " s");
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("progress 1 s:"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void replaysARecordedAnswer() {
    String sse = "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
        + "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
        + "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" there\"}}]}\n\n"
        + "data: {\"id\":\"a\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\n"
        + "data: [DONE]\n\n";
    InstantBackend.Answer a = InstantBackend.recorded(sse, "m");
    assertEquals(2, a.tokens());
    StringBuilder with = new StringBuilder();
    a.withUsage().forEach(b -> with.append(b.toString()));
    assertEquals(sse, with.toString(), "replayed byte for byte");
    StringBuilder without = new StringBuilder();
    a.withoutUsage().forEach(b -> without.append(b.toString()));
    assertTrue(!without.toString().contains("usage") && without.toString().endsWith("data: [DONE]\n\n"));
  }

  @Test
  void usageErrors() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(2, InstantBackend.run(List.of("--words", "0"), System.out, e));
    assertEquals(2, InstantBackend.run(List.of("--nope"), System.out, e));
    assertEquals(2, InstantBackend.run(List.of("--record", "/nonexistent/file"), System.out, e));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("instant-vllm:"));
  }
}
