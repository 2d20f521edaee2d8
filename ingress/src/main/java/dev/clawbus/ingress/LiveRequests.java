package dev.clawbus.ingress;

import dev.clawbus.infra.contract.Addresses;
import dev.clawbus.infra.contract.EventBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The requests whose clients this ingress instance holds, and the one event-bus address that their
 * events arrive at ({@link Addresses#ingress}). Used only on the instance's own event loop.
 */
final class LiveRequests {
  private final Map<String, EventFollower> followers = new HashMap<>();
  private final String address = Addresses.ingress(UUID.randomUUID().toString());
  private MessageConsumer<String> consumer;

  Future<Void> start(Vertx vertx) {
    consumer = vertx.eventBus().consumer(address, msg -> {
      EventBatch batch = EventBatch.decode(msg.body());
      EventFollower f = followers.get(batch.requestKey());
      if (f != null) {
        f.deliver(batch);
      }
    });
    return consumer.completion();
  }

  /** Where dispatchers send this instance's events: goes into the request's envelope. */
  String address() {
    return address;
  }

  void add(String requestKey, EventFollower follower) {
    followers.put(requestKey, follower);
  }

  void remove(String requestKey) {
    followers.remove(requestKey);
  }

  int size() {
    return followers.size();
  }
}
