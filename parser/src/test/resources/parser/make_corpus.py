# Generates the per-family corpora (<format>.jsonl) next to this file. Cases follow each format's public
# conventions (vLLM's tool parsers); edit here and re-run: python3 make_corpus.py
import json, os
OUT=os.path.dirname(os.path.abspath(__file__))
TOOLS=[
 {"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{
   "city":{"type":"string"},"days":{"type":"integer"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}}},
 {"type":"function","function":{"name":"exec","parameters":{"type":"object","properties":{
   "command":{"type":"string"},"timeoutSeconds":{"type":"integer"},"background":{"type":"boolean"},
   "env":{"type":"object"},"ratio":{"type":"number"},"tags":{"type":"array"}},"required":["command"]}}},
 {"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{
   "query":{"type":"string"},"filters":{"type":"object"},"limit":{"type":"number"}}}}},
 {"type":"function","function":{"name":"list_files","parameters":{"type":"object","properties":{}}}},
]
cases={}
def case(fmt,name,text,content=None,calls=(),reasoning=None,tools=True):
    c={"name":name,"format":fmt,"text":text,"expect":{"content":content,
       "tool_calls":[{"name":n,"arguments":a} for n,a in calls],"reasoning_content":reasoning}}
    if tools: c["tools"]=TOOLS if tools is True else tools
    cases.setdefault(fmt,[]).append(c)

W={"city":"Paris"}
CMD_TRICKY='echo "a < b" && grep -n \'x\' f | head\nprintf "ünï 😀 \\t done"'
NESTED={"query":"q","filters":{"and":[{"k":"a","v":[1,2,{"deep":None}]},{"k":"b","v":True}]},"limit":3}
def J(o): return json.dumps(o, ensure_ascii=False)

# ---------------- hermes
f='hermes'
def H(n,a): return '<tool_call>\n'+J({"name":n,"arguments":a})+'\n</tool_call>'
case(f,'single',H('get_weather',W),None,[('get_weather',W)])
case(f,'single_one_line','<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>',None,[('get_weather',W)])
case(f,'parallel',H('get_weather',W)+'\n'+H('exec',{"command":"ls"}),None,[('get_weather',W),('exec',{"command":"ls"})])
case(f,'text_before','Let me check the weather.\n'+H('get_weather',W),'Let me check the weather.\n',[('get_weather',W)])
case(f,'text_after_is_dropped',H('get_weather',W)+'\nThe weather is sunny (imagined result).',None,[('get_weather',W)])
case(f,'malformed_after_valid_stays',H('get_weather',W)+'\n<tool_call>{"name": "exec", "arguments": {"command": ',"<tool_call>{\"name\": \"exec\", \"arguments\": {\"command\": ",[('get_weather',W)])
case(f,'unknown_after_valid_stays',H('get_weather',W)+'\n<tool_call>{"name": "rm", "arguments": {}}</tool_call>','<tool_call>{"name": "rm", "arguments": {}}</tool_call>',[('get_weather',W)])
case(f,'nested_json',H('search',NESTED),None,[('search',NESTED)])
case(f,'tricky_values',H('exec',{"command":CMD_TRICKY}),None,[('exec',{"command":CMD_TRICKY})])
case(f,'empty_arguments',H('list_files',{}),None,[('list_files',{})])
case(f,'missing_arguments','<tool_call>{"name": "list_files"}</tool_call>',None,[('list_files',{})])
case(f,'string_arguments','<tool_call>{"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}</tool_call>',None,[('get_weather',W)])
case(f,'no_call','The weather in Paris is sunny.','The weather in Paris is sunny.')
case(f,'plain_json_answer','Here is the data: {"name": "get_weather", "arguments": {"city": "Paris"}}','Here is the data: {"name": "get_weather", "arguments": {"city": "Paris"}}')
case(f,'malformed_json','<tool_call>{"name": "get_weather", "arguments": {"city": }</tool_call>','<tool_call>{"name": "get_weather", "arguments": {"city": }</tool_call>')
case(f,'unterminated_incomplete','Sure <tool_call>{"name": "get_weather", "arguments": {"ci','Sure <tool_call>{"name": "get_weather", "arguments": {"ci')
case(f,'until_eos','<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}',None,[('get_weather',W)])
case(f,'unknown_tool','<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>','<tool_call>{"name": "rm_rf", "arguments": {}}</tool_call>')
case(f,'no_tools_accepts_any','<tool_call>{"name": "anything", "arguments": {"a": 1}}</tool_call>',None,[('anything',{"a":1})],tools=False)
case(f,'reasoning','<think>The user wants weather.</think>\n\n'+H('get_weather',W),None,[('get_weather',W)],'The user wants weather.')
case(f,'reasoning_then_text','<think>hm</think>Hello!','Hello!',[], 'hm')
case(f,'lt_in_content','if a < b then <b>bold</b> <tool_', 'if a < b then <b>bold</b> <tool_')
case(f,'tool_call_in_text_after',"Done.\n"+H('exec',{"command":"ls"})+"\n\n"+H('exec',{"command":"pwd"}),"Done.\n",[('exec',{"command":"ls"}),('exec',{"command":"pwd"})])
case(f,'unicode_name_args',H('get_weather',{"city":"東京 — Zürich \"quoted\""}),None,[('get_weather',{"city":"東京 — Zürich \"quoted\""})])
case(f,'numbers',H('exec',{"command":"x","ratio":1.5,"timeoutSeconds":10}),None,[('exec',{"command":"x","ratio":1.5,"timeoutSeconds":10})])

# ---------------- qwen3_coder / qwen3_xml
for f in ['qwen3_coder','qwen3_xml']:
    def Q(n,params):
        s='<tool_call>\n<function='+n+'>\n'
        for k,v in params: s+='<parameter='+k+'>\n'+v+'\n</parameter>\n'
        return s+'</function>\n</tool_call>'
    case(f,'single',Q('get_weather',[('city','Paris')]),None,[('get_weather',W)])
    case(f,'typed',Q('exec',[('command','ls -la'),('timeoutSeconds','30'),('background','true'),('env','{"A": "1", "B": "x y"}'),('ratio','2.0'),('tags','["a", "b"]')]),None,
         [('exec',{"command":"ls -la","timeoutSeconds":30,"background":True,"env":{"A":"1","B":"x y"},"ratio":2,"tags":["a","b"]})])
    case(f,'typed_float',Q('exec',[('command','5'),('ratio','0.25'),('background','False')]),None,[('exec',{"command":"5","ratio":0.25,"background":False})])
    case(f,'null_value',Q('get_weather',[('city','Paris'),('unit','null')]),None,[('get_weather',{"city":"Paris","unit":None})])
    case(f,'string_stays_string',Q('get_weather',[('city','123')]),None,[('get_weather',{"city":"123"})])
    case(f,'bad_int_stays_text',Q('exec',[('command','x'),('timeoutSeconds','soon')]),None,[('exec',{"command":"x","timeoutSeconds":"soon"})])
    case(f,'parallel',Q('get_weather',[('city','Paris')])+'\n'+Q('exec',[('command','ls')]),None,[('get_weather',W),('exec',{"command":"ls"})])
    case(f,'text_before','I will run it.\n\n'+Q('exec',[('command','ls')]),'I will run it.\n\n',[('exec',{"command":"ls"})])
    case(f,'text_after_is_dropped',Q('exec',[('command','ls')])+'\nAfter.', None,[('exec',{"command":"ls"})])
    case(f,'tricky_values',Q('exec',[('command',CMD_TRICKY)]),None,[('exec',{"command":CMD_TRICKY})])
    case(f,'xml_in_value',Q('exec',[('command','cat <<EOF > a.html\n<div class="x">&amp;</div>\nEOF')]),None,[('exec',{"command":'cat <<EOF > a.html\n<div class="x">&amp;</div>\nEOF'})])
    case(f,'multiline_value_keeps_inner_newlines',Q('exec',[('command','\nline1\n\nline2\n')]),None,[('exec',{"command":"\nline1\n\nline2\n"})])
    case(f,'inline_value','<tool_call><function=get_weather><parameter=city>Paris</parameter></function></tool_call>',None,[('get_weather',W)])
    case(f,'no_parameters','<tool_call>\n<function=list_files>\n</function>\n</tool_call>',None,[('list_files',{})])
    case(f,'bare_function_without_tool_call','<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>',None,[('get_weather',W)])
    case(f,'missing_parameter_close','<tool_call>\n<function=exec>\n<parameter=command>\nls\n<parameter=timeoutSeconds>\n5\n</function>\n</tool_call>',None,[('exec',{"command":"ls","timeoutSeconds":5})])
    case(f,'missing_tool_call_close_at_eos','<tool_call>\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>',None,[('get_weather',W)])
    case(f,'truncated_call_stays_content','<tool_call>\n<function=exec>\n<parameter=command>\nrm -rf /tmp/fo','<tool_call>\n<function=exec>\n<parameter=command>\nrm -rf /tmp/fo')
    case(f,'unknown_tool','<tool_call>\n<function=rm>\n<parameter=p>\n/\n</parameter>\n</function>\n</tool_call>','<tool_call>\n<function=rm>\n<parameter=p>\n/\n</parameter>\n</function>\n</tool_call>')
    case(f,'no_call','Plain <b>html</b> answer with <tool> words.','Plain <b>html</b> answer with <tool> words.')
    case(f,'hermes_json_inside','<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>',None,[('get_weather',W)])
    case(f,'reasoning','<think>\nneed ls\n</think>\n\n'+Q('exec',[('command','ls')]),None,[('exec',{"command":"ls"})],'\nneed ls\n')
    case(f,'untyped_without_tools','<tool_call>\n<function=anything>\n<parameter=n>\n5\n</parameter>\n</function>\n</tool_call>',None,[('anything',{"n":"5"})],tools=False)
    case(f,'unicode','<tool_call>\n<function=get_weather>\n<parameter=city>\nSão Paulo 🌧\n</parameter>\n</function>\n</tool_call>',None,[('get_weather',{"city":"São Paulo 🌧"})])

# ---------------- llama3_json
f='llama3_json'
case(f,'single','{"name": "get_weather", "parameters": {"city": "Paris"}}',None,[('get_weather',W)])
case(f,'python_tag','<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}',None,[('get_weather',W)])
case(f,'arguments_key','{"name": "get_weather", "arguments": {"city": "Paris"}}',None,[('get_weather',W)])
case(f,'multiple_semicolon','{"name": "get_weather", "parameters": {"city": "Paris"}}; {"name": "list_files", "parameters": {}}',None,[('get_weather',W),('list_files',{})])
case(f,'multiple_whitespace','{"name": "get_weather", "parameters": {"city": "Paris"}} ;   {"name": "list_files", "parameters": {}}',None,[('get_weather',W),('list_files',{})])
case(f,'text_before','Here is the result: {"name": "get_weather", "parameters": {"city": "Paris"}}','Here is the result: ',[('get_weather',W)])
case(f,'nested',J({"name":"search","parameters":NESTED}),None,[('search',NESTED)])
case(f,'no_json','This is a test','This is a test')
case(f,'invalid_json','Here is an invalid JSON: {"name": "test", "unclosed": ','Here is an invalid JSON: {"name": "test", "unclosed": ')
case(f,'ordinary_json','Config: {"port": 8080, "host": "x"} done.','Config: {"port": 8080, "host": "x"} done.')
case(f,'code_braces','function f() { return {a: 1}; }','function f() { return {a: 1}; }')
case(f,'unknown_tool','{"name": "Bob", "parameters": {"age": 3}}','{"name": "Bob", "parameters": {"age": 3}}')
case(f,'tricky',J({"name":"exec","parameters":{"command":CMD_TRICKY}}),None,[('exec',{"command":CMD_TRICKY})])

# ---------------- pythonic / llama4_pythonic
for f in ['pythonic','llama4_pythonic']:
    case(f,'single','[get_weather(city="Paris")]',None,[('get_weather',W)])
    case(f,'parallel','[get_weather(city="Paris", days=3), list_files()]',None,[('get_weather',{"city":"Paris","days":3}),('list_files',{})])
    case(f,'types',"[exec(command='ls', timeoutSeconds=5, background=True, env={'A': '1'}, ratio=0.5, tags=['a', None, False])]",None,
         [('exec',{"command":"ls","timeoutSeconds":5,"background":True,"env":{"A":"1"},"ratio":0.5,"tags":["a",None,False]})])
    case(f,'escapes','[exec(command="echo \\"a < b\\"\\nnext ünï")]',None,[('exec',{"command":'echo "a < b"\nnext ünï'})])
    # vLLM: a pythonic list is a call only when the answer starts with it
    case(f,'text_before_is_not_a_call','Calling now: [get_weather(city="Paris")]','Calling now: [get_weather(city="Paris")]')
    case(f,'no_call','A list [1, 2, 3] and [link](http://x) here.','A list [1, 2, 3] and [link](http://x) here.')
    case(f,'positional_not_a_call','[get_weather("Paris")]','[get_weather("Paris")]')
    case(f,'unterminated','[get_weather(city="Par','[get_weather(city="Par')
    case(f,'unknown_tool','[delete_all(force=True)]','[delete_all(force=True)]')
    case(f,'empty_args','[list_files()]',None,[('list_files',{})])
case('llama4_pythonic','python_start','<|python_start|>[get_weather(city="Paris")]<|python_end|>',None,[('get_weather',W)])

# ---------------- mistral
f='mistral'
case(f,'array','[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)])
case(f,'array_parallel','[TOOL_CALLS] [{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "list_files", "arguments": {}}]',None,[('get_weather',W),('list_files',{})])
case(f,'name_args','[TOOL_CALLS]get_weather{"city": "Paris"}',None,[('get_weather',W)])
case(f,'name_ARGS_token','[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}',None,[('get_weather',W)])
case(f,'name_args_parallel','[TOOL_CALLS]get_weather{"city": "Paris"}[TOOL_CALLS]list_files{}',None,[('get_weather',W),('list_files',{})])
case(f,'text_before','Sure.[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}]','Sure.',[('get_weather',W)])
case(f,'nested','[TOOL_CALLS]search'+J(NESTED),None,[('search',NESTED)])
case(f,'tricky','[TOOL_CALLS]exec'+J({"command":CMD_TRICKY}),None,[('exec',{"command":CMD_TRICKY})])
case(f,'no_call','No tools [needed] here.','No tools [needed] here.')
case(f,'malformed','[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": ]','[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": ]')
case(f,'unterminated','[TOOL_CALLS]get_weather{"city": "Pa','[TOOL_CALLS]get_weather{"city": "Pa')

# ---------------- deepseek
f='deepseek_v3'
def D3(n,a): return '<｜tool▁call▁begin｜>function<｜tool▁sep｜>'+n+'\n```json\n'+J(a)+'\n```<｜tool▁call▁end｜>'
case(f,'single','<｜tool▁calls▁begin｜>'+D3('get_weather',W)+'<｜tool▁calls▁end｜>',None,[('get_weather',W)])
case(f,'parallel_text_before','Checking.<｜tool▁calls▁begin｜>'+D3('get_weather',W)+'\n'+D3('exec',{"command":CMD_TRICKY})+'<｜tool▁calls▁end｜>','Checking.',[('get_weather',W),('exec',{"command":CMD_TRICKY})])
case(f,'malformed','<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{"city": \n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>','<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{"city": \n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>')
case(f,'no_call','plain','plain')
f='deepseek_v31'
def D31(n,a): return '<｜tool▁call▁begin｜>'+n+'<｜tool▁sep｜>'+J(a)+'<｜tool▁call▁end｜>'
case(f,'single','<｜tool▁calls▁begin｜>'+D31('get_weather',W)+'<｜tool▁calls▁end｜>',None,[('get_weather',W)])
case(f,'parallel','Let me.<｜tool▁calls▁begin｜>'+D31('get_weather',W)+D31('search',NESTED)+'<｜tool▁calls▁end｜>','Let me.',[('get_weather',W),('search',NESTED)])
case(f,'empty_args','<｜tool▁calls▁begin｜>'+D31('list_files',{})+'<｜tool▁calls▁end｜>',None,[('list_files',{})])
case(f,'unterminated','<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city"','<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city"')
case(f,'reasoning','<think>plan</think>'+'<｜tool▁calls▁begin｜>'+D31('get_weather',W)+'<｜tool▁calls▁end｜>',None,[('get_weather',W)],'plan')

# ---------------- kimi_k2
f='kimi_k2'
def K(n,i,a): return '<|tool_call_begin|>functions.'+n+':'+str(i)+'<|tool_call_argument_begin|>'+J(a)+'<|tool_call_end|>'
case(f,'single','<|tool_calls_section_begin|>'+K('get_weather',0,W)+'<|tool_calls_section_end|>',None,[('get_weather',W)])
case(f,'parallel_text','I will check.<|tool_calls_section_begin|>'+K('get_weather',0,W)+K('exec',1,{"command":CMD_TRICKY})+'<|tool_calls_section_end|>','I will check.',[('get_weather',W),('exec',{"command":CMD_TRICKY})])
case(f,'malformed','<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": <|tool_call_end|><|tool_calls_section_end|>','<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"city": <|tool_call_end|><|tool_calls_section_end|>')
case(f,'no_call','plain text','plain text')

# ---------------- glm45 / glm47
for f in ['glm45','glm47']:
    nl = '\n' if f=='glm45' else ''
    def G(n,kv): return '<tool_call>'+n+nl+''.join('<arg_key>'+k+'</arg_key>'+nl+'<arg_value>'+v+'</arg_value>'+nl for k,v in kv)+'</tool_call>'
    case(f,'single',G('get_weather',[('city','Paris')]),None,[('get_weather',W)])
    case(f,'typed',G('exec',[('command','ls'),('timeoutSeconds','5'),('background','true'),('env','{"A": "1"}')]),None,[('exec',{"command":"ls","timeoutSeconds":5,"background":True,"env":{"A":"1"}})])
    case(f,'string_number_stays',G('get_weather',[('city','42')]),None,[('get_weather',{"city":"42"})])
    case(f,'parallel_text','Let me look.\n'+G('get_weather',[('city','Paris')])+'\n'+G('list_files',[]),'Let me look.\n',[('get_weather',W),('list_files',{})])
    case(f,'tricky',G('exec',[('command',CMD_TRICKY)]),None,[('exec',{"command":CMD_TRICKY})])
    case(f,'malformed','<tool_call>get_weather'+nl+'<arg_key>city</arg_key><arg_value>Paris</tool_call>','<tool_call>get_weather'+nl+'<arg_key>city</arg_key><arg_value>Paris</tool_call>')
    case(f,'no_call','nothing','nothing')

# ---------------- granite
f='granite'
case(f,'tag','<|tool_call|>[{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)])
case(f,'tool_call_tag','<tool_call>[{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "list_files", "arguments": {}}]',None,[('get_weather',W),('list_files',{})])
case(f,'bare_list','[{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)])
case(f,'no_call','The answer is [42].','The answer is [42].')
case(f,'malformed','<|tool_call|>[{"name": "get_weather", "arguments": {"city": ]','<|tool_call|>[{"name": "get_weather", "arguments": {"city": ]')

# ---------------- internlm
f='internlm'
case(f,'single','I will check.<|action_start|><|plugin|>\n{"name": "get_weather", "parameters": {"city": "Paris"}}<|action_end|>','I will check.',[('get_weather',W)])
case(f,'no_call','hello','hello')
case(f,'malformed','<|action_start|><|plugin|>\n{"name": "get_weather", "parameters": {"city": <|action_end|>','<|action_start|><|plugin|>\n{"name": "get_weather", "parameters": {"city": <|action_end|>')

# ---------------- jamba / hunyuan
for f in ['jamba','hunyuan_a13b']:
    case(f,'single','<tool_calls>[{"name": "get_weather", "arguments": {"city": "Paris"}}]</tool_calls>',None,[('get_weather',W)])
    case(f,'parallel_text','Checking. <tool_calls>[{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "exec", "arguments": '+J({"command":CMD_TRICKY})+'}]</tool_calls>','Checking. ',[('get_weather',W),('exec',{"command":CMD_TRICKY})])
    case(f,'no_call','hello','hello')
    case(f,'malformed','<tool_calls>[{"name": "get_weather", "arguments": {"city"</tool_calls>','<tool_calls>[{"name": "get_weather", "arguments": {"city"</tool_calls>')
case('hunyuan_a13b','think_answer','<think>\nplan\n</think>\n<answer>\nHi there\n</answer>','\n\nHi there\n',[],'\nplan\n')

# ---------------- minimax
f='minimax'
case(f,'single','<tool_calls>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_calls>',None,[('get_weather',W)])
case(f,'parallel_lines_content_stripped','<think>x</think>\nOk.\n<tool_calls>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n{"name": "list_files", "arguments": {}}\n</tool_calls>','Ok.',[('get_weather',W),('list_files',{})],'x')
case(f,'malformed','<tool_calls>\n{"name": "get_weather", "arguments": {"city": }\n</tool_calls>','<tool_calls>\n{"name": "get_weather", "arguments": {"city": }\n</tool_calls>')

# ---------------- minimax_m2
f='minimax_m2'
def M(n,kv): return '<invoke name="'+n+'">\n'+''.join('<parameter name="'+k+'">'+v+'</parameter>\n' for k,v in kv)+'</invoke>\n'
case(f,'single','<minimax:tool_call>\n'+M('get_weather',[('city','Paris')])+'</minimax:tool_call>',None,[('get_weather',W)])
case(f,'parallel_typed','Running.\n<minimax:tool_call>\n'+M('exec',[('command','ls < in.txt'),('timeoutSeconds','7')])+M('get_weather',[('city','Paris'),('days','2')])+'</minimax:tool_call>','Running.\n',[('exec',{"command":"ls < in.txt","timeoutSeconds":7}),('get_weather',{"city":"Paris","days":2})])
case(f,'malformed','<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris\n</minimax:tool_call>','<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris\n</minimax:tool_call>')

# ---------------- phi4
f='phi4_mini_json'
case(f,'single','functools[{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)])
case(f,'parallel','functools[{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "list_files", "arguments": {}}]',None,[('get_weather',W),('list_files',{})])
case(f,'no_call','use functools.partial here','use functools.partial here')

# ---------------- xlam
f='xlam'
case(f,'bare_list','[{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)])
case(f,'fenced','Here:\n```json\n[{"name": "get_weather", "arguments": {"city": "Paris"}}]\n```','Here:',[('get_weather',W)])
case(f,'tool_call_tag','<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>',None,[('get_weather',W)])
case(f,'no_call','text [1,2]','text [1,2]')

# ---------------- openai harmony
f='openai'
case(f,'call_after_analysis','<|channel|>analysis<|message|>Need weather.<|end|><|start|>assistant<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": "Paris"}<|call|>',None,[('get_weather',W)],'Need weather.')
case(f,'final_only','<|channel|>analysis<|message|>think<|end|><|start|>assistant<|channel|>final<|message|>Hello <b>world</b>!<|return|>','Hello <b>world</b>!',[],'think')
case(f,'plain','just text','just text')
case(f,'recipient_before_channel','<|start|>assistant to=functions.exec<|channel|>commentary json<|message|>'+J({"command":CMD_TRICKY})+'<|call|>',None,[('exec',{"command":CMD_TRICKY})])
case(f,'malformed_args','<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>{"city": <|call|>','{"city": ')

# ---------------- seed_oss, longcat, step3
f='seed_oss'
case(f,'single','<seed:think>plan</seed:think>Ok.<seed:tool_call>\n<function=get_weather>\n<parameter=city>Paris</parameter>\n</function>\n</seed:tool_call>','Ok.',[('get_weather',W)],'plan')
f='longcat'
case(f,'single','<longcat_tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</longcat_tool_call>',None,[('get_weather',W)])
f='step3'
case(f,'single','<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="get_weather"><steptml:parameter name="city">Paris</steptml:parameter></steptml:invoke><｜tool_call_end｜><｜tool_calls_end｜>',None,[('get_weather',W)])

# ---------------- auto: recognises each family
f='auto'
for src in ['hermes','qwen3_coder','llama3_json','pythonic','mistral','deepseek_v3','deepseek_v31','kimi_k2','glm45','glm47','granite','internlm','jamba','minimax','minimax_m2','phi4_mini_json','openai','seed_oss','longcat','step3']:
    for c in cases[src]:
        if c['name'] in ('single','array','tag','call_after_analysis','single_one_line','typed','parallel','name_args'):
            d=dict(c); d['name']=src+'_'+c['name']; d['format']='auto'; cases['auto'].append(d) if 'auto' in cases else cases.setdefault('auto',[d])
case(f,'no_call','Nothing special: a < b, {x}, [y].','Nothing special: a < b, {x}, [y].')

# none
case('none','pass','<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>','<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>')

os.makedirs(OUT,exist_ok=True)
for fmt,cs in cases.items():
    with open(os.path.join(OUT,fmt+'.jsonl'),'w') as fh:
        for c in cs: fh.write(json.dumps(c,ensure_ascii=False)+'\n')
print({k:len(v) for k,v in cases.items()}, sum(len(v) for v in cases.values()))

# ---------------- generic matrix per family
def pylit(v):
    if v is None: return 'None'
    if v is True: return 'True'
    if v is False: return 'False'
    if isinstance(v,str): return json.dumps(v, ensure_ascii=False)
    if isinstance(v,(int,float)): return repr(v)
    if isinstance(v,list): return '['+', '.join(pylit(x) for x in v)+']'
    if isinstance(v,dict): return '{'+', '.join(json.dumps(k)+': '+pylit(x) for k,x in v.items())+'}'
def txt(v): return v if isinstance(v,str) else json.dumps(v, ensure_ascii=False)
def obj(n,a,key="arguments"): return J({"name":n,key:a})
B={
 'hermes': lambda cs: '\n'.join('<tool_call>\n'+obj(n,a)+'\n</tool_call>' for n,a in cs),
 'longcat': lambda cs: '\n'.join('<longcat_tool_call>'+obj(n,a)+'</longcat_tool_call>' for n,a in cs),
 'llama3_json': lambda cs: '; '.join(obj(n,a,"parameters") for n,a in cs),
 'llama4_json': lambda cs: '<|python_tag|>'+'; '.join(obj(n,a,"parameters") for n,a in cs),
 'mistral': lambda cs: '[TOOL_CALLS]'+'['+', '.join(obj(n,a) for n,a in cs)+']',
 'granite': lambda cs: '<|tool_call|>['+', '.join(obj(n,a) for n,a in cs)+']',
 'internlm': lambda cs: ''.join('<|action_start|><|plugin|>\n'+obj(n,a,"parameters")+'<|action_end|>' for n,a in cs),
 'jamba': lambda cs: '<tool_calls>['+', '.join(obj(n,a) for n,a in cs)+']</tool_calls>',
 'hunyuan_a13b': lambda cs: '<tool_calls>['+', '.join(obj(n,a) for n,a in cs)+']</tool_calls>',
 'minimax': lambda cs: '<tool_calls>\n'+'\n'.join(obj(n,a) for n,a in cs)+'\n</tool_calls>',
 'phi4_mini_json': lambda cs: 'functools['+', '.join(obj(n,a) for n,a in cs)+']',
 'xlam': lambda cs: '<tool_call>['+', '.join(obj(n,a) for n,a in cs)+']</tool_call>',
 'deepseek_v3': lambda cs: '<｜tool▁calls▁begin｜>'+'\n'.join('<｜tool▁call▁begin｜>function<｜tool▁sep｜>'+n+'\n```json\n'+J(a)+'\n```<｜tool▁call▁end｜>' for n,a in cs)+'<｜tool▁calls▁end｜>',
 'deepseek_v31': lambda cs: '<｜tool▁calls▁begin｜>'+''.join('<｜tool▁call▁begin｜>'+n+'<｜tool▁sep｜>'+J(a)+'<｜tool▁call▁end｜>' for n,a in cs)+'<｜tool▁calls▁end｜>',
 'kimi_k2': lambda cs: '<|tool_calls_section_begin|>'+''.join('<|tool_call_begin|>functions.'+n+':'+str(i)+'<|tool_call_argument_begin|>'+J(a)+'<|tool_call_end|>' for i,(n,a) in enumerate(cs))+'<|tool_calls_section_end|>',
 'pythonic': lambda cs: '['+', '.join(n+'('+', '.join(k+'='+pylit(v) for k,v in a.items())+')' for n,a in cs)+']',
 'llama4_pythonic': lambda cs: '<|python_start|>['+', '.join(n+'('+', '.join(k+'='+pylit(v) for k,v in a.items())+')' for n,a in cs)+']<|python_end|>',
 'qwen3_coder': lambda cs: '\n'.join('<tool_call>\n<function='+n+'>\n'+''.join('<parameter='+k+'>\n'+txt(v)+'\n</parameter>\n' for k,v in a.items())+'</function>\n</tool_call>' for n,a in cs),
 'qwen3_xml': lambda cs: '\n'.join('<tool_call>\n<function='+n+'>\n'+''.join('<parameter='+k+'>\n'+txt(v)+'\n</parameter>\n' for k,v in a.items())+'</function>\n</tool_call>' for n,a in cs),
 'seed_oss': lambda cs: '\n'.join('<seed:tool_call>\n<function='+n+'>\n'+''.join('<parameter='+k+'>'+txt(v)+'</parameter>\n' for k,v in a.items())+'</function>\n</seed:tool_call>' for n,a in cs),
 'glm45': lambda cs: '\n'.join('<tool_call>'+n+'\n'+''.join('<arg_key>'+k+'</arg_key>\n<arg_value>'+txt(v)+'</arg_value>\n' for k,v in a.items())+'</tool_call>' for n,a in cs),
 'glm47': lambda cs: ''.join('<tool_call>'+n+''.join('<arg_key>'+k+'</arg_key><arg_value>'+txt(v)+'</arg_value>' for k,v in a.items())+'</tool_call>' for n,a in cs),
 'minimax_m2': lambda cs: '<minimax:tool_call>\n'+''.join('<invoke name="'+n+'">\n'+''.join('<parameter name="'+k+'">'+txt(v)+'</parameter>\n' for k,v in a.items())+'</invoke>\n' for n,a in cs)+'</minimax:tool_call>',
 'step3': lambda cs: '<｜tool_calls_begin｜>'+'<｜tool_sep｜>'.join('<｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name="'+n+'">'+''.join('<steptml:parameter name="'+k+'">'+txt(v)+'</steptml:parameter>' for k,v in a.items())+'</steptml:invoke><｜tool_call_end｜>' for n,a in cs)+'<｜tool_calls_end｜>',
 'openai': lambda cs: ''.join('<|start|>assistant<|channel|>commentary to=functions.'+n+' <|constrain|>json<|message|>'+J(a)+'<|call|>' for n,a in cs),
}
EXEC={"command":"ls -la","timeoutSeconds":30}
# vLLM's content conventions per family (see package-info): lists only at the start of the answer, content
# stripped, text after a call kept
START_ONLY={'pythonic','llama4_pythonic','granite'}
STRIP={'minimax','xlam','apertus','lfm2','functiongemma','gemma4'}
KEEP_AFTER={'xlam','granite4','apertus','lfm2'}
TRICKY={"command":CMD_TRICKY,"background":True}
TRUNC=('exec',{"command":"rm -rf /tmp/build/cache && echo finished"})
def matrix(f,b,think=('<think>','</think>'),single_call=False,prefix=''):
    """The same cases for every family, from its builder b([(name,args),…]); prefix is markup before a call
    that is not content (GigaChat's separator)."""
    def m(name,text,content,calls,reasoning=None,tools=True): case(f,'m_'+name,text,content,calls,reasoning,tools)
    def bare(markup): return markup[len(prefix):]
    m('single',b([('get_weather',W)]),None,[('get_weather',W)])
    if not single_call:
        m('parallel',b([('get_weather',W),('exec',EXEC)]),None,[('get_weather',W),('exec',EXEC)])
        m('three_calls',b([('get_weather',W),('list_files',{}),('get_weather',{"city":"Oslo","days":2})]),None,[('get_weather',W),('list_files',{}),('get_weather',{"city":"Oslo","days":2})])
    m('nested',b([('search',NESTED)]),None,[('search',NESTED)])
    m('tricky_values',b([('exec',TRICKY)]),None,[('exec',TRICKY)])
    m('unicode',b([('get_weather',{"city":"Zürich — 東京 🌦"})]),None,[('get_weather',{"city":"Zürich — 東京 🌦"})])
    m('empty_arguments',b([('list_files',{})]),None,[('list_files',{})])
    unknown=b([('delete_everything',{"force":True})])
    m('unknown_tool',unknown,None if f=='openai' else bare(unknown),[])
    if f!='openai':
        tb="I'll check that for you.\n"+b([('get_weather',W)])
        if f in START_ONLY: m('text_before_is_not_a_call',tb,tb,[])
        else: m('text_before',tb,"I'll check that for you." if f in STRIP else "I'll check that for you.\n",[('get_weather',W)])
        if f in KEEP_AFTER: m('text_after_is_kept',b([('get_weather',W)])+"\nAnything else?","Anything else?",[('get_weather',W)])
        else: m('text_after_is_dropped',b([('get_weather',W)])+"\nAnything else?",None,[('get_weather',W)])
        full=b([TRUNC]); cut=full[:full.index('rm -rf')+6]
        m('truncated',cut,bare(cut),[])
        m('reasoning_then_call',think[0]+'Plan: call it.'+think[1]+'\n'+b([('get_weather',W)]),None,[('get_weather',W)],'Plan: call it.')
        m('blank_lines_around','\n\n'+b([('get_weather',W)])+'\n\n',None,[('get_weather',W)])
    m('no_call','Just an answer with <angle> tags, [brackets], {braces} and | pipes.','Just an answer with <angle> tags, [brackets], {braces} and | pipes.',[])
    m('empty_output','',None,[])
for f,b in B.items(): matrix(f,b)
# harmony unknown tool keeps only the body as content
cases['openai']=[c for c in cases['openai'] if c['name']!='m_unknown_tool']
case('openai','m_unknown_tool','<|start|>assistant<|channel|>commentary to=functions.delete_everything <|constrain|>json<|message|>{"force": true}<|call|>','{"force": true}',[])
case('openai','preamble_then_call','<|channel|>commentary<|message|>Checking the weather now.<|end|>'+B['openai']([('get_weather',W)]),'Checking the weather now.',[('get_weather',W)])
case('openai','truncated','<|channel|>commentary to=functions.exec <|constrain|>json<|message|>{"command": "rm -rf','{"command": "rm -rf',[])
case('mistral','m_name_form_parallel','[TOOL_CALLS]get_weather{"city": "Paris"}[TOOL_CALLS]exec'+J(EXEC),None,[('get_weather',W),('exec',EXEC)])

os.makedirs(OUT,exist_ok=True)
for fmt,cs in cases.items():
    with open(os.path.join(OUT,fmt+'.jsonl'),'w') as fh:
        for c in cs: fh.write(json.dumps(c,ensure_ascii=False)+'\n')
print({k:len(v) for k,v in cases.items()}, sum(len(v) for v in cases.values()))
case('xlam','text_before_bare_list_is_not_a_call','I will call it.\n[{"name": "get_weather", "arguments": {"city": "Paris"}}]','I will call it.\n[{"name": "get_weather", "arguments": {"city": "Paris"}}]')
case('xlam','think_then_list','<think>use weather</think>[{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)],'use weather')
case('xlam','tool_calls_marker','[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)])
case('xlam','plain_json_list_stays','Data: [{"id": 1}, {"id": 2}]','Data: [{"id": 1}, {"id": 2}]')
case('pythonic','vllm_style_mixed',"[get_weather(city='San Francisco', metric='celsius'), register_user(name='John Doe', age=37, address={'city': 'San Francisco', 'state': 'CA'}, role=None, passed_test=True, aliases=['John', 'Johnny'])]",None,
     [('get_weather',{"city":"San Francisco","metric":"celsius"}),('register_user',{"name":"John Doe","age":37,"address":{"city":"San Francisco","state":"CA"},"role":None,"passed_test":True,"aliases":["John","Johnny"]})],tools=False)
case('pythonic','escaped_quotes',"[get_weather(city='Martha\\'s Vineyard', metric='\\\"cool units\\\"')]",None,[('get_weather',{"city":"Martha's Vineyard","metric":'"cool units"'})],tools=False)
case('pythonic','empty_containers',"[do_something_cool(additional_data={}, steps=[])]",None,[('do_something_cool',{"additional_data":{},"steps":[]})],tools=False)
case('pythonic','negative_and_float',"[set(x=-3, y=1.5e3, z=.5)]",None,[('set',{"x":-3,"y":1500.0,"z":0.5})],tools=False)
case('kimi_k2','spaced_tokens','Let me check. <|tool_calls_section_begin|> <|tool_call_begin|> functions.get_weather:0 <|tool_call_argument_begin|> {"city": "Paris"} <|tool_call_end|> <|tool_calls_section_end|>','Let me check. ',[('get_weather',W)])
case('qwen3_coder','vllm_type_conversion','<tool_call>\n<function=test_types>\n<parameter=int_param>\n42\n</parameter>\n<parameter=float_param>\n3.14\n</parameter>\n<parameter=bool_param>\ntrue\n</parameter>\n<parameter=str_param>\nhello world\n</parameter>\n<parameter=obj_param>\n{"key": "value"}\n</parameter>\n<parameter=array_param>\n[1, 2, 3]\n</parameter>\n</function>\n</tool_call>',None,
     [('test_types',{"int_param":42,"float_param":3.14,"bool_param":True,"str_param":"hello world","obj_param":{"key":"value"},"array_param":[1,2,3]})],tools=False)
cases['qwen3_coder'][-1]['tools']=[{"type":"function","function":{"name":"test_types","parameters":{"type":"object","properties":{"int_param":{"type":"integer"},"float_param":{"type":"number"},"bool_param":{"type":"boolean"},"str_param":{"type":"string"},"obj_param":{"type":"object"},"array_param":{"type":"array"}}}}}]
case('glm45','vllm_untyped','<tool_call>get_current_weather\n<arg_key>city</arg_key>\n<arg_value>Dallas</arg_value>\n<arg_key>state</arg_key>\n<arg_value>TX</arg_value>\n<arg_key>days</arg_key>\n<arg_value>3</arg_value>\n</tool_call>',None,[('get_current_weather',{"city":"Dallas","state":"TX","days":3})],tools=False)
for f in B:
    with open(os.path.join(OUT,f+'.jsonl'),'w') as fh:
        for c in cases[f]: fh.write(json.dumps(c,ensure_ascii=False)+'\n')
case('mistral','magistral_think','[THINK]Need the weather.[/THINK]Checking.[TOOL_CALLS]get_weather{"city": "Paris"}','Checking.',[('get_weather',W)],'Need the weather.')
case('granite','granite_thought_process','Here is my thought process: the user wants weather. Here is my response: <|tool_call|>[{"name": "get_weather", "arguments": {"city": "Paris"}}]',None,[('get_weather',W)],' the user wants weather. ')
case('granite','granite_thought_then_text','Here is my thought process:\nsimple.\nHere is my response:\nHello!','\nHello!',[],'\nsimple.\n')
for f in ['mistral','granite']:
    with open(os.path.join(OUT,f+'.jsonl'),'w') as fh:
        for c in cases[f]: fh.write(json.dumps(c,ensure_ascii=False)+'\n')
def dsml_param(k,v):
    return '<｜DSML｜parameter name="'+k+'" string="'+('true' if isinstance(v,str) else 'false')+'">'+txt(v)+'</｜DSML｜parameter>\n'
B2={
 'deepseek_v32': lambda cs: '<｜DSML｜function_calls>\n'+''.join('<｜DSML｜invoke name="'+n+'">\n'+''.join(dsml_param(k,v) for k,v in a.items())+'</｜DSML｜invoke>\n' for n,a in cs)+'</｜DSML｜function_calls>',
 'granite-20b-fc': lambda cs: ' '.join('<function_call> '+obj(n,a) for n,a in cs),
 'ernie45': B['hermes'],
}
for f,b in B2.items():
    def m(name,text,content,calls,reasoning=None,tools=True): case(f,'m_'+name,text,content,calls,reasoning,tools)
    m('single',b([('get_weather',W)]),None,[('get_weather',W)])
    m('parallel',b([('get_weather',W),('exec',EXEC)]),None,[('get_weather',W),('exec',EXEC)])
    m('nested',b([('search',NESTED)]),None,[('search',NESTED)])
    m('tricky_values',b([('exec',TRICKY)]),None,[('exec',TRICKY)])
    m('empty_arguments',b([('list_files',{})]),None,[('list_files',{})])
    m('unknown_tool',b([('delete_everything',{"force":True})]),b([('delete_everything',{"force":True})]),[])
    m('text_before',"I'll check that for you.\n"+b([('get_weather',W)]),"I'll check that for you.\n",[('get_weather',W)])
    m('text_after_is_dropped',b([('get_weather',W)])+"\nAnything else?",None,[('get_weather',W)])
    full=b([TRUNC]); cut=full[:full.index('rm -rf')+6]
    m('truncated',cut,cut,[])
    m('reasoning_then_call','<think>Plan: call it.</think>\n'+b([('get_weather',W)]),None,[('get_weather',W)],'Plan: call it.')
    m('no_call','Just an answer with <angle> tags, [brackets], {braces} and | pipes.','Just an answer with <angle> tags, [brackets], {braces} and | pipes.',[])
case('deepseek_v32','v3_markup_too','<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{"city": "Paris"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>',None,[('get_weather',W)])
case('deepseek_v32','typed_by_attribute','<｜DSML｜function_calls>\n<｜DSML｜invoke name="exec">\n<｜DSML｜parameter name="command" string="true">42</｜DSML｜parameter>\n<｜DSML｜parameter name="timeoutSeconds" string="false">42</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>',None,[('exec',{"command":"42","timeoutSeconds":42})])
for f in list(B2)+['auto']:
    if f=='auto':
        for src in B2:
            d=dict(cases[src][0]); d['name']=src+'_single'; d['format']='auto'; cases['auto'].append(d)
    with open(os.path.join(OUT,f+'.jsonl'),'w') as fh:
        for c in cases[f]: fh.write(json.dumps(c,ensure_ascii=False)+'\n')
B3={'olmo3': lambda cs: '<function_calls>\n'+'\n'.join(n+'('+', '.join(k+'='+pylit(v) for k,v in a.items())+')' for n,a in cs)+'\n</function_calls>'}
for f,b in B3.items():
    def m(name,text,content,calls,reasoning=None,tools=True): case(f,'m_'+name,text,content,calls,reasoning,tools)
    m('single',b([('get_weather',W)]),None,[('get_weather',W)])
    m('parallel',b([('get_weather',W),('exec',EXEC)]),None,[('get_weather',W),('exec',EXEC)])
    m('nested',b([('search',NESTED)]),None,[('search',NESTED)])
    m('tricky_values',b([('exec',TRICKY)]),None,[('exec',TRICKY)])
    m('empty_arguments',b([('list_files',{})]),None,[('list_files',{})])
    m('unknown_tool',b([('delete_everything',{"force":True})]),b([('delete_everything',{"force":True})]),[])
    m('text_before',"I'll check that for you.\n"+b([('get_weather',W)]),"I'll check that for you.\n",[('get_weather',W)])
    full=b([TRUNC]); cut=full[:full.index('rm -rf')+6]
    m('truncated',cut,cut,[])
    # vLLM wraps OLMo's lines in a list itself: a bracketed list becomes a list of lists, not a call
    m('bare_list_is_not_a_call','[get_weather(city="Paris")]','[get_weather(city="Paris")]',[])
    m('no_call','Just an answer with <angle> tags, [brackets], {braces} and | pipes.','Just an answer with <angle> tags, [brackets], {braces} and | pipes.',[])
    with open(os.path.join(OUT,f+'.jsonl'),'w') as fh:
        for c in cases[f]: fh.write(json.dumps(c,ensure_ascii=False)+'\n')
case('hermes','end_tag_inside_argument_string',H('exec',{"command":"echo '</tool_call>' >> notes.md"}),None,[('exec',{"command":"echo '</tool_call>' >> notes.md"})])
case('hermes','end_tag_inside_string_then_text','Writing.\n'+H('exec',{"command":"printf \"<tool_call>\\\\n</tool_call>\""}),'Writing.\n',[('exec',{"command":"printf \"<tool_call>\\\\n</tool_call>\""})])
case('hermes','odd_quotes_fall_back_to_first_tag','<tool_call>{"name": "exec", "arguments": {"command": "x}</tool_call>\nDone.','<tool_call>{"name": "exec", "arguments": {"command": "x}</tool_call>\nDone.',[])
case('jamba','end_tag_inside_argument_string','<tool_calls>[{"name": "exec", "arguments": {"command": "cat </tool_calls>"}}]</tool_calls>',None,[('exec',{"command":"cat </tool_calls>"})])
for f in ['hermes','jamba']:
    with open(os.path.join(OUT,f+'.jsonl'),'w') as fh:
        for c in cases[f]: fh.write(json.dumps(c,ensure_ascii=False)+'\n')

# ======================================================================================================
# Issue 12: the families vLLM ships that clawbus lacked, and vLLM's conventions where clawbus differed.
# Each family's cases follow its vLLM parser's rules (vllm/tool_parsers/<family>_tool_parser.py); where
# clawbus keeps a better behaviour on purpose, the case says "deliberate" (see package-info.java).
def gv(v):
    if v is None: return 'null'
    if v is True: return 'true'
    if v is False: return 'false'
    if isinstance(v,str): return '<|"|>'+v+'<|"|>'
    if isinstance(v,(int,float)): return repr(v)
    if isinstance(v,list): return '['+','.join(gv(x) for x in v)+']'
    if isinstance(v,dict): return '{'+','.join(k+':'+gv(x) for k,x in v.items())+'}'
def hy_call(n,a): return '<tool_call>'+n+'<tool_sep>'+''.join('<arg_key>'+k+'</arg_key><arg_value>'+txt(v)+'</arg_value>' for k,v in a.items())+'</tool_call>'
def dsml_v4(cs): return '<｜DSML｜tool_calls>\n'+''.join('<｜DSML｜invoke name="'+n+'">\n'+''.join(dsml_param(k,v) for k,v in a.items())+'</｜DSML｜invoke>\n' for n,a in cs)+'</｜DSML｜tool_calls>'
def fg_call(n,a): return '<start_function_call>call:'+n+'{'+','.join(k+':<escape>'+txt(v)+'<escape>' for k,v in a.items())+'}<end_function_call>'
def gm_call(n,a): return '<|tool_call>call:'+n+'{'+','.join(k+':'+gv(v) for k,v in a.items())+'}<tool_call|>'
def py_call(n,a): return n+'('+', '.join(k+'='+pylit(v) for k,v in a.items())+')'
B4={
 'apertus': lambda cs: '<|tools_prefix|>'+J([{n:a} for n,a in cs])+'<|tools_suffix|>',
 'deepseek_v4': dsml_v4,
 'functiongemma': lambda cs: ''.join(fg_call(n,a) for n,a in cs),
 'gemma4': lambda cs: ''.join(gm_call(n,a) for n,a in cs),
 'gigachat3': lambda cs: '<|message_sep|>\n\nfunction call<|role_sep|>\n'+J({"name":cs[0][0],"arguments":cs[0][1]}),
 'granite4': lambda cs: '\n'.join('<tool_call>'+obj(n,a)+'</tool_call>' for n,a in cs),
 'hy_v3': lambda cs: '<tool_calls>'+''.join(hy_call(n,a) for n,a in cs)+'</tool_calls>',
 'lfm2': lambda cs: '<|tool_call_start|>['+', '.join(py_call(n,a) for n,a in cs)+']<|tool_call_end|>',
 'step3p5': B['qwen3_xml'],
 'mimo': B['qwen3_xml'],
 'poolside_v1': B['glm47'],
}
THINKING={'apertus':('<|inner_prefix|>','<|inner_suffix|>'),'gemma4':('<|channel>thought\n','<channel|>')}
for f,b in B4.items():
    matrix(f,b,THINKING.get(f,('<think>','</think>')),single_call=f=='gigachat3',prefix='<|message_sep|>\n\n' if f=='gigachat3' else '')

f='apertus'
case(f,'missing_suffix_at_end','Sure. <|tools_prefix|>[{"get_weather": {"city": "Paris"}}]','Sure.',[('get_weather',W)])
case(f,'text_after_suffix_joined','Sure. <|tools_prefix|>[{"get_weather": {"city": "Paris"}}]<|tools_suffix|>  Done. ','Sure.\nDone.',[('get_weather',W)])
case(f,'text_after_json_without_suffix','<|tools_prefix|>[{"get_weather": {"city": "Paris"}}]\nDone.','Done.',[('get_weather',W)])
case(f,'null_arguments','<|tools_prefix|>[{"list_files": null}]<|tools_suffix|>',None,[('list_files',{})])
# deliberate: vLLM takes the first key as the name ("name") and calls it
case(f,'two_keys_is_not_a_call','<|tools_prefix|>[{"name": "get_weather", "arguments": {"city": "Paris"}}]<|tools_suffix|>','<|tools_prefix|>[{"name": "get_weather", "arguments": {"city": "Paris"}}]<|tools_suffix|>')
# deliberate: vLLM completes the cut JSON and calls with truncated arguments
case(f,'truncated_arguments_stay_content','<|tools_prefix|>[{"exec": {"command": "rm -rf /tmp/b','<|tools_prefix|>[{"exec": {"command": "rm -rf /tmp/b')
# deliberate: vLLM parses the first block only (the second stays in content as markup)
case(f,'two_blocks','<|tools_prefix|>[{"get_weather": {"city": "Paris"}}]<|tools_suffix|><|tools_prefix|>[{"list_files": {}}]<|tools_suffix|>',None,[('get_weather',W),('list_files',{})])
case(f,'inner_reasoning','<|inner_prefix|>The user wants the weather.<|inner_suffix|>Checking. <|tools_prefix|>[{"get_weather": {"city": "Paris"}}]<|tools_suffix|>','Checking.',[('get_weather',W)],'The user wants the weather.')

f='deepseek_v4'
def INV(n,params): return '<｜DSML｜invoke name="'+n+'">\n'+''.join('<｜DSML｜parameter name="'+k+'" string="'+st+'">'+v+'</｜DSML｜parameter>\n' for k,st,v in params)+'</｜DSML｜invoke>'
def V4(*invs): return '<｜DSML｜tool_calls>\n'+'\n'.join(invs)+'\n</｜DSML｜tool_calls>'
case(f,'typed_by_schema',V4(INV('exec',[('command','true','42'),('timeoutSeconds','false','30'),('background','false','true'),('ratio','false','0.5'),('env','false','{"A": "1"}')])),None,
     [('exec',{"command":"42","timeoutSeconds":30,"background":True,"ratio":0.5,"env":{"A":"1"}})])
case(f,'number_whole_becomes_integer',V4(INV('search',[('query','true','q'),('limit','false','3.0')])),None,[('search',{"query":"q","limit":3})])
case(f,'bad_integer_stays_text',V4(INV('exec',[('command','true','x'),('timeoutSeconds','false','soon')])),None,[('exec',{"command":"x","timeoutSeconds":"soon"})])
# deliberate: with no schema vLLM keeps a string="false" value as text; the model said it is not a string
case(f,'not_a_string_without_schema',V4(INV('anything',[('cfg','false','{"a": 1}'),('n','false','5'),('word','false','hello')])),None,[('anything',{"cfg":{"a":1},"n":5,"word":"hello"})],tools=False)
case(f,'arguments_wrapper_unwrapped',V4(INV('exec',[('arguments','false','{"command": "ls", "timeoutSeconds": 5}')])),None,[('exec',{"command":"ls","timeoutSeconds":5})])
case(f,'input_wrapper_as_string_unwrapped',V4(INV('exec',[('input','true','{"command": "ls"}')])),None,[('exec',{"command":"ls"})])
case(f,'wrapper_kept_when_keys_unknown',V4(INV('exec',[('arguments','false','{"foo": 1}')])),None,[('exec',{"arguments":{"foo":1}})])
case(f,'v32_wrapper_accepted','<｜DSML｜function_calls>\n'+INV('get_weather',[('city','true','Paris')])+'\n</｜DSML｜function_calls>',None,[('get_weather',W)])
broken='<｜DSML｜invoke name="exec">\n<｜DSML｜parameter name="command" string="true">ls\n</｜DSML｜invoke>'
case(f,'broken_invoke_stays_content_others_called',V4(INV('get_weather',[('city','true','Paris')]),broken),broken,[('get_weather',W)])
case(f,'unknown_invoke_among_known',V4(INV('get_weather',[('city','true','Paris')]),INV('drop_db',[('force','false','true')])),INV('drop_db',[('force','false','true')]),[('get_weather',W)])
case(f,'string_value_kept_exactly',V4(INV('exec',[('command','true','\n  indented\n')])),None,[('exec',{"command":"\n  indented\n"})])

f='functiongemma'
case(f,'values_are_json',fg_call('exec',{"command":"ls","timeoutSeconds":"42","background":"true"}),None,[('exec',{"command":"ls","timeoutSeconds":42,"background":True})])
# deliberate: vLLM json-decodes every value, so a string parameter "12345" would become a number
case(f,'string_schema_keeps_digits','<start_function_call>call:get_weather{city:<escape>12345<escape>}<end_function_call>',None,[('get_weather',{"city":"12345"})])
case(f,'no_schema_json_or_text','<start_function_call>call:anything{n:<escape>5<escape>,s:<escape>hi there<escape>,o:<escape>{"a": [1]}<escape>}<end_function_call>',None,[('anything',{"n":5,"s":"hi there","o":{"a":[1]}})],tools=False)
case(f,'arguments_without_commas','<start_function_call>call:get_weather{city:<escape>NYC<escape>unit:<escape>c<escape>}<end_function_call>',None,[('get_weather',{"city":"NYC","unit":"c"})])
case(f,'missing_end_at_eos','<start_function_call>call:get_weather{city:<escape>Paris<escape>}',None,[('get_weather',W)])
case(f,'cut_value_stays_content','<start_function_call>call:get_weather{city:<escape>Par','<start_function_call>call:get_weather{city:<escape>Par')
# deliberate: vLLM's pattern skips the unpaired value and calls with no arguments
case(f,'unpaired_escape_stays_content','<start_function_call>call:get_weather{city:<escape>Paris}<end_function_call>','<start_function_call>call:get_weather{city:<escape>Paris}<end_function_call>')
case(f,'name_must_be_a_word','<start_function_call>call:get-weather{city:<escape>Paris<escape>}<end_function_call>','<start_function_call>call:get-weather{city:<escape>Paris<escape>}<end_function_call>')
case(f,'text_between_dropped',fg_call('get_weather',W)+'\nand then\n'+fg_call('list_files',{}),None,[('get_weather',W),('list_files',{})])

f='gemma4'
case(f,'bare_values','<|tool_call>call:exec{command:<|"|>ls<|"|>,timeoutSeconds:30,background:false,ratio:1.5,env:null}<tool_call|>',None,[('exec',{"command":"ls","timeoutSeconds":30,"background":False,"ratio":1.5,"env":None})])
case(f,'nested_object_and_list','<|tool_call>call:search{query:<|"|>q<|"|>,filters:{k:<|"|>a<|"|>,v:[1,<|"|>two<|"|>,{deep:true}]}}<tool_call|>',None,[('search',{"query":"q","filters":{"k":"a","v":[1,"two",{"deep":True}]}})])
case(f,'braces_inside_strings','<|tool_call>call:exec{command:<|"|>echo {a} } [b<|"|>}<tool_call|>',None,[('exec',{"command":"echo {a} } [b"})])
case(f,'turn_token_closes','<|tool_call>call:get_weather{city:<|"|>Paris<|"|>}<turn|>',None,[('get_weather',W)])
case(f,'stray_colon','<|tool_call>:call:get_weather{city:<|"|>Paris<|"|>}<tool_call|>',None,[('get_weather',W)])
case(f,'quoted_key','<|tool_call>call:get_weather{<|"|>city<|"|>:<|"|>Paris<|"|>}<tool_call|>',None,[('get_weather',W)])
case(f,'missing_end_at_eos','<|tool_call>call:get_weather{city:<|"|>Paris<|"|>}',None,[('get_weather',W)])
case(f,'bare_call_after_thought','<|channel>thought\nNeed the weather.<channel|>call:get_weather{city:<|"|>Paris<|"|>}',None,[('get_weather',W)],'Need the weather.')
# deliberate: vLLM's fallback also takes a bare call: after prose; that risks calls made of prose
case(f,'bare_call_after_prose_is_content','some prose\ncall:get_weather{city:<|"|>Paris<|"|>}','some prose\ncall:get_weather{city:<|"|>Paris<|"|>}')
case(f,'unterminated_string_stays_content','<|tool_call>call:exec{command:<|"|>rm -rf /tmp','<|tool_call>call:exec{command:<|"|>rm -rf /tmp')
case(f,'channel_without_thought_label','<|channel>just thinking<channel|>Hello!','Hello!',[],'just thinking')

f='gigachat3'
GC='function call<|role_sep|>\n'
case(f,'content_then_call','Checking.<|message_sep|>\n\n'+GC+'{"name": "get_weather", "arguments": {"city": "Paris"}}','Checking.',[('get_weather',W)])
case(f,'function_call_tag','<|function_call|>{"name": "get_weather", "arguments": {"city": "Paris"}}',None,[('get_weather',W)])
case(f,'end_of_sequence_tag_dropped',GC+'{"name": "get_weather", "arguments": {"city": "Paris"}}</s>',None,[('get_weather',W)])
case(f,'text_after_separator_is_not_content','Hello.<|message_sep|>\n\nsomething else','Hello.')
case(f,'arguments_as_string_not_a_call',GC+'{"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}',GC+'{"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}')
case(f,'missing_arguments_not_a_call',GC+'{"name": "list_files"}',GC+'{"name": "list_files"}')
case(f,'malformed_json',GC+'{"name": "get_weather", "arguments": {"city": }}',GC+'{"name": "get_weather", "arguments": {"city": }}')

f='granite4'
TC=lambda n,a: '<tool_call>'+obj(n,a)+'</tool_call>'
case(f,'text_between_and_after_kept','Checking both.\n'+TC('get_weather',W)+'\nand\n'+TC('list_files',{})+'\nDone.','Checking both.\n\nand\n\nDone.',[('get_weather',W),('list_files',{})])
case(f,'unterminated_stays_content','<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}','<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}')
# deliberate: vLLM gives up on every call when one block is malformed
case(f,'malformed_block_alone_stays_content',TC('get_weather',W)+'\n<tool_call>{"name": "exec", "arguments": {"command": }}</tool_call>','<tool_call>{"name": "exec", "arguments": {"command": }}</tool_call>',[('get_weather',W)])
case(f,'arguments_as_string',"<tool_call>{\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}</tool_call>",None,[('get_weather',W)])

f='hy_v3'
HYT=[{"type":"function","function":{"name":"set_timer","parameters":{"type":"object","properties":{
  "value":{"anyOf":[{"type":"integer"},{"type":"string"}]},"on":{"type":"bool"},"label":{"type":["string","null"]}}}}}]
case(f,'typed_values','<tool_calls>'+hy_call('exec',{"command":"ls","timeoutSeconds":"5","background":"True","ratio":"2","env":'{"A": "1"}',"tags":'["a"]'})+'</tool_calls>',None,
     [('exec',{"command":"ls","timeoutSeconds":5,"background":True,"ratio":2,"env":{"A":"1"},"tags":["a"]})])
case(f,'number_with_point_is_float','<tool_calls>'+hy_call('exec',{"command":"x","ratio":"2.5"})+'</tool_calls>',None,[('exec',{"command":"x","ratio":2.5})])
case(f,'no_schema_values_stay_text','<tool_calls>'+hy_call('anything',{"n":"5","flag":"true"})+'</tool_calls>',None,[('anything',{"n":"5","flag":"true"})],tools=False)
case(f,'missing_block_close_at_eos','<tool_calls>'+hy_call('get_weather',W)+hy_call('list_files',{}),None,[('get_weather',W),('list_files',{})])
# deliberate: vLLM also takes the complete pairs of a call cut off by the end of output
case(f,'last_call_cut_off_stays_content','<tool_calls>'+hy_call('get_weather',W)+'<tool_call>exec<tool_sep><arg_key>command</arg_key><arg_value>rm -rf','<tool_call>exec<tool_sep><arg_key>command</arg_key><arg_value>rm -rf',[('get_weather',W)])
case(f,'no_separator_stays_content','<tool_calls><tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call></tool_calls>','<tool_calls><tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call></tool_calls>')
case(f,'unknown_among_known','<tool_calls>'+hy_call('get_weather',W)+hy_call('drop_db',{"force":"true"})+'</tool_calls>',hy_call('drop_db',{"force":"true"}),[('get_weather',W)])
case(f,'string_value_kept_exactly','<tool_calls>'+hy_call('exec',{"command":" a  b \n"})+'</tool_calls>',None,[('exec',{"command":" a  b \n"})])
cases[f][-1]['tools']=TOOLS
for nm,val,want in [('anyof_integer','15',15),('anyof_text','soon','soon')]:
    case(f,nm,'<tool_calls>'+hy_call('set_timer',{"value":val})+'</tool_calls>',None,[('set_timer',{"value":want})])
    cases[f][-1]['tools']=HYT
case(f,'type_alias_bool','<tool_calls>'+hy_call('set_timer',{"on":"false","label":"null"})+'</tool_calls>',None,[('set_timer',{"on":False,"label":"null"})])
cases[f][-1]['tools']=HYT

f='lfm2'
LS='<|tool_call_start|>'; LE='<|tool_call_end|>'
case(f,'echo_after_call_swallowed',LS+'[get_weather(city="Paris")]'+LE+'[get_weather(city="Paris")]'+LE,None,[('get_weather',W)])
case(f,'text_after_joined','Sure. '+LS+'[get_weather(city="Paris")]'+LE+' The weather in Paris is sunny.','Sure.\nThe weather in Paris is sunny.',[('get_weather',W)])
case(f,'bracket_text_after_is_content',LS+'[get_weather(city="Paris")]'+LE+'\n[1] a footnote','[1] a footnote',[('get_weather',W)])
case(f,'list_after_call_without_end_tag_is_content',LS+'[get_weather(city="Paris")]'+LE+' [get_weather(city="Oslo")] as asked','[get_weather(city="Oslo")] as asked',[('get_weather',W)])
case(f,'echo_only_right_after_the_call',LS+'[get_weather(city="Paris")]'+LE+'Sure, see [list_files()]'+LE,'Sure, see [list_files()]',[('get_weather',W)])
case(f,'second_call_after_prose_with_brackets',LS+'[get_weather(city="Paris")]'+LE+'Checked [a] and [b].'+LS+'[list_files()]'+LE,'Checked [a] and [b].',[('get_weather',W),('list_files',{})])
case(f,'missing_end_at_eos',LS+'[get_weather(city="Paris")]',None,[('get_weather',W)])
case(f,'json_literals',LS+'[exec(command="ls", background=true, env=null)]'+LE,None,[('exec',{"command":"ls","background":True,"env":None})])
case(f,'positional_argument_not_a_call',LS+'[get_weather("Paris")]'+LE,LS+'[get_weather("Paris")]'+LE)

case('poolside_v1','laguna_mixed_types_and_zero_args','I will write it.<tool_call>exec<arg_key>command</arg_key><arg_value>  print("你好")\n  </arg_value><arg_key>timeoutSeconds</arg_key><arg_value>420</arg_value><arg_key>env</arg_key><arg_value>{"safe": "yes"}</arg_value></tool_call>\n<tool_call>list_files</tool_call>',
     'I will write it.',[('exec',{"command":'  print("你好")\n  ',"timeoutSeconds":420,"env":{"safe":"yes"}}),('list_files',{})])
f='step3p5'
case(f,'float_type_and_bare_function','<function=test_types>\n<parameter=float_param>\n3.14\n</parameter>\n<parameter=int_param>\n42\n</parameter>\n</function>',None,[('test_types',{"float_param":3.14,"int_param":42})])
cases[f][-1]['tools']=[{"type":"function","function":{"name":"test_types","parameters":{"type":"object","properties":{"float_param":{"type":"float"},"int_param":{"type":"integer"}}}}}]

# ---- existing families: the conventions issue 12 found different from vLLM's
f='llama3_json'
case(f,'missing_parameters_not_a_call','{"name": "list_files"}','{"name": "list_files"}')
case(f,'brace_in_trailing_text','{"name": "get_weather", "parameters": {"city": "Paris"}} I used {get_weather} for this.',None,[('get_weather',W)])
case(f,'newline_separated','{"name": "get_weather", "parameters": {"city": "Paris"}}\n{"name": "list_files", "parameters": {}}',None,[('get_weather',W),('list_files',{})])
f='mistral'
# deliberate: vLLM skips a [TOOL_CALLS] name without "{", dropping the call silently
case(f,'name_without_arguments','[TOOL_CALLS]list_files',None,[('list_files',{})])
case(f,'names_without_arguments_then_more','[TOOL_CALLS]list_files[TOOL_CALLS]get_weather{"city": "Paris"}',None,[('list_files',{}),('get_weather',W)])
case(f,'not_json_after_marker','Sorry.[TOOL_CALLS] I cannot call tools here.','Sorry.[TOOL_CALLS] I cannot call tools here.')
# deliberate: vLLM returns arguments that are not JSON as they are (clients JSON.parse them)
case(f,'invalid_arguments_stay_content','[TOOL_CALLS]get_weather{city: Paris}','[TOOL_CALLS]get_weather{city: Paris}')
case(f,'list_without_arguments_key','[TOOL_CALLS][{"name": "list_files"}]',None,[('list_files',{})])
case(f,'call_id_and_args_tokens','[TOOL_CALLS]get_weather[CALL_ID]a1b2c3d4e[ARGS]{"city": "Paris"}',None,[('get_weather',W)])
f='llama4_pythonic'
case(f,'python_start_without_end_several_calls',"<|python_start|>[get_weather(city='Paris'),list_files()]",None,[('get_weather',W),('list_files',{})])
case(f,'python_start_after_text_is_content',"Sure <|python_start|>[get_weather(city='Paris')]<|python_end|>","Sure <|python_start|>[get_weather(city='Paris')]<|python_end|>")
for f in ['pythonic','llama4_pythonic','lfm2']:
    case(f,'json_literal_names',"[exec(command='ls', background=true, env=null)]" if f!='lfm2' else LS+"[exec(command='ls', background=false)]"+LE,None,
         [('exec',{"command":"ls","background":True,"env":None} if f!='lfm2' else {"command":"ls","background":False})])
f='glm45'
case(f,'escaped_newline_between_tags','<tool_call>get_weather\n<arg_key>city</arg_key>\\n<arg_value>Paris</arg_value>\n</tool_call>',None,[('get_weather',W)])
case(f,'glm47_layout','<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value></tool_call>',None,[('get_weather',W)])
case(f,'string_kept_as_written_others_stripped','<tool_call>exec\n<arg_key>command</arg_key>\n<arg_value>  ls  </arg_value>\n<arg_key>timeoutSeconds</arg_key>\n<arg_value> 5 </arg_value>\n</tool_call>',None,[('exec',{"command":"  ls  ","timeoutSeconds":5})])
case(f,'name_only','<tool_call>list_files\n</tool_call>',None,[('list_files',{})])
f='kimi_k2'
K0=K('get_weather',0,W); KB='<|tool_call_begin|>functions.exec:1<|tool_call_argument_begin|>{"command": <|tool_call_end|>'; K2=K('list_files',2,{})
# deliberate against older vLLM which gave up on the section; vLLM now skips only the broken call, we keep its text
case(f,'one_broken_call_keeps_others','<|tool_calls_section_begin|>'+K0+KB+K2+'<|tool_calls_section_end|>',KB,[('get_weather',W),('list_files',{})])
case(f,'unknown_tool_among_known','<|tool_calls_section_begin|>'+K0+K('drop_db',1,{})+'<|tool_calls_section_end|>',K('drop_db',1,{}),[('get_weather',W)])
case(f,'three_calls_with_newlines','<|tool_calls_section_begin|>\n'+K0+'\n'+K('exec',1,EXEC)+'\n'+K2+'\n<|tool_calls_section_end|>',None,[('get_weather',W),('exec',EXEC),('list_files',{})])
f='minimax'
case(f,'bad_line_stays_content','<tool_calls>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\nnot a call\n</tool_calls>','not a call',[('get_weather',W)])
case(f,'line_without_arguments_stays_content','<tool_calls>\n{"name": "list_files"}\n</tool_calls>','<tool_calls>\n{"name": "list_files"}\n</tool_calls>')
case(f,'two_blocks','<tool_calls>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_calls>\n<tool_calls>\n{"name": "list_files", "arguments": {}}\n</tool_calls>',None,[('get_weather',W),('list_files',{})])
case(f,'trailing_whitespace_stripped','Ok.   \n\n<tool_calls>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_calls>','Ok.',[('get_weather',W)])
f='openai'
HC=lambda n,a: '<|start|>assistant<|channel|>commentary to=functions.'+n+' <|constrain|>json<|message|>'+J(a)+'<|call|>'
case(f,'preambles_between_calls','<|channel|>commentary<|message|>Checking the weather.<|end|>'+HC('get_weather',W)+'<|start|>assistant<|channel|>commentary<|message|>Now the files.<|end|>'+HC('list_files',{}),'Checking the weather.\nNow the files.',[('get_weather',W),('list_files',{})])
case(f,'final_after_call_kept',HC('get_weather',W)+'<|start|>assistant<|channel|>final<|message|>It is sunny.<|return|>','It is sunny.',[('get_weather',W)])
f='xlam'
FJ='```json\n[{"name": "get_weather", "arguments": {"city": "Paris"}}]\n```'
case(f,'trailing_whitespace_stripped','Here:   \n'+FJ+'\n\n','Here:',[('get_weather',W)])
case(f,'fence_without_language','```\n[{"name": "get_weather", "arguments": {"city": "Paris"}}]\n```',None,[('get_weather',W)])
case(f,'text_after_fence_kept','Calling.\n'+FJ+'\nDone.','Calling.\n\nDone.',[('get_weather',W)])
case(f,'python_fence_is_content','```python\nprint("hi")\n```','```python\nprint("hi")\n```')
case(f,'list_without_arguments_is_content','[{"name": "list_files"}]',None,[('list_files',{})])
f='deepseek_v32'
def V32(*invs): return '<｜DSML｜function_calls>\n'+'\n'.join(invs)+'\n</｜DSML｜function_calls>'
case(f,'arguments_wrapper_unwrapped',V32(INV('exec',[('arguments','false','{"command": "ls"}')])),None,[('exec',{"command":"ls"})])
case(f,'input_wrapper_as_string_unwrapped',V32(INV('exec',[('input','true','{"command": "ls", "background": true}')])),None,[('exec',{"command":"ls","background":True})])
case(f,'number_typed_by_schema',V32(INV('search',[('query','true','q'),('limit','false','2.5')])),None,[('search',{"query":"q","limit":2.5})])
f='olmo3'
case(f,'bare_lines_at_start','get_weather(city="Paris")\nlist_files()',None,[('get_weather',W),('list_files',{})])
case(f,'bare_line_after_text_is_content','Sure: get_weather(city="Paris")','Sure: get_weather(city="Paris")')
case(f,'plain_answer_starting_with_a_word','Paris is sunny (mostly).','Paris is sunny (mostly).')
# deliberate: vLLM drops text around the block; what was streamed before the block cannot be taken back
case(f,'text_before_block','Let me check.\n<function_calls>\nget_weather(city="Paris")\n</function_calls>','Let me check.\n',[('get_weather',W)])
case(f,'json_literal_names','<function_calls>\nexec(command="ls", background=true, env=null)\n</function_calls>',None,[('exec',{"command":"ls","background":True,"env":None})])

# auto recognises the new families where their markers are unambiguous
for src in ['apertus','deepseek_v4','functiongemma','gemma4','gigachat3','hy_v3','lfm2','granite4','step3p5']:
    d=dict([c for c in cases[src] if c['name']=='m_single'][0]); d['name']=src+'_single'; d['format']='auto'; cases['auto'].append(d)
case('auto','gemma4_thought_then_call','<|channel>thought\nweather<channel|>'+gm_call('get_weather',W),None,[('get_weather',W)],'weather')
case('auto','hy_v3_and_json_tool_calls','<tool_calls>'+hy_call('get_weather',W)+'</tool_calls>',None,[('get_weather',W)])

# ======================================================================================================
# Newer vLLM families: kimi_k3, solar_open2, minicpm5 (rules of vllm/tool_parsers/<family>_tool_parser.py,
# minicpm5xml_tool_parser.py for minicpm5); "deliberate" marks where clawbus differs (package-info.java).
def k3_type(v):
    if isinstance(v,bool): return 'boolean'
    if isinstance(v,int): return 'integer'
    if isinstance(v,float): return 'number'
    if v is None: return 'null'
    if isinstance(v,list): return 'array'
    return 'string' if isinstance(v,str) else 'object'
def k3_arg(k,v,t=None): return '<|open|>argument key="'+k+'" type="'+(t or k3_type(v))+'"<|sep|>'+txt(v)+'<|close|>argument<|sep|>'
def k3_call(n,a,i=1): return '<|open|>call tool="'+n+'" index="'+str(i)+'"<|sep|>'+''.join(k3_arg(k,v) for k,v in a.items())+'<|close|>call<|sep|>'
def k3(*calls): return '<|open|>tools<|sep|>'+''.join(calls)+'<|close|>tools<|sep|>'
def solar_call(n,a): return '<|tool_call:start|>'+n+'\n'+''.join('<|tool_arg:start|>'+k+'<|tool_arg:value|>'+txt(v)+'<|tool_arg:end|>' for k,v in a.items())+'<|tool_call:end|>'
def cpm_call(n,a): return '<function name="'+n+'">\n'+''.join('<param name="'+k+'">'+txt(v)+'</param>\n' for k,v in a.items())+'</function>'
B5={
 'kimi_k3': lambda cs: k3(*[k3_call(n,a,i+1) for i,(n,a) in enumerate(cs)]),
 'solar_open2': lambda cs: '\n'.join(solar_call(n,a) for n,a in cs),
 'minicpm5': lambda cs: '\n'.join(cpm_call(n,a) for n,a in cs),
}
STRIP.add('minicpm5')
THINKING['kimi_k3']=('<|open|>think<|sep|>','<|close|>think<|sep|>')
for f,b in B5.items(): matrix(f,b,THINKING.get(f,('<think>','</think>')))

f='kimi_k3'
CALL_W=k3_call('get_weather',W)
case(f,'response_channel_is_content','<|open|>response<|sep|>Checking the weather.<|close|>response<|sep|>'+k3(CALL_W),'Checking the weather.',[('get_weather',W)])
case(f,'response_open_in_prompt','On it.<|close|>response<|sep|>'+k3(CALL_W),'On it.',[('get_weather',W)])
case(f,'response_only','<|open|>response<|sep|>Paris is sunny.<|close|>response<|sep|><|close|>message<|sep|>','Paris is sunny.')
case(f,'message_close_dropped','Paris is sunny.<|close|>message<|sep|>','Paris is sunny.')
case(f,'text_after_response_close_is_not_content','Hi.<|close|>response<|sep|>\nstray words','Hi.')
case(f,'typed_by_tag',k3('<|open|>call tool="exec" index="1"<|sep|>'+k3_arg('command','42')+k3_arg('timeoutSeconds',30)+k3_arg('background',True)+k3_arg('ratio',0.5)+k3_arg('env',{"A":"1"})+k3_arg('tags',["a","b"])+'<|close|>call<|sep|>'),None,
     [('exec',{"command":"42","timeoutSeconds":30,"background":True,"ratio":0.5,"env":{"A":"1"},"tags":["a","b"]})])
case(f,'string_tag_keeps_json_text',k3('<|open|>call tool="exec"<|sep|>'+k3_arg('command','{"a": 1}\n  true  ')+'<|close|>call<|sep|>'),None,[('exec',{"command":'{"a": 1}\n  true  '})])
case(f,'missing_type_is_string',k3('<|open|>call tool="anything"<|sep|><|open|>argument key="n"<|sep|>5<|close|>argument<|sep|><|close|>call<|sep|>'),None,[('anything',{"n":"5"})],tools=False)
case(f,'bad_json_keeps_text',k3('<|open|>call tool="exec"<|sep|>'+k3_arg('command','ls')+k3_arg('timeoutSeconds','soon','integer')+'<|close|>call<|sep|>'),None,[('exec',{"command":"ls","timeoutSeconds":"soon"})])
case(f,'null_value',k3('<|open|>call tool="anything"<|sep|>'+k3_arg('x',None)+'<|close|>call<|sep|>'),None,[('anything',{"x":None})],tools=False)
case(f,'escaped_attributes',k3('<|open|>call tool="anything"<|sep|><|open|>argument key="say &quot;hi&quot; &amp; go" type="string"<|sep|>ok<|close|>argument<|sep|><|close|>call<|sep|>'),None,[('anything',{'say "hi" & go':"ok"})],tools=False)
case(f,'tools_close_missing_at_end','<|open|>tools<|sep|>'+CALL_W,None,[('get_weather',W)])
case(f,'call_without_tool_is_content',k3('<|open|>call index="1"<|sep|>'+k3_arg('city','Paris')+'<|close|>call<|sep|>'),k3('<|open|>call index="1"<|sep|>'+k3_arg('city','Paris')+'<|close|>call<|sep|>'),[])
# deliberate: vLLM skips an argument without its closing tag and still makes the call
case(f,'unclosed_argument_is_content',k3('<|open|>call tool="get_weather"<|sep|><|open|>argument key="city" type="string"<|sep|>Paris<|close|>call<|sep|>'),k3('<|open|>call tool="get_weather"<|sep|><|open|>argument key="city" type="string"<|sep|>Paris<|close|>call<|sep|>'),[])
case(f,'unknown_call_next_to_good_one',k3(k3_call('rm_rf',{"path":"/"}),k3_call('get_weather',W,2)),k3_call('rm_rf',{"path":"/"}),[('get_weather',W)])
case(f,'end_tag_lookalike_in_prose','Use <|open|>tool tags carefully.','Use <|open|>tool tags carefully.')

f='solar_open2'
case(f,'dropped_call_end_resyncs','<|tool_call:start|>get_weather\n<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:end|><|tool_call:start|>list_files\n<|tool_call:end|>',None,[('get_weather',W),('list_files',{})])
case(f,'dropped_arg_end','<|tool_call:start|>get_weather\n<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:start|>days<|tool_arg:value|>2<|tool_arg:end|><|tool_call:end|>',None,[('get_weather',{"city":"Paris","days":2})])
case(f,'last_arg_end_missing','<|tool_call:start|>get_weather\n<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_call:end|>',None,[('get_weather',W)])
case(f,'first_of_two_wins','<|tool_call:start|>get_weather\n<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:end|><|tool_arg:start|>city<|tool_arg:value|>Rome<|tool_arg:end|><|tool_call:end|>',None,[('get_weather',W)])
case(f,'typed_by_schema',solar_call('exec',{"command":"42","timeoutSeconds":"30","background":"true","ratio":"0.5","env":'{"A": "1"}',"tags":'["a"]'}),None,
     [('exec',{"command":"42","timeoutSeconds":30,"background":True,"ratio":0.5,"env":{"A":"1"},"tags":["a"]})])
case(f,'bad_integer_keeps_text',solar_call('exec',{"command":"ls","timeoutSeconds":"soon"}),None,[('exec',{"command":"ls","timeoutSeconds":"soon"})])
case(f,'no_schema_stays_text',solar_call('anything',{"n":"5","flag":"true"}),None,[('anything',{"n":"5","flag":"true"})],tools=False)
case(f,'value_kept_as_written',solar_call('exec',{"command":"  ls -la\n"}),None,[('exec',{"command":"  ls -la\n"})])
case(f,'name_without_newline_is_content','<|tool_call:start|>get_weather<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:end|><|tool_call:end|>','<|tool_call:start|>get_weather<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:end|><|tool_call:end|>')
# deliberate: vLLM accepts an empty name
case(f,'empty_name_is_content','<|tool_call:start|>\n<|tool_call:end|>','<|tool_call:start|>\n<|tool_call:end|>')
case(f,'cut_call_after_good_one',solar_call('get_weather',W)+'<|tool_call:start|>exec\n<|tool_arg:start|>command<|tool_arg:value|>rm -rf','<|tool_call:start|>exec\n<|tool_arg:start|>command<|tool_arg:value|>rm -rf',[('get_weather',W)])
case(f,'arg_without_value_marker_skipped','<|tool_call:start|>get_weather\n<|tool_arg:start|>junk<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:end|><|tool_call:end|>',None,[('get_weather',W)])

f='minicpm5'
case(f,'typed_without_schema','<function name="anything">\n<param name="n">5</param>\n<param name="flag">true</param>\n<param name="cfg">{\'a\': 1}</param>\n<param name="word">hello</param>\n</function>',None,[('anything',{"n":5,"flag":True,"cfg":{"a":1},"word":"hello"})],tools=False)
case(f,'string_typed_stays_text',cpm_call('exec',{"command":"42","timeoutSeconds":"30"}),None,[('exec',{"command":"42","timeoutSeconds":30})])
case(f,'values_stripped','<function name="get_weather">\n<param name="city">\n  Paris  \n</param>\n</function>',None,[('get_weather',W)])
case(f,'cdata','<function name="exec"><param name="command"><![CDATA[echo "<b>" & done]]></param></function>',None,[('exec',{"command":'echo "<b>" & done'})])
case(f,'xml_escapes','<function name="exec"><param name="command">a &lt; b &amp;&amp; c</param></function>',None,[('exec',{"command":"a < b && c"})])
case(f,'undeclared_param_ignored','<function name="get_weather"><param name="city">Paris</param><param name="mood">happy</param></function>',None,[('get_weather',W)])
case(f,'arguments_wrapper_unwrapped','<function name="get_weather"><param name="arguments">{"city": "Paris", "days": 2, "x": 1}</param></function>',None,[('get_weather',{"city":"Paris","days":2})])
case(f,'arguments_element','<function name="get_weather"><arguments><param name="city">Paris</param></arguments></function>',None,[('get_weather',W)])
case(f,'collapsed_attribute_spacing','<functionname="get_weather"><paramname="city">Paris</param></function>',None,[('get_weather',W)])
case(f,'missing_required_is_content','<function name="get_weather"><param name="days">2</param></function>','<function name="get_weather"><param name="days">2</param></function>')
case(f,'duplicate_param_is_content','<function name="get_weather"><param name="city">Paris</param><param name="city">Rome</param></function>','<function name="get_weather"><param name="city">Paris</param><param name="city">Rome</param></function>')
case(f,'param_without_name_is_content','<function name="get_weather"><param>Paris</param></function>','<function name="get_weather"><param>Paris</param></function>')
case(f,'qwen_style_is_content','<function=get_weather><parameter=city>Paris</parameter></function>','<function=get_weather><parameter=city>Paris</parameter></function>')
case(f,'word_starting_with_function','The <functionality> is fine.','The <functionality> is fine.')
case(f,'unknown_then_good',cpm_call('rm_rf',{"path":"/"})+'\n'+cpm_call('get_weather',W),'<function name="rm_rf">\n<param name="path">/</param>\n</function>',[('get_weather',W)])

# inkling (vllm/parser/inkling.py, registered by inkling_tool_parser.py): typed blocks; the first block's
# <|message_model|> is usually in the prompt
def ink(n,a,key="args"): return '<|content_invoke_tool_json|>'+J({"name":n,key:a})+'<|end_message|>'
f='inkling'
KEEP_AFTER.add(f)
matrix(f,lambda cs: '<|message_model|>'.join(ink(n,a) for n,a in cs),('<|content_thinking|>','<|end_message|>'))
IW=ink('get_weather',W)
case(f,'text_block_then_call','<|content_text|>Checking.<|end_message|><|message_model|>'+IW,'Checking.',[('get_weather',W)])
case(f,'thinking_text_call','<|content_thinking|>plan it<|end_message|><|message_model|><|content_text|>On it.<|end_message|><|message_model|>'+IW,'On it.',[('get_weather',W)],'plan it')
case(f,'text_after_call_kept',IW+'<|message_model|><|content_text|>Done.<|end_message|>','Done.',[('get_weather',W)])
case(f,'end_sampling_ends_call','<|content_invoke_tool_json|>'+J({"name":"get_weather","args":W})+'<|content_model_end_sampling|>',None,[('get_weather',W)])
case(f,'arguments_key',ink('get_weather',W,"arguments"),None,[('get_weather',W)])
case(f,'missing_args','<|content_invoke_tool_json|>{"name": "list_files"}<|end_message|>',None,[('list_files',{})])
case(f,'args_not_object_is_content','<|content_invoke_tool_json|>{"name": "exec", "args": "ls"}<|end_message|>','<|content_invoke_tool_json|>{"name": "exec", "args": "ls"}<|end_message|>')
case(f,'tool_text_block_is_content','<|content_invoke_tool_text|>get_weather(city=Paris)<|end_message|>','get_weather(city=Paris)')
case(f,'tool_error_block_is_content','<|content_tool_error|>bad call<|end_message|>','bad call')
case(f,'call_until_end_of_output','<|content_invoke_tool_json|>'+J({"name":"get_weather","args":W}),None,[('get_weather',W)])
case(f,'two_calls_with_text_between',IW+'<|message_model|><|content_text|>and<|end_message|><|message_model|>'+ink('list_files',{}),'and',[('get_weather',W),('list_files',{})])

# minimax_m3 (vLLM's grammar vllm/tool_parsers/_llm_nom/m3_text.py and data_type.py; the parser itself is a Rust
# crate): every tag behind the namespace token, one <tool_call> wrapper of <invoke>s, a parameter is an element
# named after it, nested elements make objects (or arrays of <item> where the schema allows one), plain values are
# typed by the schema. "deliberate" marks where clawbus differs (package-info.java).
NS=']<]minimax[>['
def m3v(v):
    """M3's own layout of a value: objects as child elements, lists as <item>s, nulls left out."""
    if isinstance(v,dict): return ''.join(NS+'<'+k+'>'+m3v(x)+NS+'</'+k+'>' for k,x in v.items() if x is not None)
    if isinstance(v,list): return ''.join(NS+'<item>'+m3v(x)+NS+'</item>' for x in v if x is not None)
    return txt(v)
def m3_params(a,write=txt): return ''.join(NS+'<'+k+'>'+write(v)+NS+'</'+k+'>' for k,v in a.items())
def m3_inv(n,a,write=txt): return NS+'<invoke name="'+n+'">'+m3_params(a,write)+NS+'</invoke>'
def m3(*invs): return NS+'<tool_call>\n'+'\n'.join(invs)+'\n'+NS+'</tool_call>'
f='minimax_m3'
matrix(f,lambda cs: m3(*[m3_inv(n,a) for n,a in cs]),('<mm:think>','</mm:think>'))
TRIP={"type":"function","function":{"name":"plan_trip","parameters":{"type":"object","properties":{
  "traveler":{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"vip":{"type":"boolean"}}},
  "stops":{"type":"array","items":{"type":"object","properties":{"city":{"type":"string"},"nights":{"type":"integer"}}}},
  "codes":{"type":"array","items":{"type":"string"}},
  "grid":{"type":"array","items":{"type":"array","items":{"type":"number"}}},
  "pair":{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}]},
  "seats":{"type":"object","additionalProperties":{"type":"integer"}},
  "budget":{"type":["number","null"]},
  "mode":{"enum":["car","train",3]},
  "ref":{"anyOf":[{"type":"integer"},{"type":"string"}]},
  "extra":{"type":"object"},
  "gate":{"type":["integer","string"],"enum":["01","02","A"]},
  "dock":{"type":["int","string"],"enum":["01","02"]},
  "notes":{"type":"string"}}}}}
M3_TOOLS=TOOLS+[TRIP]
def trip(text,content,calls,name): case(f,name,text,content,calls,tools=M3_TOOLS)
def P(k,inner): return NS+'<'+k+'>'+inner+NS+'</'+k+'>'
def INV(n,*params): return NS+'<invoke name="'+n+'">'+''.join(params)+NS+'</invoke>'
trip(m3(INV('plan_trip',P('traveler',P('name','Ana')+P('age','34')+P('vip','yes')),
    P('stops',P('item',P('city','Lyon')+P('nights','2'))+P('item',P('city','Nice')+P('nights','3'))),
    P('codes',P('item','A1')+P('item','007')),P('seats',P('front','2')+P('back','1')),P('budget','1200.50'))),None,
    [('plan_trip',{"traveler":{"name":"Ana","age":34,"vip":True},"stops":[{"city":"Lyon","nights":2},{"city":"Nice","nights":3}],
      "codes":["A1","007"],"seats":{"front":2,"back":1},"budget":1200.5})],'nested_typed_by_schema')
trip(m3(INV('plan_trip',P('grid',P('item',P('item','1')+P('item','2.5'))+P('item',P('item','-3'))),P('pair',P('item','abc')+P('item','7')))),None,
    [('plan_trip',{"grid":[[1,2.5],[-3]],"pair":["abc",7]})],'arrays_of_arrays_and_prefix_items')
trip(m3(m3_inv('plan_trip',{"traveler":{"name":"Bo","age":7},"stops":[{"city":"Rome","nights":1}]},m3v)),None,
    [('plan_trip',{"traveler":{"name":"Bo","age":7},"stops":[{"city":"Rome","nights":1}]})],'nested_as_the_model_writes_it')
trip(m3(INV('plan_trip',P('budget','null'),P('mode','3'),P('ref','42'))),None,[('plan_trip',{"budget":None,"mode":3,"ref":42})],'typed_by_type_list_enum_and_any_of')
# the reading the schema accepts wins over a more confident one; a schema JSON Schema rejects ("int") checks nothing
trip(m3(INV('plan_trip',P('gate','01'),P('dock','01'))),None,[('plan_trip',{"gate":"01","dock":1})],'schema_check_picks_the_reading')
trip(m3(INV('plan_trip',P('mode','car'),P('ref','B-12'))),None,[('plan_trip',{"mode":"car","ref":"B-12"})],'string_reading_when_the_number_fails')
trip(m3(INV('plan_trip',P('budget',''),P('extra',''),P('codes',''),P('notes',''))),None,[('plan_trip',{"budget":None,"extra":{},"codes":[],"notes":""})],'empty_values_by_type')
trip(m3(INV('plan_trip',P('extra',P('tag','a')+P('tag','b')+P('tag','c')))),None,[('plan_trip',{"extra":{"tag":["a","b","c"]}})],'repeated_child_becomes_a_list')
trip(m3(INV('plan_trip',P('extra',P('a','1')+' see above'))),None,[('plan_trip',{"extra":{"a":"1","$text":" see above"}})],'text_beside_children_kept')
trip(m3(INV('plan_trip',P('extra','{"a": [1, 2]}'),P('stops','[{"city": "Oslo"}]'))),None,[('plan_trip',{"extra":{"a":[1,2]},"stops":[{"city":"Oslo"}]})],'json_text_for_object_and_array')
trip(m3(INV('plan_trip',P('notes',P('b','bold')))),None,[('plan_trip',{"notes":{"b":"bold"}})],'namespaced_tag_wins_over_string_schema')
# deliberate: vLLM reads a nested value only when its first tag follows at once, and keeps blanks between child
# elements as "$text" (or as list items); here blanks between tags are layout
trip(m3(NS+'<invoke name="plan_trip">\n'+P('notes','hi')+'\n'+P('traveler','\n'+P('name','Ana')+'\n'+P('age','5')+'\n')+'\n'+P('codes','\n'+P('item','x')+'\n')+'\n'+NS+'</invoke>'),None,
    [('plan_trip',{"notes":"hi","traveler":{"name":"Ana","age":5},"codes":["x"]})],'blanks_between_tags_are_layout')
case(f,'no_schema_text_and_nested_objects',m3(INV('anything',P('n','5'),P('flag','true'),P('opts',P('item','1')+P('item','2')))),None,
     [('anything',{"n":"5","flag":"true","opts":{"item":["1","2"]}})],tools=False)
case(f,'typed_scalars',m3(m3_inv('exec',{"command":"42","timeoutSeconds":"30","background":"on","ratio":"2.0","env":'{"A": "1"}',"tags":'["a"]'})),None,
     [('exec',{"command":"42","timeoutSeconds":30,"background":True,"ratio":2,"env":{"A":"1"},"tags":["a"]})])
case(f,'unreadable_integer_keeps_text',m3(m3_inv('exec',{"command":"ls","timeoutSeconds":"soon"})),None,[('exec',{"command":"ls","timeoutSeconds":"soon"})])
case(f,'boolean_word_reads_false',m3(m3_inv('exec',{"command":"ls","background":"maybe"})),None,[('exec',{"command":"ls","background":False})])
case(f,'string_kept_as_written',m3(m3_inv('exec',{"command":"  ls -la\n"})),None,[('exec',{"command":"  ls -la\n"})])
case(f,'plain_close_tag_in_value',m3(m3_inv('exec',{"command":"echo '</command>' <invoke>"})),None,[('exec',{"command":"echo '</command>' <invoke>"})])
case(f,'block_end_missing_at_end_of_output',NS+'<tool_call>\n'+m3_inv('get_weather',W),None,[('get_weather',W)])
CUT=NS+'<invoke name="exec">'+NS+'<command>rm -rf /tmp/x'
case(f,'cut_invoke_after_good_one','Sure.'+NS+'<tool_call>\n'+m3_inv('get_weather',W)+'\n'+CUT,'Sure.'+CUT,[('get_weather',W)])
case(f,'unknown_invoke_next_to_good_one',m3(m3_inv('rm_rf',{"path":"/"}),m3_inv('get_weather',W)),m3_inv('rm_rf',{"path":"/"}),[('get_weather',W)])
BAD_PARAM=NS+'<invoke name="get_weather">'+NS+'<city>Paris'+NS+'</invoke>'
case(f,'param_without_close_is_content',m3(BAD_PARAM),m3(BAD_PARAM))
case(f,'broken_invoke_next_to_good_one',m3(BAD_PARAM,m3_inv('list_files',{})),BAD_PARAM,[('list_files',{})])
NO_NAME_END=NS+'<invoke name="get_weather>'+P('city','Paris')+NS+'</invoke>'
case(f,'name_without_closing_quote_is_content',m3(NO_NAME_END),m3(NO_NAME_END))
# deliberate: vLLM skips the rest of an invoke after stray text and calls with the parameters read so far
STRAY=NS+'<invoke name="exec">'+P('command','ls')+'oops'+P('timeoutSeconds','5')+NS+'</invoke>'
case(f,'stray_text_in_invoke_is_content',m3(STRAY),m3(STRAY))
# deliberate: vLLM calls a tool with an empty name
case(f,'empty_name_is_content',m3(INV('')),m3(INV('')))
case(f,'stray_text_in_block_stays_content',m3('note: '+m3_inv('get_weather',W)),'note: ',[('get_weather',W)])
# deliberate: vLLM's grammar reads one <tool_call> block only
case(f,'second_block_also_parsed',m3(m3_inv('get_weather',W))+'\n'+m3(m3_inv('list_files',{})),None,[('get_weather',W),('list_files',{})])
case(f,'un_namespaced_markup_is_content','<tool_call>\n<invoke name="get_weather"><city>Paris</city></invoke>\n</tool_call>','<tool_call>\n<invoke name="get_weather"><city>Paris</city></invoke>\n</tool_call>')
case(f,'minimax_m2_markup_is_content','<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n</invoke>\n</minimax:tool_call>','<minimax:tool_call>\n<invoke name="get_weather">\n<parameter name="city">Paris</parameter>\n</invoke>\n</minimax:tool_call>')
case(f,'namespace_token_in_prose','Tags look like '+NS+'<tool_ca and '+NS+' alone.','Tags look like '+NS+'<tool_ca and '+NS+' alone.')
case(f,'partial_start_at_end_of_output','plain '+NS+'<tool_ca','plain '+NS+'<tool_ca')
case(f,'leading_reasoning_closer_dropped','</mm:think>Hello.','Hello.')
case(f,'reasoning_text_and_call','<mm:think>weather first</mm:think>Checking.\n'+m3(m3_inv('get_weather',W)),'Checking.\n',[('get_weather',W)],'weather first')
# auto recognises M3 by its namespace token (no other family writes it)
case('auto','minimax_m3_single',m3(m3_inv('get_weather',W)),None,[('get_weather',W)])
case('auto','minimax_m3_reasoning_and_nested','<mm:think>plan</mm:think>'+m3(m3_inv('search',{"query":"q","filters":{"k":"a"}},m3v)),None,[('search',{"query":"q","filters":{"k":"a"}})],'plan')

# cohere_command3 / cohere_command4 (vLLM hands both to the cohere_melody package; its cmd3()/cmd4() filter
# presets and the Command chat templates are the specification): sections behind special tokens, actions as a
# JSON list of {"tool_call_id", "tool_name", "parameters"}, citations <co>span</co: SOURCES> shown as the span.
# Command 4 writes <|START_TEXT|> for the answer (and still reads <|START_RESPONSE|>), and its prompt opens the
# thinking, so the output starts in it. "deliberate" marks where clawbus differs (package-info.java).
def co_el(n,a,i=0,key="parameters"): return '{"tool_call_id": "'+str(i)+'", "tool_name": "'+n+'", "'+key+'": '+J(a)+'}'
def co_act(*els): return '<|START_ACTION|>[\n    '+',\n    '.join(els)+'\n]<|END_ACTION|>'
def co(cs): return co_act(*[co_el(n,a,i) for i,(n,a) in enumerate(cs)])
CO_TYPED={"command":"ls -la","timeoutSeconds":30,"background":True,"ratio":0.5,"env":{"A":"1","B":None},"tags":["x",2,False]}
for f,RS,RE in [('cohere_command3','<|START_RESPONSE|>','<|END_RESPONSE|>'),('cohere_command4','<|START_TEXT|>','<|END_TEXT|>')]:
    def R(x): return RS+x+RE
    def TH(x): return '<|START_THINKING|>'+x+'<|END_THINKING|>'
    case(f,'single',co([('get_weather',W)]),None,[('get_weather',W)])
    case(f,'parallel',co([('get_weather',W),('exec',EXEC)]),None,[('get_weather',W),('exec',EXEC)])
    case(f,'three_calls_one_line','<|START_ACTION|>['+', '.join(co_el(n,a,i) for i,(n,a) in enumerate([('get_weather',W),('list_files',{}),('get_weather',{"city":"Oslo","days":2})]))+']<|END_ACTION|>',None,
         [('get_weather',W),('list_files',{}),('get_weather',{"city":"Oslo","days":2})])
    case(f,'thinking_then_call',TH('The user wants the weather in Paris.')+co([('get_weather',W)]),None,[('get_weather',W)],'The user wants the weather in Paris.')
    case(f,'thinking_then_answer',TH('A greeting.')+R('Hello! How can I help?'),'Hello! How can I help?',[],'A greeting.')
    case(f,'answer_only',R('Paris is the capital of France.'),'Paris is the capital of France.')
    case(f,'nested_arguments',co([('search',NESTED)]),None,[('search',NESTED)])
    case(f,'typed_values_as_written',co([('exec',CO_TYPED)]),None,[('exec',CO_TYPED)])
    # melody passes the parameters' JSON on as written: no schema coercion
    case(f,'values_not_coerced',co([('exec',{"command":"ls","timeoutSeconds":"30"})]),None,[('exec',{"command":"ls","timeoutSeconds":"30"})])
    case(f,'unicode',co([('get_weather',{"city":"Zürich — 東京 🌦"})]),None,[('get_weather',{"city":"Zürich — 東京 🌦"})])
    case(f,'escaped_unicode','<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather", "parameters": {"city": "S\\u00e3o Paulo \\ud83c\\udf27"}}]<|END_ACTION|>',None,[('get_weather',{"city":"São Paulo 🌧"})])
    case(f,'tricky_values',co([('exec',{"command":CMD_TRICKY})]),None,[('exec',{"command":CMD_TRICKY})])
    case(f,'end_tag_inside_a_value',co([('exec',{"command":"echo '<|END_ACTION|>' done"})]),None,[('exec',{"command":"echo '<|END_ACTION|>' done"})])
    case(f,'pretty_printed','<|START_ACTION|>[\n    {\n        "tool_call_id": "0",\n        "tool_name": "exec",\n        "parameters": {\n            "command": "make test",\n            "timeoutSeconds": 60\n        }\n    }\n]<|END_ACTION|>',None,[('exec',{"command":"make test","timeoutSeconds":60})])
    case(f,'empty_parameters',co([('list_files',{})]),None,[('list_files',{})])
    case(f,'parameters_missing_or_null','<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "list_files"}, {"tool_call_id": "1", "tool_name": "list_files", "parameters": null}]<|END_ACTION|>',None,[('list_files',{}),('list_files',{})])
    case(f,'parameters_as_json_string','<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather", "parameters": "{\\"city\\": \\"Paris\\"}"}]<|END_ACTION|>',None,[('get_weather',W)])
    # deliberate: melody needs "tool_call_id" before "tool_name" (its regexes look for it first)
    case(f,'without_tool_call_id','<|START_ACTION|>[{"tool_name": "get_weather", "parameters": {"city": "Paris"}}]<|END_ACTION|>',None,[('get_weather',W)])
    case(f,'padded_name',co_act(co_el(' get_weather ',W)),None,[('get_weather',W)])
    # deliberate: melody emits nothing for an action block without calls; here it stays content
    case(f,'empty_action_list_is_content','<|START_ACTION|>[]<|END_ACTION|>','<|START_ACTION|>[]<|END_ACTION|>')
    case(f,'lone_object_without_list','<|START_ACTION|>{"tool_call_id": "0", "tool_name": "get_weather", "parameters": {"city": "Paris"}}<|END_ACTION|>',None,[('get_weather',W)])
    UNK=co([('delete_everything',{"force":True})])
    case(f,'unknown_tool',UNK,UNK)
    case(f,'unknown_next_to_known',co([('rm_rf',{"path":"/"}),('get_weather',W)]),co_el('rm_rf',{"path":"/"}),[('get_weather',W)])
    NO_NAME=co_el('x',{"a":1}).replace('"tool_name": "x", ','')
    case(f,'element_without_name_is_content',co_act(NO_NAME,co_el('list_files',{},1)),NO_NAME,[('list_files',{})])
    BAD_ARGS='{"tool_call_id": "0", "tool_name": "get_weather", "parameters": ["Paris"]}'
    case(f,'parameters_not_an_object_is_content',co_act(BAD_ARGS),co_act(BAD_ARGS))
    MAL='<|START_ACTION|>[{"tool_call_id": "0", "tool_name": "get_weather", "parameters": {"city": }}]<|END_ACTION|>'
    case(f,'malformed_json_is_content',MAL,MAL)
    PROSE_ACT='<|START_ACTION|>I will search the web now.<|END_ACTION|>'
    case(f,'prose_in_action_is_content',PROSE_ACT,PROSE_ACT)
    full=co([TRUNC]); cut=full[:full.index('rm -rf')+6]
    case(f,'truncated_call_is_content',cut,cut)
    case(f,'action_end_missing_at_end_of_output',co([('get_weather',W)])[:-len('<|END_ACTION|>')],None,[('get_weather',W)])
    CUT_EL='{"tool_call_id": "1", "tool_name": "exec", "parameters": {"command": "rm -rf /tmp/x'
    case(f,'cut_element_after_good_one','<|START_ACTION|>[\n    '+co_el('get_weather',W)+',\n    '+CUT_EL,CUT_EL,[('get_weather',W)])
    case(f,'text_after_list_in_action_is_content','<|START_ACTION|>['+co_el('get_weather',W)+'] (done)<|END_ACTION|>','(done)',[('get_weather',W)])
    case(f,'text_after_action_dropped',co([('get_weather',W)])+'\nThe weather is sunny (imagined).',None,[('get_weather',W)])
    # deliberate: melody shows an answer section written after an action; a Command turn ends with its action
    case(f,'answer_after_action_dropped',co([('get_weather',W)])+R('It is sunny.'),None,[('get_weather',W)])
    case(f,'text_after_answer_end_dropped',R('Done.')+' trailing words','Done.')
    case(f,'lone_action_end_ends_text',RS+'Hello<|END_ACTION|> more','Hello')
    case(f,'second_action_block',co([('get_weather',W)])+co([('list_files',{})]),None,[('get_weather',W),('list_files',{})])
    case(f,'citations_become_plain_text',R('The sky is <co>blue</co: 0:[1,2]> and <co>the sea too</co: 0:[0],1:[3]>.'),'The sky is blue and the sea too.')
    case(f,'citations_in_thinking',TH('The forecast says <co>rain</co: 1:[0]>.')+R('Take an umbrella <co>today</co: 1:[0]>.'),'Take an umbrella today.',[],'The forecast says rain.')
    case(f,'citation_like_text_kept',R('Write </co: note> or a < b > c, <cofl:x> and <code>.'),'Write </co: note> or a < b > c, <cofl:x> and <code>.')
    case(f,'unclosed_citation_opener_dropped',R('Partly <co>cited text.'),'Partly cited text.')
    # deliberate: melody keeps a closing citation tag without its <co> as text
    case(f,'lone_citation_closer_dropped',R('Text</co: 0:[0]> here.'),'Text here.')
    LONG='</co: '+'0,'*200+'0>'
    case(f,'overlong_source_list_is_text',R('See'+LONG+' end.'),'See'+LONG+' end.')
    case(f,'cut_citation_closer_at_end_kept',RS+'See <co>this</co: 0:[','See this</co: 0:[')
    case(f,'citation_unicode',R('Grüße <co>東京 🌦</co: 0:[0]>!'),'Grüße 東京 🌦!')
    case(f,'thinking_cut_by_action','<|START_THINKING|>Need the weather.'+co([('get_weather',W)]),None,[('get_weather',W)],'Need the weather.')
    case(f,'thinking_cut_by_answer','<|START_THINKING|>Easy one.'+R('Hi!'),'Hi!',[],'Easy one.')
    case(f,'thinking_unclosed_at_end','<|START_THINKING|>Still thinking about it',None,[],'Still thinking about it')
    case(f,'empty_thinking_and_answer',TH('')+R(''),None)
    case(f,'no_tools_accepts_any_name',co([('anything',{"a":1})]),None,[('anything',{"a":1})],tools=False)
    HERMES='<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>'
    case(f,'other_markup_in_answer_is_content',R('Like this: '+HERMES),'Like this: '+HERMES)
    case(f,'partial_marker_at_end',RS+'Almost <|START_ACT','Almost <|START_ACT')
    case(f,'empty_output','',None)
f='cohere_command3'
case(f,'plain_text_is_content','The weather in Paris is sunny.','The weather in Paris is sunny.')
case(f,'text_before_action',"I'll check that for you.\n"+co([('get_weather',W)]),"I'll check that for you.\n",[('get_weather',W)])
case(f,'lone_thinking_end_dropped','Plan<|END_THINKING|>Answer.','PlanAnswer.')
case(f,'command4_text_tags_are_text','<|START_TEXT|>Hi<|END_TEXT|>','<|START_TEXT|>Hi<|END_TEXT|>')
f='cohere_command4'
case(f,'thinking_opened_by_prompt','The user greets me.<|END_THINKING|><|START_TEXT|>Hello!<|END_TEXT|>','Hello!',[],'The user greets me.')
case(f,'thinking_opened_by_prompt_then_call','I need the weather.<|END_THINKING|>'+co([('get_weather',W)]),None,[('get_weather',W)],'I need the weather.')
case(f,'prompt_thinking_cut_by_action','I need the weather.'+co([('get_weather',W)]),None,[('get_weather',W)],'I need the weather.')
case(f,'thinking_off_answer','<|START_TEXT|>Hello!<|END_TEXT|>','Hello!')
case(f,'plain_text_is_reasoning','Just words, no sections.',None,[],'Just words, no sections.')
case(f,'text_between_thinking_and_action','Plan.<|END_THINKING|>Sure.\n'+co([('get_weather',W)]),'Sure.\n',[('get_weather',W)],'Plan.')
case(f,'response_tags_also_read','<|START_RESPONSE|>Hi<|END_RESPONSE|> trailing','Hi')
case(f,'citations_in_prompt_thinking','Per <co>the doc</co: 0:[0]>.<|END_THINKING|><|START_TEXT|>Ok.<|END_TEXT|>','Ok.',[],'Per the doc.')
# auto recognises the action block and the section tags (no other family writes them); citations and Command 4's
# prompt-opened thinking need the family's name
case('auto','cohere_action',co([('get_weather',W)]),None,[('get_weather',W)])
case('auto','cohere_thinking_and_answer','<|START_THINKING|>plan<|END_THINKING|><|START_RESPONSE|>Hi<|END_RESPONSE|> trailing','Hi',[],'plan')
case('auto','cohere_text_section_and_citation_kept','<|START_TEXT|>a <co>b</co: 0:[0]><|END_TEXT|>','a <co>b</co: 0:[0]>')

# auto recognises kimi_k3 (its XTML tags), solar_open2 (<|tool_call:start|>), inkling (its typed-block tokens) and
# minicpm5 (by "<function name=" or the collapsed "<functionname=": a bare "<function" would hold prose such as
# <functions>, and a Qwen <function=…> call after it, until a </function>); no other family writes these
f='auto'
case(f,'kimi_k3_single',k3(CALL_W),None,[('get_weather',W)])
case(f,'kimi_k3_thinking_response_and_call','<|open|>think<|sep|>plan<|close|>think<|sep|><|open|>response<|sep|>Checking.<|close|>response<|sep|>'+k3(CALL_W),'Checking.',[('get_weather',W)],'plan')
case(f,'kimi_k3_lookalike_in_prose','Use <|open|>tool tags carefully.','Use <|open|>tool tags carefully.')
case(f,'solar_open2_single',solar_call('get_weather',W),None,[('get_weather',W)])
case(f,'solar_open2_reasoning_and_text','<think>plan</think>Let me check.\n'+solar_call('exec',{"command":"ls","timeoutSeconds":"30"}),'Let me check.\n',[('exec',{"command":"ls","timeoutSeconds":30})],'plan')
case(f,'solar_open2_without_name_line_is_content','<|tool_call:start|>get_weather<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:end|><|tool_call:end|>','<|tool_call:start|>get_weather<|tool_arg:start|>city<|tool_arg:value|>Paris<|tool_arg:end|><|tool_call:end|>')
case(f,'minicpm5_single',cpm_call('get_weather',W),None,[('get_weather',W)])
case(f,'minicpm5_reasoning_text_and_collapsed','<think>plan</think>On it.\n<functionname="exec"><paramname="command">ls</param><paramname="timeoutSeconds">30</param></function>','On it.\n',[('exec',{"command":"ls","timeoutSeconds":30})],'plan')
QB='<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>'
case(f,'minicpm5_lookalike_prose_then_qwen_call','The <functions> list and a <function> tag.\n'+QB,'The <functions> list and a <function> tag.\n',[('get_weather',W)])
case(f,'minicpm5_missing_required_is_content','<function name="get_weather"><param name="days">2</param></function>','<function name="get_weather"><param name="days">2</param></function>')
case(f,'inkling_single',IW,None,[('get_weather',W)])
case(f,'inkling_thinking_text_and_call','<|content_thinking|>plan it<|end_message|><|message_model|><|content_text|>On it.<|end_message|><|message_model|>'+IW,'On it.',[('get_weather',W)],'plan it')
case(f,'inkling_tool_text_block_is_content','<|content_invoke_tool_text|>get_weather(city=Paris)<|end_message|>','get_weather(city=Paris)')
# auto drops text after calls, where inkling keeps its text blocks after a call
case(f,'inkling_text_after_call_dropped',IW+'<|message_model|><|content_text|>Done.<|end_message|>',None,[('get_weather',W)])


for f in cases:
    with open(os.path.join(OUT,f+'.jsonl'),'w') as fh:
        for c in cases[f]: fh.write(json.dumps(c,ensure_ascii=False)+'\n')
print({k:len(v) for k,v in cases.items()}, sum(len(v) for v in cases.values()))
