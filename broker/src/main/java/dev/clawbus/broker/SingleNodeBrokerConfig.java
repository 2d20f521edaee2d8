package dev.clawbus.broker;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Server properties of the one-node KRaft broker (combined broker + controller). Tuned for a laptop/CI box shared with
 * other processes: few threads, small buffers, replication factors 1, and no delays that only make sense in a
 * multi-broker cluster.
 */
final class SingleNodeBrokerConfig {
  static final String HOST = "127.0.0.1";
  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";

  private SingleNodeBrokerConfig() {}

  static Properties of(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", String.valueOf(NODE_ID));
    // Static voters: the controller port is not written into the storage, so a restart may pick another one.
    p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
        + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.setProperty("log.dirs", dataDir.toAbsolutePath().toString());

    // One node: every internal topic must be satisfiable by it.
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "5");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "5");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.num.partitions", "5");

    // clawbus creates its topics explicitly; a typo in a topic name must fail, not create a new topic.
    p.setProperty("auto.create.topics.enable", "false");
    // Nobody else is going to join: start the first consumer group generation at once.
    p.setProperty("group.initial.rebalance.delay.ms", "0");

    // Small footprint: the default dedupe buffer alone is 128 MiB (must stay above 1 MiB per cleaner thread).
    p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.setProperty("log.cleaner.io.buffer.size", String.valueOf(64 * 1024));
    p.setProperty("log.cleaner.threads", "1");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("background.threads", "2");
    p.setProperty("num.replica.fetchers", "1");
    p.setProperty("num.recovery.threads.per.data.dir", "1");
    p.setProperty("socket.send.buffer.bytes", String.valueOf(64 * 1024));
    p.setProperty("socket.receive.buffer.bytes", String.valueOf(64 * 1024));
    // Index files are memory-mapped at their maximum size; 10 MiB each adds up across partitions.
    p.setProperty("log.index.size.max.bytes", String.valueOf(1024 * 1024));
    p.setProperty("log.segment.bytes", String.valueOf(64 * 1024 * 1024));

    // Faster start and stop of a single node: nothing to wait for, nobody to hand leadership to.
    p.setProperty("controller.quorum.election.timeout.ms", "500");
    p.setProperty("controller.quorum.fetch.timeout.ms", "1000");
    p.setProperty("broker.heartbeat.interval.ms", "500");
    // After a restart (clean or not) the controller admits the broker's new registration only once the previous
    // session has expired; the 9 s default would be added to every restart.
    p.setProperty("broker.session.timeout.ms", "3000");
    return p;
  }
}
