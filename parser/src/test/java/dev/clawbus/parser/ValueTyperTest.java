package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Typing parameter text by the tool's schema, family by family as vLLM's parsers do: Qwen3-Coder / MiniMax-M2
 * ({@code schemaTyped}), GLM ({@code jsonUnlessString}), DeepSeek DSML ({@code coerce}, vLLM's
 * {@code coerce_to_schema_type}) and HY V3 ({@code hyTyped}).
 */
class ValueTyperTest {
  private static JsonObject type(Object t) {
    return new JsonObject().put("type", t);
  }

  @Test
  void pythonIntRules() {
    assertEquals(BigInteger.valueOf(42), ValueTyper.pyInt(" 42 "));
    assertEquals(BigInteger.valueOf(-7), ValueTyper.pyInt("-7"));
    assertEquals(BigInteger.valueOf(7), ValueTyper.pyInt("+7"));
    assertEquals(BigInteger.valueOf(1000), ValueTyper.pyInt("1_000"));
    assertNull(ValueTyper.pyInt("1__0"));
    assertNull(ValueTyper.pyInt("_1"));
    assertNull(ValueTyper.pyInt("1_"));
    assertNull(ValueTyper.pyInt("-"));
    assertNull(ValueTyper.pyInt(""));
    assertNull(ValueTyper.pyInt("1.0"));
    assertNull(ValueTyper.pyInt("0x10"));
    assertEquals(new BigInteger("123456789012345678901234567890"), ValueTyper.pyInt("123456789012345678901234567890"));
  }

  @Test
  void pythonFloatRules() {
    assertEquals(2.5, ValueTyper.pyFloat("2.5", true));
    assertEquals(3, ValueTyper.pyFloat("3.0", true));
    assertEquals(3.0, ValueTyper.pyFloat("3.0", false));
    assertEquals(1000, ValueTyper.pyFloat("1e3", true));
    assertEquals(0.5, ValueTyper.pyFloat(".5", false));
    assertEquals(-0.5, ValueTyper.pyFloat("-.5", false));
    assertEquals(0.5, ValueTyper.pyFloat("+.5", false));
    assertEquals(10.5, ValueTyper.pyFloat(" 1_0.5 ", false));
    assertNull(ValueTyper.pyFloat("1e999", true), "not finite: no JSON number for it");
    assertNull(ValueTyper.pyFloat("inf", false));
    assertNull(ValueTyper.pyFloat("1.5d", false), "Java's suffixes are not Python's");
    assertNull(ValueTyper.pyFloat("", false));
    assertNull(ValueTyper.pyFloat("1.2.3", false));
    assertEquals(5_000_000_000L, ValueTyper.pyFloat("5e9", true));
  }

  @Test
  void coerceFollowsTheSchemaTypesInVllmsOrder() {
    assertEquals(30, ValueTyper.coerce("30", type("integer")));
    assertEquals("soon", ValueTyper.coerce("soon", type("integer")), "not an integer: the text");
    assertEquals(0.5, ValueTyper.coerce("0.5", type("number")));
    assertEquals(3, ValueTyper.coerce("3.0", type("number")));
    assertEquals(true, ValueTyper.coerce(" TRUE ", type("boolean")));
    assertEquals(true, ValueTyper.coerce("1", type("boolean")));
    assertEquals(false, ValueTyper.coerce("0", type("bool")));
    assertEquals("maybe", ValueTyper.coerce("maybe", type("boolean")));
    assertEquals(new JsonObject().put("a", 1), ValueTyper.coerce("{\"a\": 1}", type("object")));
    assertEquals(new JsonArray().add(1), ValueTyper.coerce("[1]", type("array")));
    assertEquals("[1", ValueTyper.coerce("[1", type("array")));
    assertEquals("42", ValueTyper.coerce("42", type("string")));
    // a type list: null first, then integer, …, string last
    assertNull(ValueTyper.coerce("null", type(new JsonArray().add("string").add("null"))));
    assertEquals("x", ValueTyper.coerce("x", type(new JsonArray().add("integer").add("string"))));
    assertEquals(7, ValueTyper.coerce("7", type(new JsonArray().add("string").add("integer"))));
    // enum kinds, anyOf and allOf count as types
    assertEquals(2, ValueTyper.coerce("2", new JsonObject().put("enum", new JsonArray().add(1).add(2))));
    assertEquals(2.5, ValueTyper.coerce("2.5", new JsonObject().put("anyOf",
        new JsonArray().add(type("number")).add(type("null")))));
    assertEquals(false, ValueTyper.coerce("false", new JsonObject().put("allOf", new JsonArray().add(type("boolean")))));
    // aliases
    assertEquals(9, ValueTyper.coerce("9", type("int64")));
    assertEquals(9.25, ValueTyper.coerce("9.25", type("double")));
    assertEquals(new JsonObject(), ValueTyper.coerce("{}", type("dict")));
    assertEquals(new JsonArray(), ValueTyper.coerce("[]", type("list")));
    assertEquals("t", ValueTyper.coerce("t", type("varchar")));
    // a type nothing matches: JSON, else the text
    assertEquals(5, ValueTyper.coerce("5", type("mystery")));
    assertEquals("five", ValueTyper.coerce("five", type("mystery")));
    // no schema at all: the model said it is not a string, so JSON when it parses
    assertEquals(new JsonObject().put("a", 1), ValueTyper.coerce("{\"a\": 1}", null));
    assertEquals("hello", ValueTyper.coerce("hello", null));
    // an empty schema means string (vLLM's extract_types_from_schema)
    assertEquals("5", ValueTyper.coerce("5", new JsonObject()));
  }

  @Test
  void schemaTypesCollectsEverySource() {
    JsonObject s = new JsonObject().put("type", "string")
        .put("enum", new JsonArray().add("a").addNull().add(true).add(1).add(1.5).add(new JsonArray()).add(new JsonObject()))
        .put("oneOf", new JsonArray().add(type("integer")));
    assertEquals(Set.of("string", "null", "boolean", "integer", "number", "array", "object"), ValueTyper.schemaTypes(s));
  }

  @Test
  void hyTypingAsVllmsHyParser() {
    assertEquals("5", ValueTyper.hyTyped("5", null), "no schema: text");
    assertEquals("5", ValueTyper.hyTyped("5", new JsonObject()), "empty schema: text");
    assertEquals(true, ValueTyper.hyTyped("True", type("boolean")));
    assertEquals(false, ValueTyper.hyTyped("false", type("bool")));
    assertEquals("yes", ValueTyper.hyTyped("yes", type("boolean")), "not a boolean, no string type: the text");
    assertEquals(5, ValueTyper.hyTyped("5", type("integer")));
    assertEquals(5, ValueTyper.hyTyped("5", type("int32")));
    assertEquals(2, ValueTyper.hyTyped("2", type("number")), "no point: an integer");
    assertEquals(2.0, ValueTyper.hyTyped("2.0", type("number")), "a point: a float");
    assertEquals(1000.0, ValueTyper.hyTyped("1e3", type("float")));
    assertEquals(new JsonObject().put("a", 1), ValueTyper.hyTyped("{\"a\": 1}", type("map")));
    assertEquals(new JsonArray().add("a"), ValueTyper.hyTyped("[\"a\"]", type("list")));
    assertEquals(" keep ", ValueTyper.hyTyped(" keep ", type("string")));
    assertEquals("x", ValueTyper.hyTyped("x", type("enum")));
    JsonObject anyOf = new JsonObject().put("anyOf", new JsonArray().add(type("integer")).add(type("string")));
    assertEquals(15, ValueTyper.hyTyped("15", anyOf));
    assertEquals("soon", ValueTyper.hyTyped("soon", anyOf));
    JsonObject oneOf = new JsonObject().put("oneOf", new JsonArray().add(type("boolean")).add(type("null")));
    assertEquals(true, ValueTyper.hyTyped("true", oneOf));
    assertEquals(new JsonArray().add(1), ValueTyper.hyTyped("[1]", oneOf), "no string type: JSON");
    assertEquals(new JsonArray().add(1).add("a"), ValueTyper.hyTyped("(1, 'a')", oneOf), "then a Python literal");
    assertEquals("nope", ValueTyper.hyTyped("nope", oneOf), "else the text");
    assertEquals("null", ValueTyper.hyTyped("null", type(new JsonArray().add("string").add("null"))));
    assertEquals("x", ValueTyper.hyTyped("x", new JsonObject().put("description", "no type")), "no type: string");
  }

  @Test
  void qwenTypingAsVllmsQwen3CoderParser() {
    assertNull(ValueTyper.schemaTyped("NULL", type("string")), "null is null for any type");
    assertEquals("5", ValueTyper.schemaTyped("5", null));
    assertEquals(5, ValueTyper.schemaTyped(" 5 ", type("integer")));
    assertEquals(5_000_000_000L, ValueTyper.schemaTyped("5000000000", type("long")));
    assertEquals(" 5x", ValueTyper.schemaTyped(" 5x", type("integer")));
    assertEquals(2, ValueTyper.schemaTyped("2.0", type("number")));
    assertEquals(2.5, ValueTyper.schemaTyped("2.5", type("float")));
    assertEquals("abc", ValueTyper.schemaTyped("abc", type("number")));
    assertEquals(false, ValueTyper.schemaTyped("yes", type("boolean")), "not true: false, as vLLM");
    assertEquals(true, ValueTyper.schemaTyped("TRUE", type("binary")));
    assertEquals(new JsonObject().put("a", 1), ValueTyper.schemaTyped("{'a': 1}", type("object")), "Python literal");
    assertEquals("{oops", ValueTyper.schemaTyped("{oops", type("object")));
    assertEquals("integer", ValueTyper.type(new JsonObject().put("anyOf", new JsonArray().add(type("null")).add(type("integer")))));
    assertEquals("integer", ValueTyper.type(type(new JsonArray().add("null").add("INTEGER"))));
    assertEquals("enum", ValueTyper.type(new JsonObject().put("enum", new JsonArray().add("a"))));
    assertEquals("object", ValueTyper.type(new JsonObject().put("properties", new JsonObject())));
    assertEquals("string", ValueTyper.type(new JsonObject()));
  }

  @Test
  void glmKeepsStringsAsWrittenAndParsesTheRest() {
    assertEquals("  Paris  ", ValueTyper.jsonUnlessString("  Paris  ", type("string")));
    assertEquals(5, ValueTyper.jsonUnlessString(" 5 ", type("integer")));
    assertEquals(5, ValueTyper.jsonUnlessString(" 5 ", null));
    assertEquals(new JsonArray().add("a"), ValueTyper.jsonUnlessString("['a']", null), "Python literal");
    assertEquals(" x y ", ValueTyper.jsonUnlessString(" x y ", null));
    assertEquals("['a']", ValueTyper.jsonUnlessString("['a']", null, false), "JSON only (FunctionGemma)");
  }
}
