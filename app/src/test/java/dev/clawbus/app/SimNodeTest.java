package dev.clawbus.app;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of the end-to-end tests that need one in-process node with the strict simulator. */
abstract class SimNodeTest {
  @TempDir static Path dir;
  static ClawbusNode node;
  static String base;

  @BeforeAll
  static void startNode() throws Exception {
    node = ClawbusNode.start(TestNodes.simNode(dir));
    base = node.url();
  }

  @AfterAll
  static void stopNode() {
    if (node != null) node.close();
    node = null;
  }
}
