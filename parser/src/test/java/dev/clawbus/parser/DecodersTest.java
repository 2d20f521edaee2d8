package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * The block decoders on their own, at the edges the corpora reach only indirectly: what a block body decodes to,
 * written {@code name{args}} per call and {@code !text} per segment that stays content; "null" when the block
 * is not a call at all.
 */
class DecodersTest {
  private static final ParserOptions NO_TOOLS = ParserOptions.of(List.of());
  private static final ParserOptions EXEC = ParserOptions.of(ToolSpec.fromRequestTools(new JsonArray().add(
      new JsonObject().put("name", "exec").put("parameters", new JsonObject().put("type", "object")
          .put("properties", new JsonObject().put("command", new JsonObject().put("type", "string"))
              .put("n", new JsonObject().put("type", "integer")))))));

  private static String show(List<RawCall> calls) {
    if (calls == null) return "null";
    StringJoiner j = new StringJoiner(" | ");
    for (RawCall c : calls) j.add(c.isCall() ? c.name() + c.arguments().encode() : "!" + c.text());
    return j.toString();
  }

  private static String dec(BlockDecoder d, String body) {
    return show(d.decode(body, true, NO_TOOLS));
  }

  @Test
  void attributes() {
    assertEquals("x", Decoders.attribute("name=\"x\"", "name"));
    assertEquals("x y", Decoders.attribute(" name = ' x y ' ", "name"));
    assertEquals("bare", Decoders.attribute("name=bare other=1", "name"));
    assertEquals("bare", Decoders.attribute("name=bare", "name"));
    assertEquals("real", Decoders.attribute("myname=\"no\" name=\"real\"", "name"), "a key inside another key");
    assertEquals("real", Decoders.attribute("name string=\"t\" name=\"real\"", "name"), "a key without a value");
    assertNull(Decoders.attribute("name=\"open", "name"));
    assertNull(Decoders.attribute("name=  ", "name"));
    assertNull(Decoders.attribute("string=\"true\"", "name"));
    assertEquals("", Decoders.attribute("name=\"\"", "name"));
  }

  @Test
  void jsonCallsWithPrefixesFencesAndSeparators() {
    BlockDecoder plugin = Decoders.jsonCalls("<|plugin|>");
    assertEquals("a{\"x\":1}", dec(plugin, "  <|plugin|>\n{\"name\": \"a\", \"parameters\": {\"x\": 1}}"));
    assertEquals("a{} | b{}", dec(Decoders.jsonCalls(),
        "```json\n[{\"name\": \"a\", \"arguments\": {}}]; {\"name\": \"b\"}\n```"));
    assertEquals("null", dec(Decoders.jsonCalls(), "{\"name\": \"a\"} trailing"));
    assertEquals("null", dec(Decoders.jsonCalls(), "[]"));
    assertEquals("null", dec(Decoders.jsonCalls(), "  "));
    assertEquals("null", dec(Decoders.jsonCalls(true), "{\"name\": \"a\"}"), "bare JSON needs arguments");
    assertEquals("a{}", dec(Decoders.jsonCalls(true), "{\"name\": \"a\", \"parameters\": {}}"));
    assertEquals("null", dec(Decoders.jsonCalls(true), "[{\"name\": \"a\", \"arguments\": {}}, {\"name\": \"b\"}]"));
    assertEquals("f{}", dec(Decoders.jsonCalls(true), "{\"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": {}}}"));
  }

  @Test
  void unfenceNeedsALineAndAClosingFence() {
    assertEquals("[1]", Decoders.unfence("```json\n[1]\n```"));
    assertEquals("```[1]```", Decoders.unfence("```[1]```"));
    assertEquals("```json\n[1]", Decoders.unfence("```json\n[1]"));
    assertEquals("x", Decoders.unfence("```\nx```"));
  }

  @Test
  void trimOneNewlineOnEachSide() {
    assertEquals("a", Decoders.trimOneNewline("\na\n"));
    assertEquals("\na\n", Decoders.trimOneNewline("\n\na\n\n"));
    assertEquals("a", Decoders.trimOneNewline("\r\na\r\n"));
    assertEquals("", Decoders.trimOneNewline("\n"));
    assertEquals("", Decoders.trimOneNewline("\r\n"));
    assertEquals("\r", Decoders.trimOneNewline("\r"));
    assertEquals("", Decoders.trimOneNewline(""));
    assertEquals("a", Decoders.trimOneNewline("a\r\n"));
  }

  @Test
  void qwenXmlFunctions() {
    assertEquals("exec{\"command\":\"ls\",\"n\":5}", show(Decoders.xmlFunctions(
        "<function=exec>\n<parameter=command>\nls\n</parameter>\n<parameter=n>\n5\n</parameter>\n</function>", true, EXEC)));
    assertEquals("a{} | b{\"x\":\"1\"}", dec(Decoders::xmlFunctions, "<function=a></function><function=b><parameter=x>1</parameter></function>"));
    assertEquals("a{\"x\":\"1\"} | b{}", dec(Decoders::xmlFunctions, "<function=a><parameter=x>1<function=b>"),
        "a missing </function> before the next one or the block's end");
    assertEquals("null", show(Decoders.xmlFunctions("<function=a><parameter=x>1", false, NO_TOOLS)), "cut off");
    assertEquals("null", dec(Decoders::xmlFunctions, "<function= ></function>"));
    assertEquals("null", dec(Decoders::xmlFunctions, "<function=a"));
    assertEquals("null", dec(Decoders::xmlFunctions, "no function"));
    assertEquals("a{\"x\":\"1\"}", dec(Decoders::xmlFunctions, "<function=a><parameter=x>1</parameter><parameter=y</function>"),
        "a parameter tag cut before its '>' is ignored");
    assertEquals("a{\"x\":\"1\\n2\"}", dec(Decoders::xmlFunctions, "<function=a><parameter=x>\n1\n2\n</function>"));
  }

  @Test
  void toolCallBodyTakesJsonXmlOrGlm() {
    assertEquals("a{}", dec(Decoders.toolCallBody(false), " {\"name\": \"a\", \"arguments\": {}} "));
    assertEquals("a{}", dec(Decoders.toolCallBody(false), "```json\n{\"name\": \"a\"}\n```"));
    assertEquals("a{}", dec(Decoders.toolCallBody(false), "\n<function=a>\n</function>\n"));
    assertEquals("null", dec(Decoders.toolCallBody(false), "a\n<arg_key>k</arg_key><arg_value>v</arg_value>"));
    assertEquals("a{\"k\":\"v\"}", dec(Decoders.toolCallBody(true), "a\n<arg_key>k</arg_key><arg_value>v</arg_value>"));
    assertEquals("null", show(Decoders.toolCallBody(true).decode("a\n<arg_key>k</arg_key>", false, NO_TOOLS)));
  }

  @Test
  void glmLayouts() {
    assertEquals("a{}", dec(Decoders::glm, "a"));
    assertEquals("a{}", dec(Decoders::glm, " a \n"));
    assertEquals("a{\"x\":1}", dec(Decoders::glm, "a\n{\"x\": 1}"));
    assertEquals("a{\"x\":1}", dec(Decoders::glm, "a{\"x\": 1}"));
    assertEquals("null", dec(Decoders::glm, "a\n{\"x\": }"));
    assertEquals("a{\"k\":\"v\",\"n\":2}", dec(Decoders::glm,
        "a<arg_key>k</arg_key>\\n<arg_value>v</arg_value>junk<arg_key> n </arg_key> \n <arg_value> 2 </arg_value>"));
    assertEquals("null", dec(Decoders::glm, "a\nnot a pair"));
    assertEquals("null", dec(Decoders::glm, "a\n<arg_key>k</arg_key>x<arg_value>v</arg_value>"));
    assertEquals("null", dec(Decoders::glm, "a\n<arg_key>k"));
    assertEquals("null", dec(Decoders::glm, "a\n<arg_key>k</arg_key><arg_value>v"));
    assertEquals("null", dec(Decoders::glm, "a b\n<arg_key>k</arg_key><arg_value>v</arg_value>"));
    assertEquals("null", dec(Decoders::glm, "\n<arg_key>k</arg_key><arg_value>v</arg_value>"));
    assertEquals("null", dec(Decoders::glm, "a\n<arg_key>k</arg_key>\\x<arg_value>v</arg_value>"));
  }

  @Test
  void namesAndWords() {
    assertTrue(Decoders.isName("ns.tool-1:x_y"));
    assertFalse(Decoders.isName("a b"));
    assertFalse(Decoders.isName("a/b"));
    assertTrue(Decoders.isName(""));
  }

  @Test
  void deepseekSections() {
    String sep = "<｜tool▁sep｜>";
    String b = "<｜tool▁call▁begin｜>";
    String e = "<｜tool▁call▁end｜>";
    assertEquals("a{}", dec(Decoders::deepseek, b + "a" + sep + e));
    assertEquals("a{\"x\":1}", dec(Decoders::deepseek, b + "function" + sep + "a\n```json\n{\"x\": 1}\n```" + e));
    assertEquals("null", dec(Decoders::deepseek, b + "function" + sep + "a\n```json\n{\"x\": 1}" + e));
    assertEquals("null", dec(Decoders::deepseek, b + "a b" + sep + "{}" + e));
    assertEquals("null", dec(Decoders::deepseek, b + "a{}" + e));
    assertEquals("a{} | !" + b + "b" + sep + "{", dec(Decoders::deepseek, b + "a" + sep + "{}" + e + b + "b" + sep + "{"),
        "a section cut off by the end of the block stays content");
    assertEquals("null", dec(Decoders::deepseek, "nothing"));
  }

  @Test
  void kimiIdsAndNames() {
    String b = "<|tool_call_begin|>";
    String a = "<|tool_call_argument_begin|>";
    String e = "<|tool_call_end|>";
    List<RawCall> c = Decoders.kimi(b + " functions.get_weather:3 " + a + " " + e, true, NO_TOOLS);
    assertEquals("get_weather", c.get(0).name());
    assertEquals("functions.get_weather:3", c.get(0).id());
    assertEquals(new JsonObject(), c.get(0).arguments());
    assertEquals("plain{}", dec(Decoders::kimi, b + "plain" + a + "{}" + e));
    assertEquals("null", dec(Decoders::kimi, b + "functions.:0" + a + "{}" + e));
    assertEquals("null", dec(Decoders::kimi, b + "functions.a:0{}" + e));
    assertEquals("null", dec(Decoders::kimi, b + "a b:0" + a + "{}" + e));
  }

  @Test
  void invokesAndDsml() {
    BlockDecoder m2 = Decoders.invokes("");
    assertEquals("exec{\"command\":\"ls\",\"n\":5}", show(m2.decode(
        "<invoke name=\"exec\"><parameter name=\"command\">\nls\n</parameter><parameter name=\"n\">5</parameter></invoke>",
        true, EXEC)));
    assertEquals("null", dec(m2, "no invoke"));
    assertEquals("null", dec(m2, "<invoke name=\"a\"><parameter name=\"x\">1</invoke>"), "parameter not closed");
    assertEquals("null", dec(m2, "<invoke name=\"a\"><parameter x=\"1\">1</parameter></invoke>"), "parameter without name");
    assertEquals("null", dec(m2, "<invoke other=\"a\"></invoke>"));
    assertEquals("null", dec(m2, "<invoke name=\"a\"></invok"));
    assertEquals("a{} | !<invoke name=\"b\">", dec(m2, "<invoke name=\"a\"></invoke><invoke name=\"b\">"));
    BlockDecoder dsml = Decoders.invokes("｜DSML｜");
    assertEquals("exec{\"command\":\" 5 \",\"n\":5}", show(dsml.decode("<｜DSML｜invoke name=\"exec\">"
        + "<｜DSML｜parameter name=\"command\" string=\"true\"> 5 </｜DSML｜parameter>"
        + "<｜DSML｜parameter name=\"n\" string=\"false\">5</｜DSML｜parameter></｜DSML｜invoke>", true, EXEC)));
  }

  @Test
  void unwrapArgumentsOnlyForForeignWrappers() {
    ToolSpec exec = EXEC.tools().get(0);
    JsonObject inner = new JsonObject().put("command", "ls");
    assertEquals(inner, Decoders.unwrapArguments(new JsonObject().put("arguments", inner), exec));
    assertEquals(inner, Decoders.unwrapArguments(new JsonObject().put("input", inner.encode()), exec));
    JsonObject two = new JsonObject().put("arguments", inner).put("x", 1);
    assertEquals(two, Decoders.unwrapArguments(two, exec), "not alone");
    JsonObject foreign = new JsonObject().put("arguments", new JsonObject().put("zzz", 1));
    assertEquals(foreign, Decoders.unwrapArguments(foreign, exec));
    JsonObject notJson = new JsonObject().put("arguments", "not json");
    assertEquals(notJson, Decoders.unwrapArguments(notJson, exec));
    assertEquals(foreign, Decoders.unwrapArguments(foreign, null));
    assertEquals(foreign, Decoders.unwrapArguments(foreign, new ToolSpec("exec", null)));
    assertEquals(foreign, Decoders.unwrapArguments(foreign, new ToolSpec("exec", new JsonObject())));
    ToolSpec own = new ToolSpec("t", new JsonObject().put("properties", new JsonObject().put("arguments", new JsonObject())));
    JsonObject kept = new JsonObject().put("arguments", new JsonObject());
    assertEquals(kept, Decoders.unwrapArguments(kept, own), "the tool's own parameter named arguments");
  }

  @Test
  void mistralForms() {
    assertEquals("a{\"x\":1}", dec(Decoders::mistral, "a[ARGS]{\"x\": 1}"));
    assertEquals("null", dec(Decoders::mistral, "a[ARGS]junk{\"x\": 1}"));
    List<RawCall> c = Decoders.mistral("a[CALL_ID]abc123XYZ[ARGS]{}", true, NO_TOOLS);
    assertEquals("abc123XYZ", c.get(0).id());
    assertNull(Decoders.mistral("a[CALL_ID] [ARGS]{}", true, NO_TOOLS).get(0).id());
    assertEquals("list_files{}", dec(Decoders::mistral, " list_files "));
    assertEquals("null", dec(Decoders::mistral, "two words"));
    assertEquals("null", dec(Decoders::mistral, "a{\"x\": }"));
    assertEquals("null", dec(Decoders::mistral, ""));
    assertEquals("a{}", dec(Decoders::mistral, "[{\"name\": \"a\"}]"));
  }

  @Test
  void pythonForms() {
    assertEquals("a{}", dec(Decoders::bracketList, " [ {\"name\": \"a\"} ] "));
    assertEquals("a{\"x\":1}", dec(Decoders::bracketList, "[a(x=1)]"));
    assertEquals("null", dec(Decoders::bracketList, "[1]"));
    assertEquals("a{} | b{}", dec(Decoders::pythonLines, "a()\n b()"));
    assertEquals("null", show(Decoders.pythonLines("a()", false, NO_TOOLS)));
    assertEquals("null", dec(Decoders::pythonLines, "[a()]"));
    assertEquals("a{}", show(Decoders.pythonBlock("[a()]", false, NO_TOOLS)), "complete list at the end");
    assertEquals("null", show(Decoders.pythonBlock("[a(", false, NO_TOOLS)));
    assertEquals("a{}", dec(Decoders::pythonBlock, " {\"name\": \"a\"} "));
    assertEquals("null", show(Decoders.pythonBlock("{\"name\": \"a\"}", false, NO_TOOLS)));
  }

  @Test
  void apertusElements() {
    assertEquals("a{\"x\":1}", dec(Decoders::apertus, " {\"a\": {\"x\": 1}} "), "a lone object");
    assertEquals("a{} | b{}", dec(Decoders::apertus, "[{\"a\": null}, {\" b \": {}}]"));
    assertEquals("null", dec(Decoders::apertus, "[]"));
    assertEquals("null", dec(Decoders::apertus, "[1]"));
    assertEquals("null", dec(Decoders::apertus, "[{}]"));
    assertEquals("null", dec(Decoders::apertus, "[{\" \": {}}]"));
    assertEquals("null", dec(Decoders::apertus, "[{\"a\": [1]}]"));
    assertEquals("null", dec(Decoders::apertus, "\"text\""));
  }

  @Test
  void functionGemmaArguments() {
    String e = "<escape>";
    assertEquals("f{\"k\":1,\"s\":\"v\"}", dec(Decoders::functionGemma, " call:f{k:" + e + "1" + e + ",s:" + e + "v" + e + "} "));
    assertEquals("f{}", dec(Decoders::functionGemma, "call:f{}"));
    assertEquals("f{\"a_1\":\"x\"}", dec(Decoders::functionGemma, "call:f{ a_1:" + e + "x" + e + "}"));
    assertEquals("f{}", dec(Decoders::functionGemma, "call:f{:" + e + "x" + e + "}"), "a value without key is skipped");
    assertEquals("exec{\"command\":\"5\",\"n\":5}", show(Decoders.functionGemma(
        "call:exec{command:" + e + "5" + e + ",n:" + e + "5" + e + "}", true, EXEC)));
    assertEquals("null", dec(Decoders::functionGemma, "call:f{k:" + e + "1}"));
    assertEquals("null", dec(Decoders::functionGemma, "call:{}"));
    assertEquals("null", dec(Decoders::functionGemma, "call:f"));
    assertEquals("null", dec(Decoders::functionGemma, "call:f{k:1"));
    assertEquals("null", dec(Decoders::functionGemma, "f{}"));
    assertEquals("null", dec(Decoders::functionGemma, "call:f.g{}"));
  }

  @Test
  void gemma4Calls() {
    String q = GemmaArgs.Q;
    assertEquals("a.b-c{\"x\":\"1\"}", dec(Decoders::gemma4, " :call: a.b-c {x:" + q + "1" + q + "} "));
    assertEquals("null", dec(Decoders::gemma4, "call:a{x:1} tail"));
    assertEquals("null", dec(Decoders::gemma4, "call:a b{}"));
    assertEquals("null", dec(Decoders::gemma4, "call:{}"));
    assertEquals("null", dec(Decoders::gemma4, "call:a"));
    assertEquals("null", dec(Decoders::gemma4, "cal:a{}"));
    assertEquals("null", dec(Decoders::gemma4, "call:a{x:[1}"));
  }

  @Test
  void gigachatObject() {
    assertEquals("a{\"x\":1}", dec(Decoders::gigachat, " {\"name\": \"a\", \"arguments\": {\"x\": 1}} "));
    assertEquals("null", dec(Decoders::gigachat, "{\"name\": \" \", \"arguments\": {}}"));
    assertEquals("null", dec(Decoders::gigachat, "{\"name\": 1, \"arguments\": {}}"));
    assertEquals("null", dec(Decoders::gigachat, "[{\"name\": \"a\", \"arguments\": {}}]"));
  }

  @Test
  void hyV3Sections() {
    String c = "<tool_call>";
    String e = "</tool_call>";
    assertEquals("a{\"k\":\"v\"}", dec(Decoders::hyV3, c + " a <tool_sep><arg_key>k</arg_key> \n <arg_value>v</arg_value>" + e));
    assertEquals("null", dec(Decoders::hyV3, c + "a<tool_sep><arg_key>k</arg_key>x<arg_value>v</arg_value>" + e));
    assertEquals("null", dec(Decoders::hyV3, c + "a<tool_sep><arg_key>k" + e));
    assertEquals("null", dec(Decoders::hyV3, c + "a<tool_sep><arg_key>k</arg_key><arg_value>v" + e));
    assertEquals("null", dec(Decoders::hyV3, c + "<tool_sep>" + e));
    assertEquals("null", dec(Decoders::hyV3, c + "a b<tool_sep>" + e));
    assertEquals("a{}", dec(Decoders::toolCallsBlock, " " + c + "a<tool_sep>" + e));
    assertEquals("a{}", dec(Decoders::toolCallsBlock, "[{\"name\": \"a\"}]"));
  }

  @Test
  void minimaxLinesStandAlone() {
    assertEquals("a{} | !junk | !{\"name\": \"b\"}", dec(Decoders::minimaxLines,
        "\n {\"name\": \"a\", \"arguments\": {}} \n\njunk\n{\"name\": \"b\"}\n"));
    assertEquals("null", dec(Decoders::minimaxLines, "junk\n\n"));
    assertEquals("null", dec(Decoders::minimaxLines, "{\"arguments\": {}}"));
  }

  @Test
  void fenceTags() {
    String list = "[{\"name\": \"a\"}]";
    assertEquals("a{}", dec(Decoders::fence, "json\n" + list + "\n"));
    assertEquals("a{}", dec(Decoders::fence, " json \n" + list));
    assertEquals("a{}", dec(Decoders::fence, "\n" + list));
    assertEquals("a{}", dec(Decoders::fence, list + "\n"));
    assertEquals("a{}", dec(Decoders::fence, "{\"name\": \"a\"}"));
    assertEquals("null", dec(Decoders::fence, "python\nprint(1)\n"));
    assertEquals("null", dec(Decoders::fence, "json"));
  }

  @Test
  void echoIsSwallowed() {
    assertEquals(List.of(), Decoders.echo("[a()]", true, NO_TOOLS));
  }
}
