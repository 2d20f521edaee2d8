package dev.clawbus.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.clawbus.infra.cluster.ClusterSetup;
import dev.clawbus.infra.kafka.LocalPorts;
import dev.clawbus.infra.limits.ClusterCap;
import dev.clawbus.infra.tenancy.Tenant;
import dev.clawbus.sim.SimOptions;
import dev.clawbus.sim.VllmSimulator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The sharing components together, as the dispatcher will use them, against the vLLM simulator over real HTTP and real
 * Hazelcast members: tenant A keeps 40 requests in flight (40 clients) while tenant B sends 5 one after another. With the fair
 * queue B's time to first token stays near one service time; with one FIFO queue (every request under one tenant) B
 * waits for most of A's flood. The simulator never runs more than the cluster-wide cap, with one node or two.
 */
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class SharingScenarioTest {
  private static final String HOST = "127.0.0.1";
  private static final int CAP = 4;
  private static final Tenant A = Tenant.withDefaults("a");
  private static final Tenant B = Tenant.withDefaults("b");

  /** A minimal dispatcher: a fair queue, the cluster cap, and streaming calls to vLLM. */
  private static final class MiniDispatcher extends VerticleBase {
    private final HazelcastInstance hz;
    private final String vllmHost;
    private final int vllmPort;
    private final boolean fifo;
    private FairQueue<Call> queue;
    private ClusterCap cap;
    private HttpClient http;
    private Context ctx;

    MiniDispatcher(HazelcastInstance hz, int vllmPort, boolean fifo) {
      this.hz = hz;
      this.vllmHost = HOST;
      this.vllmPort = vllmPort;
      this.fifo = fifo;
    }

    @Override
    public Future<?> start() {
      ctx = context;
      queue = new FairQueue<>();
      http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64));
      cap = new ClusterCap(vertx, hz, CAP, () -> queue.queued(), this::pump, 50);
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      return cap.close().eventually(http::close);
    }

    /** The call; its {@code ttft} resolves with the time to first token in ms, {@code ended} when it is over. */
    Call submit(String id, Tenant tenant) {
      Call c = new Call(id, System.nanoTime(), new CompletableFuture<>());
      ctx.runOnContext(v -> {
        queue.add(id, fifo ? Tenant.withDefaults("all") : tenant, c, 150);
        pump();
      });
      return c;
    }

    private void pump() {
      while (queue.queued() > 0 && cap.tryAcquire()) {
        Call c = queue.next();
        if (c == null) {
          cap.release();
          return;
        }
        run(c);
      }
    }

    private void run(Call c) {
      JsonObject body = new JsonObject().put("model", "clawbus-sim").put("stream", true).put("max_tokens", 100)
          .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello " + c.id)));
      AtomicInteger chunks = new AtomicInteger();
      AtomicBoolean first = new AtomicBoolean(true);
      http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(vllmHost).setPort(vllmPort)
              .setURI("/v1/chat/completions").putHeader("content-type", "application/json"))
          // The response's handlers are set in the callback that gets it (not a later stage of a chain that may be
          // built off the loop): chunks that arrive before a handler is set are dropped (InstantBackendTest.post).
          .compose(req -> req.send(body.toBuffer()).compose(resp -> {
            Promise<Void> done = Promise.promise();
            resp.handler(buf -> {
              if (first.compareAndSet(true, true) && buf.toString().contains("data:")) {
                first.set(false);
                c.ttft.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c.submittedAt));
              }
              chunks.incrementAndGet();
            });
            resp.endHandler(v -> done.tryComplete());
            resp.exceptionHandler(done::tryFail);
            return done.future();
          }))
          .onComplete(ar -> {
            if (ar.failed()) c.ttft.completeExceptionally(ar.cause());
            c.ended.complete(null);
            cap.release();
            queue.release(c.id, 20 + chunks.get());
            pump();
          });
    }
  }

  private record Call(String id, long submittedAt, CompletableFuture<Long> ttft, CompletableFuture<Void> ended) {
    Call(String id, long submittedAt, CompletableFuture<Long> ttft) {
      this(id, submittedAt, ttft, new CompletableFuture<>());
    }
  }

  private record Result(long bMedianTtft, long aMedianTtft, int maxRunning) {}

  private static Result scenario(int nodes, boolean fifo) throws Exception {
    Vertx vertx = Vertx.vertx();
    List<HazelcastInstance> members = new ArrayList<>();
    VllmSimulator sim = new VllmSimulator(vertx, SimOptions.defaults().withPort(0).withTtftMs(50)
        .withTokensPerSecond(200).withDefaultWords(30));
    try {
      int simPort = await(sim.start());
      int[] ports = new int[nodes];
      for (int i = 0; i < nodes; i++) ports[i] = LocalPorts.free(HOST);
      List<String> all = new ArrayList<>();
      for (int p : ports) all.add(HOST + ":" + p);
      String name = "scenario-" + ports[0];
      List<MiniDispatcher> ds = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(ClusterSetup.hazelcastConfig(HOST, ports[i], all, name));
        members.add(hz);
        MiniDispatcher d = new MiniDispatcher(hz, simPort, fifo);
        await(vertx.deployVerticle(d));
        ds.add(d);
      }
      // Wait until the grants have settled (a lone node holds the cap; several split it).
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (ds.stream().mapToInt(d -> d.cap.grant()).sum() < CAP) {
        assertTrue(System.nanoTime() < deadline, "grants settle");
        Thread.sleep(10);
      }
      AtomicInteger maxRunning = new AtomicInteger();
      AtomicBoolean sampling = new AtomicBoolean(true);
      long sampler = vertx.setPeriodic(2, id -> {
        if (sampling.get()) maxRunning.accumulateAndGet(sim.stats().getInteger("running"), Math::max);
      });

      // A: 40 clients, each sending its next request as soon as its previous one has ended, until B is done.
      AtomicBoolean bDone = new AtomicBoolean();
      AtomicInteger submitted = new AtomicInteger();
      List<Long> a = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Void>> aClients = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        MiniDispatcher d = ds.get(i % nodes);
        CompletableFuture<Void> client = new CompletableFuture<>();
        aClients.add(client);
        loop(d, "a" + i, 0, bDone, submitted, a, client);
      }
      long flooded = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (sim.stats().getInteger("running", 0) < CAP) { // A's flood fills the cap (the rest of it waits)
        assertTrue(System.nanoTime() < flooded, "A's flood reached the simulator");
        Thread.sleep(5);
      }
      List<Long> b = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Call c = ds.get(nodes - 1).submit("b" + i, B);
        submitted.incrementAndGet();
        b.add(c.ttft().get(60, TimeUnit.SECONDS));
        c.ended().get(60, TimeUnit.SECONDS); // the next one when this one has finished
      }
      bDone.set(true);
      for (CompletableFuture<Void> client : aClients) client.get(60, TimeUnit.SECONDS);
      long done = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (sim.stats().getInteger("completed") < submitted.get() && System.nanoTime() < done) Thread.sleep(5);
      assertEquals(submitted.get(), sim.stats().getInteger("completed"), "all complete");
      sampling.set(false);
      vertx.cancelTimer(sampler);
      for (MiniDispatcher d : ds) await(vertx.undeploy(d.deploymentID()));
      return new Result(median(b), median(a), maxRunning.get());
    } finally {
      for (HazelcastInstance hz : members) hz.shutdown();
      await(vertx.close());
    }
  }

  private static void loop(MiniDispatcher d, String client, int n, AtomicBoolean stop, AtomicInteger submitted,
      List<Long> ttfts, CompletableFuture<Void> finished) {
    if (stop.get()) {
      finished.complete(null);
      return;
    }
    submitted.incrementAndGet();
    Call c = d.submit(client + "-" + n, A);
    c.ttft().thenAccept(ttfts::add);
    c.ended().whenComplete((v, e) -> loop(d, client, n + 1, stop, submitted, ttfts, finished));
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void aFloodDoesNotStarveASequentialTenantOnOneNodeOrTwo() throws Exception {
    Result fifo = scenario(1, true);
    Result fair = scenario(1, false);
    Result fairTwo = scenario(2, false);
    System.out.printf("sharing scenario (cap %d, A 40 concurrent clients, B 5 in a row): B median TTFT fifo %d ms, fair %d ms, "
        + "fair on two nodes %d ms; A median TTFT fifo %d ms, fair %d ms; most running at the simulator %d / %d / %d%n",
        CAP, fifo.bMedianTtft(), fair.bMedianTtft(), fairTwo.bMedianTtft(), fifo.aMedianTtft(), fair.aMedianTtft(),
        fifo.maxRunning(), fair.maxRunning(), fairTwo.maxRunning());
    for (Result r : List.of(fifo, fair, fairTwo)) {
      assertTrue(r.maxRunning() <= CAP, "the simulator saw " + r.maxRunning() + " at once, cap " + CAP);
      assertTrue(r.maxRunning() >= CAP - 1, "the cap is used: " + r.maxRunning());
    }
    // One service time here is ~50 ms TTFT + ~40 tokens at 200/s = ~250 ms; FIFO makes B wait behind ~36 of A's
    // requests, ~9 rounds of the cap.
    assertTrue(fair.bMedianTtft() * 3 < fifo.bMedianTtft(), "fair " + fair.bMedianTtft() + " ms vs FIFO "
        + fifo.bMedianTtft() + " ms");
    assertTrue(fair.bMedianTtft() < 1000, "B's median TTFT " + fair.bMedianTtft() + " ms");
    assertTrue(fairTwo.bMedianTtft() < 1500, "B's median TTFT on two nodes " + fairTwo.bMedianTtft() + " ms");
  }
}
