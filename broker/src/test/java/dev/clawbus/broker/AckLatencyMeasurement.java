package dev.clawbus.broker;

import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.kafka.KafkaClients;
import dev.clawbus.infra.kafka.KafkaTopics;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Where the time of a request's Kafka acknowledgement goes: one produce at a time (as a lone request
 * waits for it) of a 2 KB record to {@code clawbus.requests} on the embedded broker, with the plain
 * producer and the Vert.x wrapper, under several producer and broker settings. Prints p50 / p90 / p99.
 * A measurement, not a test: run it with
 * {@code mvn -B -o -pl broker -am test -Dtest=AckLatencyMeasurement -Dsurefire.failIfNoSpecifiedTests=false -Dclawbus.measure=true}.
 */
@EnabledIfSystemProperty(named = "clawbus.measure", matches = "true")
class AckLatencyMeasurement {
  private static final int WARMUP = 100;
  private static final int SAMPLES = Integer.getInteger("clawbus.measure.samples", 400);
  private static final String VALUE = "x".repeat(2048);

  @Test
  void measure() throws Exception {
    Map<String, Properties> brokers = new LinkedHashMap<>();
    brokers.put("broker as configured", new Properties());
    Properties threads = new Properties();
    threads.setProperty("num.network.threads", "3");
    threads.setProperty("num.io.threads", "8");
    brokers.put("broker with 3 network / 8 io threads", threads);
    Properties flush = new Properties();
    flush.setProperty("log.flush.interval.messages", "1");
    brokers.put("broker fsyncing every message", flush);
    for (Map.Entry<String, Properties> b : brokers.entrySet()) {
      Path dir = Files.createTempDirectory("clawbus-ack");
      try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0, b.getValue())) {
        KafkaTopics.ensureBlocking(kafka.bootstrapServers(), 6, Duration.ofSeconds(30));
        System.out.println("== " + b.getKey());
        warmUp(kafka);
        if (b.getValue().isEmpty()) {
          plain(kafka, "clawbus producer (acks=all, idempotent, linger " + KafkaClients.producerConfig("").get("linger.ms")
              + " ms, lz4)", Map.of());
          plain(kafka, "  linger.ms=0", Map.of("linger.ms", "0"));
          plain(kafka, "  linger.ms=1", Map.of("linger.ms", "1"));
          plain(kafka, "  linger.ms=5", Map.of("linger.ms", "5"));
          plain(kafka, "  acks=1, not idempotent", Map.of("acks", "1", "enable.idempotence", "false"));
          plain(kafka, "  compression none", Map.of("compression.type", "none"));
          plain(kafka, "  linger.ms=0, compression none", Map.of("linger.ms", "0", "compression.type", "none"));
          vertx(kafka, "Vert.x KafkaProducer wrapper, clawbus settings", Map.of());
          vertx(kafka, "Vert.x wrapper, linger.ms=0", Map.of("linger.ms", "0"));
          vertx(kafka, "Vert.x wrapper, linger.ms=1", Map.of("linger.ms", "1"));
          vertx(kafka, "Vert.x wrapper, linger.ms=0, compression none", Map.of("linger.ms", "0", "compression.type", "none"));
          plain(kafka, "clawbus producer again (drift check)", Map.of());
          busyWorkers = true;
          vertx(kafka, "Vert.x wrapper while 20 workers run 5 ms blocking tasks", Map.of());
          busyWorkers = false;
        } else {
          plain(kafka, "clawbus producer", Map.of());
          vertx(kafka, "Vert.x wrapper", Map.of());
        }
      }
    }
  }

  /** The broker's code is compiled by the JIT first: without this, whichever variant runs first looks slow. */
  private static void warmUp(EmbeddedKafka kafka) throws Exception {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(config(kafka, Map.of()))) {
      for (int i = 0; i < 3_000; i++) p.send(new ProducerRecord<>(Topics.REQUESTS, "warm-" + i, VALUE)).get(10, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Object> config(EmbeddedKafka kafka, Map<String, String> overrides) {
    Map<String, Object> c = new HashMap<>(KafkaClients.producerConfig(kafka.bootstrapServers()));
    c.putAll(overrides);
    return c;
  }

  private static void plain(EmbeddedKafka kafka, String name, Map<String, String> overrides) throws Exception {
    long[] t = new long[SAMPLES];
    try (KafkaProducer<String, String> p = new KafkaProducer<>(config(kafka, overrides))) {
      for (int i = -WARMUP; i < SAMPLES; i++) {
        long t0 = System.nanoTime();
        p.send(new ProducerRecord<>(Topics.REQUESTS, "req-" + i, VALUE)).get(10, TimeUnit.SECONDS);
        if (i >= 0) t[i] = System.nanoTime() - t0;
      }
    }
    print(name, t);
  }

  /** Keeps Vert.x's worker pool busy, as the journal's blocking Hazelcast reads do under load. */
  private static boolean busyWorkers;

  private static void vertx(EmbeddedKafka kafka, String name, Map<String, String> overrides) throws Exception {
    Vertx vertx = Vertx.vertx();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    if (busyWorkers) {
      for (int w = 0; w < 20; w++) {
        vertx.runOnContext(v -> blockingLoop(vertx, stop));
      }
    }
    long[] t = new long[SAMPLES];
    Map<String, String> c = new HashMap<>(KafkaClients.producerConfig(kafka.bootstrapServers()));
    c.putAll(overrides);
    io.vertx.kafka.client.producer.KafkaProducer<String, String> p =
        io.vertx.kafka.client.producer.KafkaProducer.create(vertx, c);
    try {
      for (int i = -WARMUP; i < SAMPLES; i++) {
        int n = i;
        CompletableFuture<Long> done = new CompletableFuture<>();
        // sent from an event loop, as the transformer does, and timed until the callback runs there
        vertx.runOnContext(v -> {
          long t0 = System.nanoTime();
          p.send(KafkaProducerRecord.create(Topics.REQUESTS, "req-" + n, VALUE))
              .onComplete(ar -> done.complete(ar.succeeded() ? System.nanoTime() - t0 : -1L));
        });
        long took = done.get(10, TimeUnit.SECONDS);
        if (took < 0) throw new IllegalStateException("send failed");
        if (i >= 0) t[i] = took;
      }
    } finally {
      stop.set(true);
      p.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    print(name, t);
  }

  private static void blockingLoop(Vertx vertx, java.util.concurrent.atomic.AtomicBoolean stop) {
    if (stop.get()) return;
    vertx.executeBlocking(() -> {
      Thread.sleep(5); // stands for a blocking map read on a worker
      return null;
    }, false).onComplete(ar -> blockingLoop(vertx, stop));
  }

  private static void print(String name, long[] t) {
    long[] s = t.clone();
    Arrays.sort(s);
    System.out.printf("%-58s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms%n", name, s[s.length / 2] / 1e6,
        s[(int) (s.length * 0.9)] / 1e6, s[(int) (s.length * 0.99)] / 1e6, s[s.length - 1] / 1e6);
  }
}
