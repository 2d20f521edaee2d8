package dev.clawbus.infra.kafka;

import dev.clawbus.infra.Failures;

import dev.clawbus.infra.contract.Topics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates clawbus's topics on first start and answers whether Kafka is reachable. */
public final class KafkaTopics {
  /** Largest record clawbus writes: a request body of up to 16 MiB plus its envelope. */
  public static final int MAX_MESSAGE_BYTES = 20 * 1024 * 1024;

  private static final Duration ENSURE_TIMEOUT = Duration.ofSeconds(10);
  /** Partitions of the low-volume topics (dead letters, exec audit): order across keys does not matter there. */
  private static final int SMALL_TOPIC_PARTITIONS = 1;

  private KafkaTopics() {}

  /**
   * Creates every topic of {@link Topics#ALL} that does not exist yet; existing topics are left as they are (their
   * partition counts are not changed). Safe to call from several nodes at once. Fails with a one-line reason if Kafka
   * does not answer within about 10 s.
   */
  public static Future<Void> ensure(Vertx vertx, String bootstrap, int requestPartitions) {
    return vertx.executeBlocking(() -> {
      ensureBlocking(bootstrap, requestPartitions, ENSURE_TIMEOUT);
      return null;
    }, false);
  }

  /** True if a broker at {@code bootstrap} answers within {@code timeout}. Blocking: call it off the event loop. */
  public static boolean reachable(String bootstrap, Duration timeout) {
    Admin admin;
    try {
      admin = admin(bootstrap, timeout);
    } catch (KafkaException e) {
      return false;
    }
    try {
      return !admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      return false;
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  public static void ensureBlocking(String bootstrap, int requestPartitions, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Admin admin;
    try {
      admin = admin(bootstrap, timeout);
    } catch (KafkaException e) {
      throw new IllegalStateException("cannot use Kafka at " + bootstrap + ": " + Failures.oneLine(e), e);
    }
    try {
      int brokers;
      Set<String> existing;
      try {
        brokers = admin.describeCluster().nodes().get(remainingMs(deadline), TimeUnit.MILLISECONDS).size();
        existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IllegalStateException("Kafka at " + bootstrap + " is not reachable (no answer within "
            + timeout.toSeconds() + " s)");
      }
      short replication = (short) Math.max(1, Math.min(3, brokers));
      List<NewTopic> missing = new ArrayList<>();
      for (String name : Topics.ALL) {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, partitionsOf(name, requestPartitions), replication)
              .configs(topicConfig(replication)));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      CreateTopicsResult result = admin.createTopics(missing);
      for (NewTopic t : missing) {
        try {
          result.values().get(t.name()).get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          // Another node created it between our listTopics and createTopics.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create Kafka topic " + t.name() + ": "
                + Failures.oneLine(e), e);
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException("Kafka at " + bootstrap + " did not create topic " + t.name() + " within "
              + timeout.toSeconds() + " s");
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw new IllegalStateException("Kafka at " + bootstrap + " is not reachable (no answer within "
            + timeout.toSeconds() + " s)");
      }
      throw new IllegalStateException("Kafka at " + bootstrap + " refused: " + Failures.oneLine(e), e);
    } finally {
      // Bounded: pending calls are abandoned rather than waited for.
      admin.close(Duration.ZERO);
    }
  }

  static int partitionsOf(String topic, int requestPartitions) {
    return switch (topic) {
      // Journal batches are keyed by request id like the requests, so they spread the same way.
      case Topics.REQUESTS, Topics.EVENTS -> Math.max(1, requestPartitions);
      default -> SMALL_TOPIC_PARTITIONS;
    };
  }

  private static Map<String, String> topicConfig(short replication) {
    Map<String, String> c = new HashMap<>();
    // With 3 replicas an acknowledged request survives the loss of one broker; with fewer there is no choice.
    c.put("min.insync.replicas", String.valueOf(replication >= 3 ? 2 : 1));
    c.put("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES));
    return c;
  }

  private static Admin admin(String bootstrap, Duration timeout) {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("request.timeout.ms", (int) Math.max(1000, timeout.toMillis()));
    c.put("default.api.timeout.ms", (int) Math.max(1000, timeout.toMillis()));
    c.put("reconnect.backoff.max.ms", 1000);
    return Admin.create(c);
  }

  private static long remainingMs(long deadlineNanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }
}
