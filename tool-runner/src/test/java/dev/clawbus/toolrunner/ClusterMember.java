package dev.clawbus.toolrunner;

import dev.clawbus.infra.cluster.ClusterSetup;
import io.vertx.core.Vertx;

final class ClusterMember {
  private ClusterMember() {}

  static String uuid(Vertx clustered) {
    return ClusterSetup.hazelcast(clustered).getCluster().getLocalMember().getUuid().toString();
  }
}
