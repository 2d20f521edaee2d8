package dev.clawbus.toolrunner;

import dev.clawbus.infra.Failures;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.exec.ExecAudit;
import dev.clawbus.infra.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Duration;

/**
 * Where a node's {@link ExecAudit} records go: Kafka {@link Topics#EXEC_AUDIT}, either directly ({@code --kafka}) or
 * through a serve node's {@link AuditWriterVerticle} over the cluster. A write succeeds only once Kafka has the record
 * (acks=all), so the node knows when the trail is broken.
 */
public interface AuditLog {
  Future<Void> write(ExecAudit record);

  Future<Void> close();

  /** The node's own producer to {@code bootstrap}. */
  static AuditLog kafka(Vertx vertx, String bootstrap) {
    KafkaProducer<String, String> producer = KafkaClients.producer(vertx, bootstrap);
    return new AuditLog() {
      @Override
      public Future<Void> write(ExecAudit r) {
        return producer.send(KafkaProducerRecord.create(Topics.EXEC_AUDIT, r.key(), r.toJson().encode())).mapEmpty();
      }

      @Override
      public Future<Void> close() {
        return producer.close();
      }
    };
  }

  /** Request/reply to {@link ExecAudit#ADDRESS}: a serve node writes the record and answers once Kafka has it. */
  static AuditLog bus(Vertx vertx, Duration timeout) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    return new AuditLog() {
      @Override
      public Future<Void> write(ExecAudit r) {
        return vertx.eventBus().request(ExecAudit.ADDRESS, r.toJson(), options).recover(e -> Future.failedFuture(
            "no serve node wrote the audit record (" + Failures.oneLine(e) + ")")).mapEmpty();
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }
}
