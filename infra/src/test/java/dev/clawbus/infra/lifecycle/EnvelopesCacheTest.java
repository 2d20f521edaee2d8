package dev.clawbus.infra.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The node's cache of envelope texts: bounded by the characters it holds, least recently used out first. */
class EnvelopesCacheTest {
  @Test
  void holdsAtMostItsCharactersAndDropsTheLeastRecentlyUsed() {
    Envelopes.Cache c = new Envelopes.Cache(10);
    c.put("a", "aaaa");
    c.put("b", "bbbb");
    assertEquals("aaaa", c.get("a"), "a is now the most recently used");
    c.put("c", "cccc");
    assertNull(c.get("b"), "b was the least recently used");
    assertEquals("aaaa", c.get("a"));
    assertEquals("cccc", c.get("c"));
    assertEquals(8, c.chars());
    c.put("a", "aaaaaa");
    assertEquals(10, c.chars(), "a replaced, counted once");
    c.put("huge", "x".repeat(11));
    assertNull(c.get("huge"), "larger than the whole cache: not kept");
    assertEquals(2, c.size());
  }
}
