/**
 * Tool-call parsing: turns raw model output into content, reasoning and whole tool calls, per model family,
 * streaming or not, whatever vLLM did or did not parse itself.
 *
 * <p>Entry points: {@link dev.clawbus.parser.ToolParsers#create} (one
 * {@link dev.clawbus.parser.StreamingToolParser} per response, fed delta text and vLLM's own
 * structured tool-call deltas), {@link dev.clawbus.parser.ParseResult} (non-streaming and assembled
 * results), {@link dev.clawbus.parser.LoopGuard} (request-time loop check),
 * and
 * {@link dev.clawbus.parser.ParseCommand} ({@code clawbus parse}).
 *
 * <h2>Formats (names as vLLM's {@code --tool-call-parser})</h2>
 * <ul>
 *   <li>{@code hermes}: {@code <tool_call>{"name": …, "arguments": {…}}</tool_call>}; a closed JSON without
 *       {@code </tool_call>} at the end of output still counts (the stop token replaces the tag).
 *   <li>{@code qwen3_coder}, {@code qwen3_xml}: {@code <tool_call><function=NAME><parameter=P>value</parameter>
 *       </function></tool_call>} (also bare {@code <function=…>}); values are text typed by the request's schema:
 *       integer/number/boolean converted, object/array parsed as JSON (then Python literal), "null" is null,
 *       string types and parameters without schema stay strings; one newline around a value is layout.
 *   <li>{@code seed_oss}: the same inside {@code <seed:tool_call>}; reasoning in {@code <seed:think>}.
 *   <li>{@code llama3_json} ({@code llama4_json}): optional {@code <|python_tag|>}, then
 *       {@code {"name": …, "parameters"|"arguments": {…}}} objects separated by {@code ;}.
 *   <li>{@code pythonic}, {@code llama4_pythonic}: {@code [f(a=1, b="x"), g()]} with keyword arguments and
 *       Python literals; Llama 4 may wrap it in {@code <|python_start|>…<|python_end|>}; {@code olmo3}: one call
 *       per line in {@code <function_calls>…</function_calls>}.
 *   <li>{@code mistral}: {@code [TOOL_CALLS][{…}, …]} or {@code [TOOL_CALLS]name{…}} /
 *       {@code [TOOL_CALLS]name[ARGS]{…}}, one marker per call.
 *   <li>{@code deepseek_v3}: {@code <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{…}\n```
 *       <｜tool▁call▁end｜>…<｜tool▁calls▁end｜>}; {@code deepseek_v31}: {@code …<｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{…}
 *       <｜tool▁call▁end｜>…} (each accepts both); {@code deepseek_v32}: DSML {@code <｜DSML｜function_calls><｜DSML｜invoke
 *       name="N"><｜DSML｜parameter name="P" string="true|false">v</｜DSML｜parameter>…}.
 *   <li>{@code kimi_k2}: {@code <|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:N
 *       <|tool_call_argument_begin|>{…}<|tool_call_end|>…<|tool_calls_section_end|>}; the call id is
 *       {@code functions.NAME:N}.
 *   <li>{@code glm45}, {@code glm47}: {@code <tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>
 *       </tool_call>} (4.7 without newlines); string-typed values stay text, others are parsed as JSON.
 *   <li>{@code granite}: {@code <|tool_call|>[{…}]}, {@code <tool_call>[{…}]} or a bare list at the start;
 *       {@code granite-20b-fc}: {@code <function_call> {…}} per call; {@code ernie45}: as hermes.
 *   <li>{@code internlm}: {@code <|action_start|><|plugin|>\n{"name", "parameters"}<|action_end|>}.
 *   <li>{@code jamba}, {@code hunyuan_a13b}: {@code <tool_calls>[{…}]</tool_calls>};
 *       {@code minimax}: {@code <tool_calls>} with one JSON object per line.
 *   <li>{@code minimax_m2}: {@code <minimax:tool_call><invoke name="N"><parameter name="P">v</parameter></invoke>
 *       </minimax:tool_call>}, values typed like Qwen3-Coder; {@code step3}: the {@code steptml:} variant.
 *   <li>{@code phi4_mini_json}: {@code functools[{…}]}; {@code xlam}: a JSON list at the start, a
 *       {@code ```json} fence, {@code <tool_call>} or {@code [TOOL_CALLS]}; {@code longcat}:
 *       {@code <longcat_tool_call>{…}</longcat_tool_call>}.
 *   <li>{@code openai} (gpt-oss harmony): {@code <|channel|>analysis<|message|>…<|end|>} is reasoning,
 *       {@code final} is content, a message {@code to=functions.NAME} is a call with JSON body ended by
 *       {@code <|call|>}.
 *   <li>{@code auto}: the union of all markups (harmony when the output starts with its header tokens);
 *       {@code none}: content passes through untouched.
 * </ul>
 *
 * <h2>Conventions (vLLM's)</h2>
 * Content is the text before the first call, as written (blanks alone before a call are dropped, so an answer
 * made only of calls has content {@code null}). Ordinary text after the first call is dropped, as vLLM does (it
 * is usually an imagined tool result). Markup that fails to make a call stays content wherever it is, so no text
 * of it is lost: malformed or unterminated markup, and calls to names not among the request's tools (unless
 * allowed; with no tools every name is accepted). Ordinary JSON in an answer stays content.
 *
 * <p>{@code <think>…</think>} and the families' equivalents ({@code <seed:think>}, Kimi's {@code ◁think▷},
 * Magistral's {@code [THINK]}, Granite's "Here is my thought process:" … "Here is my response:", harmony's
 * analysis channel) are reasoning: split, passed through as content, or dropped; a closing tag without its
 * opening one is dropped. Arguments are always a compact JSON object; ids are {@code call} + 24 alphanumerics
 * unless the markup carries one (Kimi).
 *
 * <h2>Streaming</h2>
 * A parser holds only undecided text (a possible marker prefix, an open block), scans each char once per state,
 * emits content as soon as it cannot start a call and each call whole when its block closes, so any split of
 * the output — down to one char per piece — gives the same result as parsing it at once.
 */
package dev.clawbus.parser;
