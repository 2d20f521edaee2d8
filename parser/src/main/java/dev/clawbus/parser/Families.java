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

  private static final String[] APERTUS_THINK = {"<|inner_prefix|>", "<|inner_suffix|>"};
  private static final String[] GEMMA_THOUGHT = {"<|channel>thought\n", "<channel|>"};
  private static final String[] GEMMA_CHANNEL = {"<|channel>", "<channel|>"};
  private static final String[] INKLING_THINK = {"<|content_thinking|>", "<|end_message|>"};
  private static final String[] XTML_THINK = {"<|open|>think<|sep|>", "<|close|>think<|sep|>"};
  private static final String[] MM_THINK = {"<mm:think>", "</mm:think>"};
  private static final String[] COHERE_THINK = {Cohere.THINKING_START, Cohere.THINKING_END};
  private static final List<String> K3_DROPS = List.of("<|open|>response<|sep|>", "<|close|>message<|sep|>");
  private static final String K3_STOP = "<|close|>response<|sep|>";
  private static final List<String> INKLING_DROPS = List.of("<|message_model|>", "<|content_text|>",
      "<|content_invoke_tool_text|>", "<|content_tool_error|>", "<|content_model_end_sampling|>");
  private static final Family.Style RAW = Family.Style.RAW;
  private static final Family.Style STRIP = Family.Style.STRIP;

  private record Def(List<Rule> rules, List<String[]> reasoning, List<String> drops, List<String> stops,
                     Family.Style style, Family.Sections sections) {}

  private static final Map<String, Def> DEFS = new LinkedHashMap<>();
  private static final Map<String, Family[]> BUILT = new ConcurrentHashMap<>();

  private static void def(String name, List<Rule> rules, List<String[]> reasoning, List<String> drops,
                          List<String> stops, Family.Style style) {
    def(name, rules, reasoning, drops, stops, style, Family.Sections.PAIRS);
  }

  private static void def(String name, List<Rule> rules, List<String[]> reasoning, List<String> drops,
                          List<String> stops, Family.Style style, Family.Sections sections) {
    DEFS.put(name, new Def(rules, reasoning, drops, stops, style, sections));
  }

  private static void def(String name, List<Rule> rules, List<String[]> reasoning, List<String> drops) {
    def(name, rules, reasoning, drops, List.of(), RAW);
  }

  private static void def(String name, List<Rule> rules) {
    def(name, rules, List.<String[]>of(THINK), List.of());
  }

  private static void def(String name, List<Rule> rules, Family.Style style) {
    def(name, rules, List.<String[]>of(THINK), List.of(), List.of(), style);
  }

  static {
    BlockDecoder json = Decoders.jsonCalls();
    BlockDecoder xml = Decoders::xmlFunctions;
    BlockDecoder bareFunction = (b, c, o) -> Decoders.xmlFunctions("<function=" + b, c, o);

    Rule hermes = Rule.jsonMarker("<tool_call>", json, "</tool_call>");
    Rule qwenToolCall = Rule.marker("<tool_call>", Decoders.toolCallBody(false), "</tool_call>");
    Rule qwenFunction = Rule.marker("<function=", bareFunction, "</function>");
    Rule glmToolCall = Rule.marker("<tool_call>", Decoders.toolCallBody(true), "</tool_call>");
    BlockDecoder llamaJson = Decoders.jsonCalls(true);
    Rule pythonTag = Rule.json("<|python_tag|>", llamaJson).withEnd(JSON_SEQ);
    Rule bareJsonSeq = Rule.json("{", llamaJson).withEnd(JSON_SEQ);
    Rule pythonStart = Rule.marker("<|python_start|>", Decoders::pythonBlock, "<|python_end|>");
    Rule bareList = Rule.json("[", Decoders::bracketList).withEnd(PYTHON);
    Rule mistral = new Rule("[TOOL_CALLS]", false, MISTRAL, new String[0], Decoders::mistral, false, false);
    Rule deepseek = Rule.marker("<｜tool▁calls▁begin｜>", Decoders::deepseek, "<｜tool▁calls▁end｜>");
    Rule kimi = Rule.marker("<|tool_calls_section_begin|>", Decoders::kimi, "<|tool_calls_section_end|>");
    Rule kimiSingular = Rule.marker("<|tool_call_section_begin|>", Decoders::kimi, "<|tool_call_section_end|>");
    Rule graniteTag = Rule.json("<|tool_call|>", json);
    Rule internlm = Rule.jsonMarker("<|action_start|>", Decoders.jsonCalls("<|plugin|>"), "<|action_end|>");
    Rule toolCalls = Rule.jsonMarker("<tool_calls>", json, "</tool_calls>");
    Rule minimaxToolCalls = Rule.jsonMarker("<tool_calls>", Decoders::minimaxLines, "</tool_calls>");
    Rule anyToolCalls = Rule.marker("<tool_calls>", Decoders::toolCallsBlock, "</tool_calls>");
    Rule hyV3 = Rule.marker("<tool_calls>", Decoders::hyV3, "</tool_calls>");
    Rule minimaxM2 = Rule.marker("<minimax:tool_call>", Decoders.invokes(""), "</minimax:tool_call>");
    Rule phi4 = Rule.json("functools", json);
    Rule seed = Rule.marker("<seed:tool_call>", xml, "</seed:tool_call>");
    Rule longcat = Rule.jsonMarker("<longcat_tool_call>", json, "</longcat_tool_call>");
    Rule dsml = Rule.marker("<｜DSML｜function_calls>", Decoders.invokes("｜DSML｜"), "</｜DSML｜function_calls>");
    Rule dsmlV4 = Rule.marker("<｜DSML｜tool_calls>", Decoders.invokes("｜DSML｜"), "</｜DSML｜tool_calls>");
    Rule functionCall = Rule.json("<function_call>", json);
    Rule step3 = Rule.marker("<｜tool_calls_begin｜>", Decoders.invokes("steptml:"), "<｜tool_calls_end｜>");
    Rule apertus = Rule.json("<|tools_prefix|>", Decoders::apertus, "<|tools_suffix|>");
    Rule functionGemma = Rule.marker("<start_function_call>", Decoders::functionGemma, "<end_function_call>");
    Rule gemma4 = Rule.marker("<|tool_call>", Decoders::gemma4, "<tool_call|>", "<turn|>");
    Rule gemma4Bare = Rule.marker("call:", (b, c, o) -> Decoders.gemma4("call:" + b, c, o), "<tool_call|>",
        "<turn|>").onlyAtStart();
    Rule gigachat = Rule.json("function call<|role_sep|>", Decoders::gigachat);
    Rule gigachatTag = Rule.json("<|function_call|>", Decoders::gigachat);
    Rule lfm2 = Rule.marker("<|tool_call_start|>", Decoders::bracketList, "<|tool_call_end|>");
    // LFM2's echo: a pythonic list right after the call, capped with another <|tool_call_end|>
    Rule lfm2Echo = new Rule("[", true, PYTHON, new String[] {"<|tool_call_end|>"}, Decoders::echo, false, false,
        true);
    Rule kimiK3 = Rule.marker("<|open|>tools<|sep|>", Decoders::kimiK3, "<|close|>tools<|sep|>");
    Rule solarOpen2 = Rule.marker("<|tool_call:start|>", Decoders::solarOpen2, "<|tool_call:end|>");
    Rule miniCpm5 = Rule.marker("<function", Decoders::miniCpm5, "</function>");
    // auto knows MiniCPM5 by its name attribute: a bare "<function" would hold <functions>-like prose, and a Qwen
    // <function=…> call after it, until the next </function>
    BlockDecoder miniCpm5Named = (b, c, o) -> Decoders.miniCpm5(" name=" + b, c, o);
    Rule miniCpm5Name = Rule.marker("<function name=", miniCpm5Named, "</function>");
    Rule miniCpm5Collapsed = Rule.marker("<functionname=", miniCpm5Named, "</function>");
    Rule inkling = Rule.marker("<|content_invoke_tool_json|>", Decoders::inkling, "<|end_message|>",
        "<|content_model_end_sampling|>");
    Rule minimaxM3 = Rule.marker(MinimaxM3.START, MinimaxM3::decode, MinimaxM3.END);
    Rule olmoBlock = Rule.marker("<function_calls>", Decoders::pythonLines, "</function_calls>");
    Rule cohereAction = Rule.jsonMarker(Cohere.ACTION_START, Cohere::actions, Cohere.ACTION_END);

    def("hermes", List.of(hermes));
    def("qwen3_coder", List.of(qwenToolCall, qwenFunction), List.<String[]>of(THINK), List.of("</tool_call>"));
    def("qwen3_xml", List.of(qwenToolCall, qwenFunction), List.<String[]>of(THINK), List.of("</tool_call>"));
    def("llama3_json", List.of(pythonTag, bareJsonSeq));
    def("llama4_json", List.of(pythonTag, bareJsonSeq));
    def("llama4_pythonic", List.of(pythonStart.onlyAtStart(), bareList.onlyAtStart()));
    def("pythonic", List.of(bareList.onlyAtStart()));
    def("olmo3", List.of(olmoBlock, Rule.pythonLines(Decoders::pythonLines)));
    def("mistral", List.of(mistral), List.of(THINK, MISTRAL_THINK), List.of());
    def("deepseek_v3", List.of(deepseek));
    def("deepseek_v31", List.of(deepseek));
    def("deepseek_v32", List.of(dsml, deepseek));
    def("deepseek_v4", List.of(dsmlV4, dsml));
    def("kimi_k2", List.of(kimi, kimiSingular), List.of(THINK, KIMI_THINK), List.of());
    def("glm45", List.of(glmToolCall));
    def("glm47", List.of(glmToolCall));
    def("granite", List.of(graniteTag.onlyAtStart(), Rule.json("<tool_call>", json).onlyAtStart(),
        Rule.json("[", json).onlyAtStart()), List.of(THINK, GRANITE_THINK), List.of("</tool_call>"));
    def("granite4", List.of(hermes.strictEof()), new Family.Style(false, Family.After.KEEP));
    def("granite-20b-fc", List.of(functionCall));
    def("ernie45", List.of(hermes));
    def("internlm", List.of(internlm));
    def("jamba", List.of(toolCalls));
    def("hunyuan_a13b", List.of(toolCalls), List.<String[]>of(THINK), List.of("<answer>", "</answer>"));
    def("hy_v3", List.of(hyV3));
    def("minimax", List.of(minimaxToolCalls), STRIP);
    def("minimax_m2", List.of(minimaxM2));
    def("phi4_mini_json", List.of(phi4));
    def("xlam", List.of(Rule.json("[", json).onlyAtStart(), Rule.json("{", json).onlyAtStart(),
        Rule.marker("```", Decoders::fence, "```").strictEof(), hermes, mistral),
        List.<String[]>of(THINK), List.of(), List.of(), new Family.Style(true, Family.After.KEEP));
    def("seed_oss", List.of(seed), List.of(SEED_THINK, THINK), List.of());
    def("longcat", List.of(longcat));
    def("step3", List.of(step3));
    def("step3p5", List.of(qwenToolCall, qwenFunction), List.<String[]>of(THINK), List.of("</tool_call>"));
    // newer vLLM registers these names for markups clawbus already reads: MiMo with the Qwen3 parser, Poolside
    // (Laguna) with GLM-4.7's layout
    def("mimo", List.of(qwenToolCall, qwenFunction), List.<String[]>of(THINK), List.of("</tool_call>"));
    def("poolside_v1", List.of(glmToolCall));
    def("apertus", List.of(apertus), List.<String[]>of(APERTUS_THINK), List.of("<|tools_suffix|>"), List.of(),
        new Family.Style(true, Family.After.JOIN));
    def("functiongemma", List.of(functionGemma), STRIP);
    def("gemma4", List.of(gemma4, gemma4Bare), List.of(GEMMA_THOUGHT, GEMMA_CHANNEL), List.of(), List.of(), STRIP);
    def("gigachat3", List.of(gigachat, gigachatTag), List.<String[]>of(THINK), List.of("</s>"),
        List.of("<|message_sep|>"), RAW);
    def("lfm2", List.of(lfm2, lfm2Echo), List.<String[]>of(THINK), List.of("<|tool_call_end|>"), List.of(),
        new Family.Style(true, Family.After.JOIN));
    // Kimi K3's response channel is the content: its tags are dropped, and nothing after it is content
    def("kimi_k3", List.of(kimiK3), List.<String[]>of(XTML_THINK, THINK), K3_DROPS, List.of(K3_STOP), RAW);
    def("solar_open2", List.of(solarOpen2));
    def("minicpm5", List.of(miniCpm5), STRIP);
    // Inkling's typed blocks: text blocks (and raw or failed tool blocks) are content, in any order around calls
    def("inkling", List.of(inkling), List.<String[]>of(INKLING_THINK), INKLING_DROPS, List.of(),
        new Family.Style(false, Family.After.KEEP));
    // MiniMax M3: every tag behind the namespace token; reasoning in <mm:think>
    def("minimax_m3", List.of(minimaxM3), List.<String[]>of(MM_THINK), List.of());
    // Cohere Command (cohere_melody's cmd3/cmd4 presets): a section's end tag leaves ordinary text out; a thinking
    // section also ends at the next section's tag; Command 4 calls its answer TEXT (RESPONSE still read) and its
    // prompt opens the thinking, so the output starts in it
    def("cohere_command3", List.of(cohereAction), List.<String[]>of(COHERE_THINK), List.of(Cohere.RESPONSE_START),
        List.of(Cohere.RESPONSE_END, Cohere.ACTION_END), RAW, new Family.Sections(null, true));
    def("cohere_command4", List.of(cohereAction), List.<String[]>of(COHERE_THINK),
        List.of(Cohere.TEXT_START, Cohere.RESPONSE_START), List.of(Cohere.TEXT_END, Cohere.RESPONSE_END,
        Cohere.ACTION_END), RAW, new Family.Sections(Cohere.THINKING_END, true));
    List<String> autoDrops = new ArrayList<>(List.of("<|tools_suffix|>", Cohere.RESPONSE_START, Cohere.TEXT_START));
    autoDrops.addAll(K3_DROPS);
    autoDrops.addAll(INKLING_DROPS);
    def("auto", List.of(glmToolCall, qwenFunction, anyToolCalls, mistral, pythonTag, phi4, deepseek, kimi,
        kimiSingular, minimaxM2, dsml, dsmlV4, seed, graniteTag, functionCall, internlm, longcat, step3, pythonStart,
        apertus, functionGemma, gemma4, gigachat, gigachatTag, lfm2, minimaxM3, cohereAction, kimiK3, solarOpen2,
        miniCpm5Name, miniCpm5Collapsed, inkling, bareJsonSeq, bareList),
        List.of(THINK, SEED_THINK, KIMI_THINK, APERTUS_THINK, GEMMA_THOUGHT, GEMMA_CHANNEL, MM_THINK, COHERE_THINK,
            XTML_THINK, INKLING_THINK),
        List.copyOf(autoDrops), List.of("<|message_sep|>", Cohere.RESPONSE_END, Cohere.TEXT_END, K3_STOP), RAW);
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
      byMode = new Family[] {
          new Family(name, d.rules(), d.reasoning(), d.drops(), d.stops(), d.style(), d.sections(), "split"),
          new Family(name, d.rules(), d.reasoning(), d.drops(), d.stops(), d.style(), d.sections(), "pass")};
      BUILT.putIfAbsent(name, byMode);
    }
    // drop differs from split only in where reasoning goes, not in the tokens
    return reasoningMode.equals("pass") ? byMode[1] : byMode[0];
  }
}
