package dev.clawbus.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplesTest {
  @Test
  void nearestRankPercentilesOfUnsortedSamples() {
    Samples s = new Samples(2);
    for (long v : new long[] {90, 10, 100, 30, 20, 60, 40, 80, 50, 70}) s.add(v);
    assertEquals(10, s.size());
    assertEquals(50, s.percentile(50));
    assertEquals(100, s.percentile(95));
    assertEquals(90, s.percentile(90));
    assertEquals(10, s.percentile(1));
    assertEquals(100, s.percentile(100));
    assertEquals(100, s.max());
    assertEquals(55.0, s.mean());
  }

  @Test
  void p99OfAHundredIsTheSecondLargest() {
    Samples s = new Samples();
    for (int i = 100; i >= 1; i--) s.add(i);
    assertEquals(99, s.percentile(99));
    assertEquals(50, s.percentile(50));
    s.add(1000);
    assertEquals(100, s.percentile(99), "101 samples: rank ceil(99.99) = 100");
  }

  @Test
  void emptyIsZeroAndBadPercentilesAreRejected() {
    Samples s = new Samples();
    assertEquals(0, s.percentile(50));
    assertThrows(IllegalArgumentException.class, () -> s.percentile(0));
    s.add(5);
    assertThrows(IllegalArgumentException.class, () -> s.percentile(101));
  }

  @Test
  void sideRatesUseWallTime() {
    SideStats side = new SideStats();
    side.requests = 10;
    side.errors = 2;
    side.tokens = 500;
    side.wallNanos = 2_000_000_000L;
    assertEquals(250.0, side.tokensPerSecond());
    assertEquals(4.0, side.requestsPerSecond());
  }

  @Test
  void onlyChunksWithContentCountAsTokens() {
    assertFalse(StreamingCall.carriesToken("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"));
    assertTrue(StreamingCall.carriesToken("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word\"}}]}"));
    assertTrue(StreamingCall.carriesToken("data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hm\"}}]}"));
    assertFalse(StreamingCall.carriesToken("data: {\"choices\":[],\"usage\":{\"completion_tokens\":3}}"));
  }
}
