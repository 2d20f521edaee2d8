package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON and Python-literal readers at their edges: number sizes, escapes, blanks, depth, word ends. */
class LiteralEdgesTest {
  private static Object json(String s) {
    return JsonReader.read(s, 0, s.length());
  }

  @Test
  void jsonNumbersKeepTheirSize() {
    assertEquals(Integer.valueOf(999_999_999), json("999999999"));
    assertEquals(Long.valueOf(1_000_000_000L), json("1000000000"));
    assertEquals(Long.valueOf(-999_999_999_999_999_999L), json("-999999999999999999"));
    assertEquals(Long.valueOf(Long.MAX_VALUE), json("9223372036854775807"));
    assertEquals(new BigInteger("9223372036854775808"), json("9223372036854775808"));
    assertEquals(Integer.valueOf(0), json("-0"));
    assertEquals(new BigDecimal("1e400"), json("1e400"));
    assertEquals(150.0, json("1.5E+2"));
    assertSame(JsonValues.FAIL, json("1e"));
    assertSame(JsonValues.FAIL, json("1e+"));
    assertSame(JsonValues.FAIL, json("00"));
    assertSame(JsonValues.FAIL, json("-a"));
  }

  @Test
  void jsonStringsAndBlanks() {
    assertEquals("\b\f\r\t/\\\"AB", json("\"\\b\\f\\r\\t\\/\\\\\\\"\\u0041\\u0042\""));
    assertSame(JsonValues.FAIL, json("\"\\x41\""));
    assertSame(JsonValues.FAIL, json("\"\\u00G1\""));
    assertSame(JsonValues.FAIL, json("\"a\\n\u0001\""), "a control char after an escape");
    assertEquals(new JsonObject().put("a", new JsonArray().add(1).add(2)), json("\t{ \"a\" :\r\n[ 1 , 2 ] }\n"));
    assertEquals(new JsonObject(), json("{ }"));
    assertEquals(new JsonArray(), json("[ ]"));
    assertSame(JsonValues.FAIL, json("{\"a\": 1 \"b\": 2}"));
    assertSame(JsonValues.FAIL, json("{1: 2}"));
    assertSame(JsonValues.FAIL, json("[1,]"));
    assertSame(JsonValues.FAIL, json("nul"));
  }

  @Test
  void jsonReadsASliceAndLimitsDepth() {
    assertEquals(new JsonArray().add(1), JsonReader.read("xx[1]yy", 2, 5));
    assertEquals(new JsonArray().add(1), JsonReader.read("xx [1] ", 2, 7));
    assertSame(JsonValues.FAIL, JsonReader.read("xx[1]yy", 2, 6));
    assertEquals(513, depth(json("[".repeat(513) + "]".repeat(513))));
    assertSame(JsonValues.FAIL, json("[".repeat(514) + "]".repeat(514)));
  }

  private static int depth(Object o) {
    int d = 0;
    while (o instanceof JsonArray a) {
      d++;
      o = a.isEmpty() ? null : a.getValue(0);
    }
    return d;
  }

  @Test
  void pythonBlanksAnywhere() {
    List<RawCall> calls = PythonLiteral.callList(" [ f ( a = 1 , b = [ 1 , 2 ] , c = { 'k' : ( 1 , ) } ) , g ( ) ] ");
    assertEquals(2, calls.size());
    assertEquals(new JsonObject().put("a", 1).put("b", new JsonArray().add(1).add(2))
        .put("c", new JsonObject().put("k", new JsonArray().add(1))), calls.get(0).arguments());
    assertEquals("g", calls.get(1).name());
    assertEquals(new JsonObject().put("a", 1), PythonLiteral.literal(" { 'a' : 1 , } "));
    assertEquals(new JsonArray().add(1), PythonLiteral.literal("[ 1 , ]"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("[1 2]"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("{'a' 1}"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("{1: 2}"), "keys are strings");
    assertEquals(new JsonObject().put("x", 1), PythonLiteral.callList("[f(x=1,)]").get(0).arguments());
    assertNull(PythonLiteral.callList("[f(x=1 y=2)]"));
    assertNull(PythonLiteral.callList("[f(x=1), ]x"));
    assertNull(PythonLiteral.callList("[f(x=1) g()]"));
    assertNull(PythonLiteral.callList("[1f()]"));
    assertEquals("get-weather", PythonLiteral.callList("[get-weather()]").get(0).name());
    assertNull(PythonLiteral.callList("[f(=1)]"));
  }

  @Test
  void pythonNumbers() {
    assertEquals(5, PythonLiteral.literal("+5"));
    assertEquals(-5, PythonLiteral.literal("-5"));
    assertEquals(1000, PythonLiteral.literal("1_000"));
    assertEquals(0.001, PythonLiteral.literal("1e-3"));
    assertEquals(1000.0, PythonLiteral.literal("1E+3"));
    assertEquals(0.5, PythonLiteral.literal(".5"));
    assertEquals(5_000_000_000L, PythonLiteral.literal("5000000000"));
    assertEquals(new BigInteger("12345678901234567890123"), PythonLiteral.literal("12345678901234567890123"));
    assertEquals(new BigDecimal("1e999"), PythonLiteral.literal("1e999"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("--1"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("+"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("1.2.3"));
  }

  @Test
  void pythonStringsAndWords() {
    assertEquals("aAB\0\t\r", PythonLiteral.literal("'a\\x41\\u0042\\0\\t\\r'"));
    assertEquals("linecont", PythonLiteral.literal("'line\\\ncont'"));
    assertEquals("q\"'", PythonLiteral.literal("\"q\\\"\\'\""));
    assertEquals("a\nb", PythonLiteral.literal("\"\"\"a\nb\"\"\""));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("'open"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("'two\nlines'"));
    assertNull(PythonLiteral.literal("None"));
    assertNull(PythonLiteral.literal("null"));
    assertEquals(true, PythonLiteral.literal("true"));
    assertEquals(false, PythonLiteral.literal("False"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("Truex"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal("nullable"));
    assertSame(JsonValues.FAIL, PythonLiteral.literal(""));
  }

  @Test
  void pythonCallSequences() {
    List<RawCall> calls = PythonLiteral.callSequence("  a()\n\n  b(x=1)  ");
    assertEquals(List.of("a", "b"), calls.stream().map(RawCall::name).toList());
    assertEquals(new JsonObject().put("x", 1), calls.get(1).arguments());
    assertNull(PythonLiteral.callSequence("a() junk"));
    assertNull(PythonLiteral.callSequence("   "));
    assertNull(PythonLiteral.callSequence("a("));
  }
}
