package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Gemma 4's argument notation read as vLLM's {@code _parse_gemma4_args} reads it. */
class GemmaArgsTest {
  private static final String Q = GemmaArgs.Q;

  @Test
  void bareWordsAndStrings() {
    JsonObject o = GemmaArgs.object("s:" + Q + "a, b: c" + Q + ",i:42, f:1.5 ,t:true,n:NONE,nil:nil,x:maybe,neg:-3,big:1e5");
    assertEquals(new JsonObject().put("s", "a, b: c").put("i", 42).put("f", 1.5).put("t", true).putNull("n")
        .putNull("nil").put("x", "maybe").put("neg", -3).put("big", "1e5"), o);
  }

  @Test
  void nestedObjectsAndLists() {
    JsonObject o = GemmaArgs.object("o:{a:[1,{b:" + Q + "]}" + Q + "},[2]],c:{}},l:[],z:false");
    assertEquals(new JsonObject().put("o", new JsonObject()
            .put("a", new JsonArray().add(1).add(new JsonObject().put("b", "]}")).add(new JsonArray().add(2)))
            .put("c", new JsonObject()))
        .put("l", new JsonArray()).put("z", false), o);
  }

  @Test
  void valuesAtTheEdge() {
    assertEquals(new JsonObject().put("k", ""), GemmaArgs.object("k:"), "a key at the end gets an empty string");
    assertEquals(new JsonObject().put("k", ""), GemmaArgs.object("k:   "));
    assertEquals(new JsonObject().put("k", "open"), GemmaArgs.object("k:" + Q + "open"), "unterminated string: the rest");
    assertEquals(new JsonObject().put("k", new JsonObject().put("a", 1)), GemmaArgs.object("k:{a:1"));
    assertEquals(new JsonObject(), GemmaArgs.object("no colon here"));
    assertEquals(new JsonObject().put("quoted key", 1), GemmaArgs.object(Q + "quoted key" + Q + ":1"));
    assertEquals(new JsonObject().put("a", "x"), GemmaArgs.object("a:" + Q + "x" + Q + ",,, ,"));
    assertEquals(new JsonObject(), GemmaArgs.object("a:,b:2"), "no progress on a value: stop, as vLLM does");
    assertEquals(new JsonObject().put("l", new JsonArray().add(1)), GemmaArgs.object("l:[1,,]"));
  }

  @Test
  void closingBraceSkipsStringsAndNeedsTheRightKind() {
    String s = "{a:" + Q + "}" + Q + ",b:[{}]}rest";
    assertEquals(s.indexOf("}rest"), GemmaArgs.closing(s, 0));
    assertEquals(-1, GemmaArgs.closing("{a:[1}]", 0), "mismatched brackets");
    assertEquals(-1, GemmaArgs.closing("{a:" + Q + "x}", 0), "unterminated string");
    assertEquals(-1, GemmaArgs.closing("{a:1", 0));
    assertEquals(4, GemmaArgs.closing("[1,2]", 0));
  }
}
