package dev.clawbus.parser;

import static dev.clawbus.parser.Rule.End.JSON_SEQ;
import static dev.clawbus.parser.Rule.End.MISTRAL;
import static dev.clawbus.parser.Rule.End.PYTHON;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The marker-based families by vLLM {@code --tool-call-parser} name. */
final class Families {
  private Families() {}

  private static final String[] THINK = {"<think>", "</think>"};
  private static final String[] SEED_THINK = {"<seed:think>", "</seed:think>"};
  private static final String[] KIMI_THINK = {"◁think▷", "◁/think▷"};
  private static final String[] MISTRAL_THINK = {"[THINK]", "[/THINK]"};
  private static final String[] GRANITE_THINK = {"Here is my thought process:", "Here is my response:"};

  private record Def(List<Rule> rules, List<String[]> reasoning, List<String> drops) {}

  private static final Map<String, Def> DEFS = new LinkedHashMap<>();
  private static final Map<String, Family[]> BUILT = new ConcurrentHashMap<>();

  private static void def(String name, List<Rule> rules, List<String[]> reasoning, List<String> drops) {
    DEFS.put(name, new Def(rules, reasoning, drops));
  }

  private static void def(String name, List<Rule> rules) {
    def(name, rules, List.<String[]>of(THINK), List.of());
  }

  static {
    BlockDecoder json = Decoders.jsonCalls();
    BlockDecoder xml = Decoders::xmlFunctions;
    BlockDecoder bareFunction = (b, c, o) -> Decoders.xmlFunctions("<function=" + b, c, o);

    Rule hermes = Rule.jsonMarker("<tool_call>", json, "</tool_call>");
    Rule qwenToolCall = Rule.marker("<tool_call>", Decoders.toolCallBody(false), "</tool_call>");
    Rule qwenFunction = Rule.marker("<function=", bareFunction, "</function>");
    Rule glmToolCall = Rule.marker("<tool_call>", Decoders.toolCallBody(true), "</tool_call>");
    Rule pythonTag = Rule.json("<|python_tag|>", json).withEnd(JSON_SEQ);
    Rule bareJsonSeq = Rule.json("{", json).withEnd(JSON_SEQ);
    Rule pythonStart = Rule.marker("<|python_start|>", Decoders::pythonBlock, "<|python_end|>");
    Rule bareList = Rule.json("[", Decoders::bracketList).withEnd(PYTHON);
    Rule mistral = new Rule("[TOOL_CALLS]", false, MISTRAL, new String[0], Decoders::mistral, false, false);
    Rule deepseek = Rule.marker("<｜tool▁calls▁begin｜>", Decoders::deepseek, "<｜tool▁calls▁end｜>");
    Rule kimi = Rule.marker("<|tool_calls_section_begin|>", Decoders::kimi, "<|tool_calls_section_end|>");
    Rule kimiSingular = Rule.marker("<|tool_call_section_begin|>", Decoders::kimi, "<|tool_call_section_end|>");
    Rule graniteTag = Rule.json("<|tool_call|>", json);
    Rule internlm = Rule.jsonMarker("<|action_start|>", Decoders.jsonCalls("<|plugin|>"), "<|action_end|>");
    Rule toolCalls = Rule.jsonMarker("<tool_calls>", json, "</tool_calls>");
    Rule minimaxM2 = Rule.marker("<minimax:tool_call>", Decoders.invokes(""), "</minimax:tool_call>");
    Rule phi4 = Rule.json("functools", json);
    Rule seed = Rule.marker("<seed:tool_call>", xml, "</seed:tool_call>");
    Rule longcat = Rule.jsonMarker("<longcat_tool_call>", json, "</longcat_tool_call>");
    Rule dsml = Rule.marker("<｜DSML｜function_calls>", Decoders.invokes("｜DSML｜"), "</｜DSML｜function_calls>");
    Rule functionCall = Rule.json("<function_call>", json);
    Rule step3 = Rule.marker("<｜tool_calls_begin｜>", Decoders.invokes("steptml:"), "<｜tool_calls_end｜>");

    def("hermes", List.of(hermes));
    def("qwen3_coder", List.of(qwenToolCall, qwenFunction), List.<String[]>of(THINK), List.of("</tool_call>"));
    def("qwen3_xml", List.of(qwenToolCall, qwenFunction), List.<String[]>of(THINK), List.of("</tool_call>"));
    def("llama3_json", List.of(pythonTag, bareJsonSeq));
    def("llama4_json", List.of(pythonTag, bareJsonSeq));
    def("llama4_pythonic", List.of(pythonStart, bareList));
    def("pythonic", List.of(bareList));
    def("olmo3", List.of(Rule.marker("<function_calls>", Decoders::pythonLines, "</function_calls>"), bareList));
    def("mistral", List.of(mistral), List.of(THINK, MISTRAL_THINK), List.of());
    def("deepseek_v3", List.of(deepseek));
    def("deepseek_v31", List.of(deepseek));
    def("deepseek_v32", List.of(dsml, deepseek));
    def("kimi_k2", List.of(kimi, kimiSingular), List.of(THINK, KIMI_THINK), List.of());
    def("glm45", List.of(glmToolCall));
    def("glm47", List.of(glmToolCall));
    def("granite", List.of(graniteTag, Rule.json("<tool_call>", json), Rule.json("[", json).onlyAtStart()),
        List.of(THINK, GRANITE_THINK), List.of("</tool_call>"));
    def("granite-20b-fc", List.of(functionCall));
    def("ernie45", List.of(hermes));
    def("internlm", List.of(internlm));
    def("jamba", List.of(toolCalls));
    def("hunyuan_a13b", List.of(toolCalls), List.<String[]>of(THINK), List.of("<answer>", "</answer>"));
    def("minimax", List.of(toolCalls));
    def("minimax_m2", List.of(minimaxM2));
    def("phi4_mini_json", List.of(phi4));
    def("xlam", List.of(Rule.json("[", json), Rule.json("{", json).onlyAtStart(),
        Rule.marker("```json", json, "```").strictEof(), hermes, mistral));
    def("seed_oss", List.of(seed), List.of(SEED_THINK, THINK), List.of());
    def("longcat", List.of(longcat));
    def("step3", List.of(step3));
    def("auto", List.of(glmToolCall, qwenFunction, toolCalls, mistral, pythonTag, phi4, deepseek, kimi,
        kimiSingular, minimaxM2, dsml, seed, graniteTag, functionCall, internlm, longcat, step3, pythonStart, bareJsonSeq, bareList),
        List.of(THINK, SEED_THINK, KIMI_THINK), List.of());
  }

  static boolean has(String name) {
    return DEFS.containsKey(name);
  }

  static List<String> names() {
    return new ArrayList<>(DEFS.keySet());
  }

  static Family get(String name, String reasoningMode) {
    Family[] byMode = BUILT.get(name);
    if (byMode == null) {
      Def d = DEFS.get(name);
      byMode = new Family[] {new Family(name, d.rules(), d.reasoning(), d.drops(), "split"),
          new Family(name, d.rules(), d.reasoning(), d.drops(), "pass")};
      BUILT.putIfAbsent(name, byMode);
    }
    // drop differs from split only in where reasoning goes, not in the tokens
    return reasoningMode.equals("pass") ? byMode[1] : byMode[0];
  }
}
