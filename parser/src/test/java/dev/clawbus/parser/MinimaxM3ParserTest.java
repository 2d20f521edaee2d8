package dev.clawbus.parser;

/**
 * The minimax_m3 format: corpus in src/test/resources/parser/minimax_m3.jsonl (rules of vLLM's MiniMax M3 grammar,
 * vllm/tool_parsers/_llm_nom/m3_text.py and data_type.py).
 */
class MinimaxM3ParserTest extends FamilyCasesTest {
  MinimaxM3ParserTest() {
    super("minimax_m3");
  }
}
