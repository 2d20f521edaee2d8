package dev.clawbus.toolrunner;

import dev.clawbus.infra.Failures;
import dev.clawbus.infra.contract.Topics;
import dev.clawbus.infra.contract.exec.ExecAudit;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Runs on serve nodes: writes the audit records of nodes without their own Kafka connection to
 * {@link Topics#EXEC_AUDIT} and answers each once Kafka has acknowledged it (or fails it with 503, and the node does
 * not run the command).
 */
public final class AuditWriterVerticle extends VerticleBase {
  private final String bootstrap;
  private AuditLog kafka;
  private MessageConsumer<JsonObject> consumer;

  public AuditWriterVerticle(String kafkaBootstrap) {
    this.bootstrap = kafkaBootstrap;
  }

  @Override
  public Future<?> start() {
    kafka = AuditLog.kafka(vertx, bootstrap);
    consumer = vertx.eventBus().consumer(ExecAudit.ADDRESS, this::handle);
    return consumer.completion();
  }

  private void handle(Message<JsonObject> msg) {
    ExecAudit record;
    try {
      record = ExecAudit.fromJson(msg.body());
    } catch (IllegalArgumentException | ClassCastException e) {
      msg.fail(400, "not an exec audit record");
      return;
    }
    kafka.write(record).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply("ok");
      } else {
        msg.fail(503, "Kafka did not take the audit record: " + Failures.oneLine(ar.cause()));
      }
    });
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister().eventually(() -> kafka.close());
  }
}
