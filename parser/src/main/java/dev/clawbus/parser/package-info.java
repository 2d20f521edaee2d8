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
 *       Python (or JSON: true, null) literals, only at the start of the answer; Llama 4 may wrap it in
 *       {@code <|python_start|>…<|python_end|>}; {@code olmo3}: one call per line, in
 *       {@code <function_calls>…</function_calls>} or bare at the start of the answer (a bracketed list is not
 *       OLMo's format).
 *   <li>{@code mistral}: {@code [TOOL_CALLS][{…}, …]} or {@code [TOOL_CALLS]name{…}} /
 *       {@code [TOOL_CALLS]name[ARGS]{…}} / {@code [TOOL_CALLS]name}, one marker per call.
 *   <li>{@code deepseek_v3}: {@code <｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\n{…}\n```
 *       <｜tool▁call▁end｜>…<｜tool▁calls▁end｜>}; {@code deepseek_v31}: {@code …<｜tool▁call▁begin｜>NAME<｜tool▁sep｜>{…}
 *       <｜tool▁call▁end｜>…} (each accepts both); {@code deepseek_v32}: DSML {@code <｜DSML｜function_calls><｜DSML｜invoke
 *       name="N"><｜DSML｜parameter name="P" string="true|false">v</｜DSML｜parameter>…}.
 *   <li>{@code kimi_k2}: {@code <|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:N
 *       <|tool_call_argument_begin|>{…}<|tool_call_end|>…<|tool_calls_section_end|>}; the call id is
 *       {@code functions.NAME:N}.
 *   <li>{@code glm45}, {@code glm47}: {@code <tool_call>NAME\n<arg_key>K</arg_key>\n<arg_value>V</arg_value>
 *       </tool_call>} (4.7 without newlines); string-typed values stay text, others are parsed as JSON.
 *   <li>{@code granite}: {@code <|tool_call|>[{…}]}, {@code <tool_call>[{…}]} or a bare list, at the start;
 *       {@code granite-20b-fc}: {@code <function_call> {…}} per call; {@code ernie45}: as hermes.
 *   <li>{@code internlm}: {@code <|action_start|><|plugin|>\n{"name", "parameters"}<|action_end|>}.
 *   <li>{@code jamba}, {@code hunyuan_a13b}: {@code <tool_calls>[{…}]</tool_calls>};
 *       {@code minimax}: {@code <tool_calls>} with one JSON object {@code {"name", "arguments"}} per line.
 *   <li>{@code minimax_m2}: {@code <minimax:tool_call><invoke name="N"><parameter name="P">v</parameter></invoke>
 *       </minimax:tool_call>}, values typed like Qwen3-Coder; {@code step3}: the {@code steptml:} variant.
 *   <li>{@code phi4_mini_json}: {@code functools[{…}]}; {@code xlam}: a JSON list at the start, a
 *       {@code ```json} fence, {@code <tool_call>} or {@code [TOOL_CALLS]}; {@code longcat}:
 *       {@code <longcat_tool_call>{…}</longcat_tool_call>}.
 *   <li>{@code openai} (gpt-oss harmony): {@code <|channel|>analysis<|message|>…<|end|>} is reasoning,
 *       {@code final} is content, a message {@code to=functions.NAME} is a call with JSON body ended by
 *       {@code <|call|>}.
 *   <li>{@code apertus}: {@code <|tools_prefix|>[{"NAME": {…}}, …]<|tools_suffix|>} (the closing tag may be
 *       missing at the end); reasoning in {@code <|inner_prefix|>…<|inner_suffix|>}.
 *   <li>{@code deepseek_v4}: DSML as V3.2 inside {@code <｜DSML｜tool_calls>}; a value marked
 *       {@code string="false"} is coerced to the schema's types, and arguments wrapped in a lone "arguments" or
 *       "input" parameter are unwrapped when the wrapped keys are the tool's (V3.2 likewise).
 *   <li>{@code functiongemma}: {@code <start_function_call>call:NAME{key:<escape>value<escape>,…}
 *       <end_function_call>}; values are JSON when they parse, except string-typed parameters.
 *   <li>{@code gemma4}: {@code <|tool_call>call:NAME{key:<|"|>text<|"|>,n:42,flag:true}<tool_call|>} (or
 *       {@code <turn|>}), a bare {@code call:NAME{…}} at the start of the answer; reasoning in
 *       {@code <|channel>thought\n…<channel|>}.
 *   <li>{@code gigachat3}: {@code function call<|role_sep|>\n{"name", "arguments": {…}}} or
 *       {@code <|function_call|>{…}}; content is the text before {@code <|message_sep|>}.
 *   <li>{@code granite4}: hermes markup; text between and after calls is content.
 *   <li>{@code hy_v3}: {@code <tool_calls><tool_call>NAME<tool_sep><arg_key>K</arg_key><arg_value>V</arg_value>…
 *       </tool_call></tool_calls>}, values typed by the schema as vLLM's HY parser does.
 *   <li>{@code lfm2}: {@code <|tool_call_start|>[f(a=1), …]<|tool_call_end|>} (pythonic); the echo of the call
 *       that LFM2 sometimes prints after it, capped with another {@code <|tool_call_end|>}, is dropped.
 *   <li>{@code step3p5}, {@code mimo}: Qwen3 XML; {@code poolside_v1}: GLM-4.7's layout.
 *   <li>{@code kimi_k3}: XTML, {@code <|open|>tools<|sep|><|open|>call tool="NAME" index="1"<|sep|>
 *       <|open|>argument key="K" type="T"<|sep|>V<|close|>argument<|sep|>…<|close|>call<|sep|><|close|>tools<|sep|>}
 *       ({@code type="string"} values as written, others JSON); the {@code <|open|>response<|sep|>} channel is the
 *       content; reasoning in {@code <|open|>think<|sep|>…<|close|>think<|sep|>}.
 *   <li>{@code solar_open2}: {@code <|tool_call:start|>NAME\n<|tool_arg:start|>K<|tool_arg:value|>V<|tool_arg:end|>…
 *       <|tool_call:end|>}, values coerced to the schema's types (text without one).
 *   <li>{@code minicpm5}: {@code <function name="NAME"><param name="K">V</param>…</function>}; values stripped,
 *       string-typed ones text, others JSON or a Python literal; undeclared parameters ignored.
 *   <li>{@code inkling}: typed blocks, {@code <|message_model|><|content_invoke_tool_json|>{"name": …, "args": {…}}
 *       <|end_message|>} (or {@code <|content_model_end_sampling|>}); text blocks ({@code <|content_text|>}, raw and
 *       failed tool blocks) are content before and after calls; reasoning in {@code <|content_thinking|>…
 *       <|end_message|>}.
 *   <li>{@code minimax_m3}: every tag behind the namespace token {@code ]<]minimax[>[} ({@code NS}):
 *       {@code NS<tool_call>\nNS<invoke name="NAME">NS<K>V NS</K>…NS</invoke>\n…NS</tool_call>}, several invokes
 *       in one wrapper; a value opening with {@code NS<} nests (child elements make an object, {@code <item>}s an
 *       array where the schema allows one, a repeated child a list); plain values are text when the schema allows
 *       only a string, else read as each type it allows, the most confident reading the schema accepts winning
 *       (the check covers type, enum, const and anyOf/oneOf/allOf); reasoning in {@code <mm:think>…</mm:think>}.
 *   <li>{@code cohere_command3}, {@code cohere_command4} (vLLM runs the {@code cohere_melody} package's cmd3/cmd4
 *       filters): sections behind special tokens, {@code <|START_THINKING|>…<|END_THINKING|>} reasoning,
 *       {@code <|START_RESPONSE|>…<|END_RESPONSE|>} the answer (ordinary text after its end tag, or after a lone
 *       {@code <|END_ACTION|>}, is not content), {@code <|START_ACTION|>[{"tool_call_id": "0", "tool_name": N,
 *       "parameters": {…}}, …]<|END_ACTION|>} the calls (arguments as written, no schema typing); a thinking
 *       section also ends at the next section's tag; citations {@code <co>span</co: 0:[1,2],1:[0]>} become the
 *       span, in content and reasoning. Command 4 differs in two points: its answer tags are
 *       {@code <|START_TEXT|>…<|END_TEXT|>} (the RESPONSE pair is still read, while Command 3 leaves TEXT tags as
 *       text), and its prompt opens the thinking, so the output starts as reasoning until
 *       {@code <|END_THINKING|>} or a section tag (text with no tag at all is reasoning).
 *   <li>{@code auto}: the union of all markups (harmony when the output starts with its header tokens);
 *       {@code none}: content passes through untouched.
 * </ul>
 *
 * <h2>Conventions (vLLM's, checked against each family's parser in vllm/tool_parsers/)</h2>
 * Content is the text before the first call, as written (blanks alone before a call are dropped, so an answer
 * made only of calls has content {@code null}). What follows a call depends on the family, as in vLLM: dropped
 * (most; it is usually an imagined tool result), kept as written (granite4, xlam), or trimmed and joined with a
 * newline (apertus, lfm2, harmony). Where vLLM strips content (apertus, functiongemma, gemma4, lfm2, minimax,
 * xlam) it is stripped. Pythonic lists ({@code pythonic}, {@code llama4_pythonic}) and Granite's lists are calls
 * only at the start of the answer; bare JSON ({@code llama3_json}) needs "arguments" or "parameters". Markup
 * that fails to make a call stays content wherever it is, so no text of it is lost: malformed or unterminated
 * markup, and calls to names not among the request's tools (unless allowed; with no tools every name is
 * accepted). Ordinary JSON in an answer stays content.
 *
 * <p>{@code <think>…</think>} and the families' equivalents ({@code <seed:think>}, Kimi's {@code ◁think▷},
 * Magistral's {@code [THINK]}, Granite's "Here is my thought process:" … "Here is my response:", Apertus'
 * {@code <|inner_prefix|>}, Gemma's {@code <|channel>thought}, harmony's analysis channel) are reasoning: split,
 * passed through as content, or dropped; a closing tag without its opening one is dropped. Arguments are always
 * a compact JSON object; ids are {@code call} + 24 alphanumerics unless the markup carries one (Kimi).
 *
 * <h2>Deliberate differences from vLLM</h2>
 * Where vLLM's behaviour would hurt an agent, clawbus keeps the better one:
 * <ul>
 *   <li>Streamed and non-streamed output give the same result (vLLM's two paths often disagree). Text already
 *       streamed cannot be taken back, so text before a call is kept where vLLM's non-streaming path drops it
 *       ({@code llama3_json}, text before OLMo's {@code <function_calls>}), and where vLLM strips content its
 *       leading blanks are dropped even when no call follows.
 *   <li>Calls to tools the request does not offer stay content (vLLM calls them): a client can run only the
 *       tools it declared, OpenAI never returns others, and bare-JSON families would turn data into calls.
 *       {@code allow_unknown_tools} gives vLLM's behaviour.
 *   <li>Each block, and each call in a block whose markup delimits calls (Kimi, DeepSeek, DSML, MiniMax, HY,
 *       invoke-style), stands alone: a broken or unknown call stays content and the others are still calls.
 *       vLLM gives up on every call when one fails (hermes, granite4, jamba, …) or drops the broken one
 *       silently (kimi_k2, minimax, hy_v3).
 *   <li>A call cut off by the end of output stays content; vLLM completes the partial JSON or takes the
 *       complete parameters (apertus, qwen3, hy_v3, functiongemma), which would run a truncated command.
 *   <li>Arguments that are not a JSON object stay content; vLLM passes them on as they are (mistral, kimi_k2,
 *       deepseek_v3, openai), and clients {@code JSON.parse} them.
 *   <li>A call without arguments is a call with {@code {}}: {@code [TOOL_CALLS]NAME} (vLLM drops it silently),
 *       and a JSON call object without "arguments" inside explicit markup (vLLM turns the whole answer into
 *       content).
 *   <li>Every block is parsed where vLLM takes only the first (apertus, lfm2, jamba).
 *   <li>A pythonic or Granite list followed by more text is still a call (the text after it is dropped);
 *       vLLM makes the whole answer content. The call is sent when the list closes.
 *   <li>Harmony: every final and preamble message is content, joined by newlines; vLLM keeps only the last.
 *   <li>Typing: a string-typed parameter stays a string in functiongemma (vLLM JSON-decodes every value); a
 *       DSML value marked {@code string="false"} without a schema is read as JSON (vLLM keeps text); Qwen3-style
 *       typing also reads type lists and anyOf (vLLM only a plain "type").
 *   <li>Gemma 4's bare {@code call:} counts only at the start of the answer (vLLM also after prose); an Apertus
 *       element with more than one key is not a call (vLLM takes its first key as the name); a lone xLAM call
 *       object is a call (vLLM wants a list).
 *   <li>Newer families: Kimi K3's markers are read as the model writes them (vLLM also accepts blanks inside,
 *       as in {@code <|open|> tools <|sep|>}, which only appear when special tokens are decoded with spaces), and
 *       a call with an argument missing its closing tag stays content (vLLM skips that argument); Solar Open2's
 *       call with an empty name stays content; MiniCPM5 keeps the text before its calls (vLLM's streaming path
 *       does, its non-streaming path drops all content when it calls), does not rename the few benchmark tool
 *       aliases vLLM maps ({@code get_details_by_phone} and the like; they stay content as unknown tools), and
 *       with no tools in the request accepts any name (vLLM calls nothing then); Inkling's text outside any
 *       typed block (before the first marker, or between {@code <|message_model|>} and the block's kind) is
 *       content, where vLLM drops it as header metadata, and a call cut off by the end of output stays content
 *       (vLLM passes on what it has of the arguments). {@code auto} reads all four by their markers (Kimi K3's
 *       tools, think and response tags, Solar's {@code <|tool_call:start|>}, Inkling's typed blocks, MiniCPM5's
 *       call only from {@code <function name=} or the collapsed {@code <functionname=}, where {@code minicpm5} also
 *       reads other blanks or attributes before the name: a bare {@code <function} would hold prose such as
 *       {@code <functions>}, and a Qwen {@code <function=…>} call after it, as one unclosed call), but drops text
 *       after calls as most families do, where {@code inkling} keeps its text blocks after a call.
 *   <li>MiniMax M3 (vLLM's grammar, {@code _llm_nom/m3_text.py}): blanks between tags are layout, where vLLM
 *       reads a nested value only when its first tag follows at once, allows one newline between invokes and none
 *       between parameters (a blank there makes it skip the invoke's remaining parameters), and keeps blanks
 *       between nested elements as a {@code "$text"} key or list items; stray text inside an invoke, an empty name
 *       or a parameter without its closing tag leaves the invoke as content (vLLM skips the rest of the invoke and
 *       calls with what it read, or calls the empty name); a block that makes no call stays content whole, where
 *       vLLM's recovery drops the {@code <tool_call>} tag it consumed; every {@code <tool_call>} block is read
 *       (vLLM's grammar ends after the first).
 *   <li>Cohere Command (melody): the call id is clawbus' own, not the model's "tool_call_id" (the chat template
 *       renumbers ids over the conversation and maps a tool result to the first call with its id, so the "0" of
 *       every turn would point later results at the first turn's call); an element without "tool_call_id" is
 *       still a call (melody finds none without it); an action block that makes no call, and an element that is
 *       not a call or names an unknown tool, stays content (melody emits nothing for them); an answer section
 *       after an action is dropped like other text after calls (melody shows it; a Command turn ends with its
 *       action); a second answer section after an answer's end tag is dropped (melody shows it); a citation
 *       closing tag is dropped even without its {@code <co>} (melody keeps it as text), and its sources must be
 *       digits, {@code :}, {@code ,}, brackets and blanks; blanks at the end of content are kept when no call is
 *       made (melody right-trims every section); {@code auto} reads the action block and section tags but not
 *       citations or Command 4's prompt-opened thinking.
 *   <li>Whitespace-only content around calls is {@code null}, and trailing blanks after calls are dropped.
 * </ul>
 *
 * <h2>Streaming</h2>
 * A parser holds only undecided text (a possible marker prefix, an open block), scans each char once per state,
 * emits content as soon as it cannot start a call and each call whole when its block closes, so any split of
 * the output — down to one char per piece — gives the same result as parsing it at once.
 */
package dev.clawbus.parser;
