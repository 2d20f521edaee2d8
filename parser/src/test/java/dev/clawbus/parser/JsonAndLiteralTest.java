package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict JSON reader, the Python literal reader and schema typing of text values. */
class JsonAndLiteralTest {
  private static Object json(String s) {
    return JsonReader.read(s, 0, s.length());
  }

  @Test
  void jsonReaderIsStrict() {
    for (String bad : List.of("{\"a\": 1,}", "{'a': 1}", "{\"a\": 01}", "{\"a\": 1} x", "/* c */ {}", "{\"a\" 1}",
        "[1 2]", "\"unterminated", "{\"a\": NaN}", "{\"a\": tru}", "\"tab\there\"", "", "-", "1.", ".5")) {
      assertSame(JsonValues.FAIL, json(bad), bad);
    }
  }

  @Test
  void jsonReaderValues() {
    assertEquals(new JsonObject().put("a", new JsonArray().add(1).add(2.5).add(true).add((Object) null))
        .put("s", "é\"\n/\u2028"), json(" {\"a\": [1, 2.5e0, true, null], \"s\": \"\\u00e9\\\"\\n\\/\\u2028\"} "));
    assertEquals(12345678901L, json("12345678901"));
    assertEquals(new BigInteger("123456789012345678901234567890"), json("123456789012345678901234567890"));
    assertEquals(-0.001, json("-1e-3"));
    assertEquals(new JsonObject().put("k", 2), json("{\"k\": 1, \"k\": 2}"), "last duplicate wins, as in Python");
  }

  @Test
  void writerIsCompactAndKeepsOrder() {
    JsonObject o = new JsonObject().put("z", 1).put("a", new JsonArray().add("x\"y").add(new JsonObject()))
        .put("d", 1.5).put("u", "東京");
    assertEquals("{\"z\":1,\"a\":[\"x\\\"y\",{}],\"d\":1.5,\"u\":\"東京\"}", JsonWriter.encode(o));
  }

  @Test
  void pythonLiterals() {
    assertEquals(new JsonObject().put("a", new JsonArray().add(1).add("two").add(false).add((Object) null)),
        PythonLiteral.literal("{'a': [1, \"two\", False, None]}"));
    assertEquals(new JsonArray().add(1).add(2), PythonLiteral.literal("(1, 2)"));
    assertEquals("multi\nline \"q\" it's", PythonLiteral.literal("'''multi\nline \"q\" it's'''"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("os.system('x')"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("{'a': 1"));
  }

  @Test
  void pythonCallLists() {
    List<RawCall> calls = PythonLiteral.callList("[a.b(x=1), c()]");
    assertEquals(2, calls.size());
    assertEquals("a.b", calls.get(0).name());
    assertEquals(new JsonObject().put("x", 1), calls.get(0).arguments());
    assertNull(PythonLiteral.callList("[f(1)]"), "positional arguments are not a call");
    assertNull(PythonLiteral.callList("[f(x=1)] trailing"));
    assertNull(PythonLiteral.callList("[]"));
  }

  @Test
  void schemaTypingLikeQwen3Coder() {
    JsonObject integer = new JsonObject().put("type", "integer");
    JsonObject number = new JsonObject().put("type", "number");
    JsonObject bool = new JsonObject().put("type", "boolean");
    JsonObject string = new JsonObject().put("type", "string");
    JsonObject object = new JsonObject().put("type", "object");
    assertEquals(5, ValueTyper.schemaTyped("5", integer));
    assertEquals("five", ValueTyper.schemaTyped("five", integer));
    assertEquals(5, ValueTyper.schemaTyped("5.0", number));
    assertEquals(1000, ValueTyper.schemaTyped("1e3", number));
    assertEquals(0.5, ValueTyper.schemaTyped("0.5", number));
    assertEquals(true, ValueTyper.schemaTyped("True", bool));
    assertEquals(false, ValueTyper.schemaTyped("no", bool));
    assertEquals("5", ValueTyper.schemaTyped("5", string));
    assertEquals("5", ValueTyper.schemaTyped("5", null), "no schema: text");
    assertNull(ValueTyper.schemaTyped("null", string));
    assertEquals(new JsonObject().put("a", 1), ValueTyper.schemaTyped("{\"a\": 1}", object));
    assertEquals(new JsonObject().put("a", true), ValueTyper.schemaTyped("{'a': True}", object));
    assertEquals("{broken", ValueTyper.schemaTyped("{broken", object));
    assertEquals(7, ValueTyper.schemaTyped("7", new JsonObject().put("type", new JsonArray().add("null").add("integer"))));
    assertEquals(7, ValueTyper.schemaTyped("7", new JsonObject().put("anyOf", new JsonArray()
        .add(new JsonObject().put("type", "integer")).add(new JsonObject().put("type", "null")))));
  }

  @Test
  void schemaTypingLikeGlm() {
    assertEquals("42", ValueTyper.jsonUnlessString("42", new JsonObject().put("type", "string")));
    assertEquals(42, ValueTyper.jsonUnlessString("42", null));
    assertEquals("Dallas", ValueTyper.jsonUnlessString("Dallas", null));
    assertEquals(new JsonArray().add("a"), ValueTyper.jsonUnlessString("[\"a\"]", null));
  }
}
