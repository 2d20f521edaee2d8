package dev.clawbus.responses;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The relay translates every token chunk: it must not build a JSON tree per chunk. Measured with the JVM's
 * per-thread allocation counter, against parsing the same chunk into a JsonObject (what a naive
 * translator would do, before writing anything).
 */
class HotPathTest {
  static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  @Test
  void aTokenChunkCostsLessThanParsingItIntoATree() {
    ChunkWriter w = new ChunkWriter("chatcmpl-req1", 1_760_000_000L, "Qwen/Qwen3-Coder-Next-FP8");
    int n = 20_000;
    StreamEvent[] chunks = new StreamEvent[n];
    for (int i = 0; i < n; i++) chunks[i] = StreamEvent.chunk(i, w.content(" token" + (i % 10)));
    StringBuilder out = new StringBuilder(4096);
    long perChunk = 0;
    long treePerChunk = 0;
    long nanos = 0;
    for (int round = 0; round < 3; round++) {
      ResponsesStreamTranslator t = new ResponsesStreamTranslator(Contexts.streaming());
      t.start(out);
      out.setLength(0);
      long before = allocated();
      long t0 = System.nanoTime();
      for (StreamEvent e : chunks) {
        t.accept(e, out);
        out.setLength(0);
      }
      nanos = (System.nanoTime() - t0) / n;
      perChunk = (allocated() - before) / n;
      before = allocated();
      long sink = 0;
      for (StreamEvent e : chunks) sink += new JsonObject(e.data()).size();
      treePerChunk = (allocated() - before) / n;
      assertTrue(sink > 0);
    }
    System.out.println("responses stream translation: " + perChunk + " bytes and " + nanos
        + " ns per token chunk; a JsonObject parse of the same chunk alone: " + treePerChunk + " bytes");
    assertTrue(perChunk < treePerChunk, perChunk + " bytes per chunk, a tree parse costs " + treePerChunk);
    assertTrue(perChunk < 256, perChunk + " bytes per chunk: a token chunk must not need a parser");
  }
}
