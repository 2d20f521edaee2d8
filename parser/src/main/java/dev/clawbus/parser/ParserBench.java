package dev.clawbus.parser;

import dev.clawbus.parser.JsonText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Streaming throughput per family: a corpus of realistic responses (prose, code with {@code <} and braces,
 * and tool calls in the family's markup), cut into 1–8 char pieces like token deltas, fed to fresh parsers.
 */
final class ParserBench {
  private ParserBench() {}

  static final List<ToolSpec> TOOLS = ToolSpec.fromRequestTools(new JsonArray()
      .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "exec")
          .put("parameters", new JsonObject().put("type", "object").put("properties", new JsonObject()
              .put("command", new JsonObject().put("type", "string"))
              .put("timeoutSeconds", new JsonObject().put("type", "integer"))))))
      .add(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "read")
          .put("parameters", new JsonObject().put("type", "object").put("properties", new JsonObject()
              .put("path", new JsonObject().put("type", "string")))))));

  private static final String PROSE = "Let me look at the build first. The compiler says `List<String> x = "
      + "new ArrayList<>();` fails when a < b && c > d, so I'll check the { braces } and [brackets] too.\n";

  /** One response in the family's markup: prose, then a call to exec with the given command. */
  static String sample(String format, String command, int n) {
    String args = new JsonObject().put("command", command).put("timeoutSeconds", n).encode();
    String call = switch (format) {
      case "hermes", "auto", "ernie45" -> "<tool_call>\n{\"name\": \"exec\", \"arguments\": " + args + "}\n</tool_call>";
      case "qwen3_coder", "qwen3_xml", "step3p5", "mimo" -> "<tool_call>\n<function=exec>\n<parameter=command>\n" + command
          + "\n</parameter>\n<parameter=timeoutSeconds>\n" + n + "\n</parameter>\n</function>\n</tool_call>";
      case "seed_oss" -> "<seed:tool_call>\n<function=exec>\n<parameter=command>" + command
          + "</parameter>\n</function>\n</seed:tool_call>";
      case "llama3_json", "llama4_json" -> "<|python_tag|>{\"name\": \"exec\", \"parameters\": " + args + "}";
      // a JSON string literal is also a Python one for this text
      case "olmo3" -> "<function_calls>\nexec(command=" + JsonText.quote(new StringBuilder(), command)
          + ", timeoutSeconds=" + n + ")\n</function_calls>";
      case "llama4_pythonic", "pythonic" -> "[exec(command=" + JsonText.quote(new StringBuilder(), command)
          + ", timeoutSeconds=" + n + ")]";
      case "mistral" -> "[TOOL_CALLS][{\"name\": \"exec\", \"arguments\": " + args + "}]";
      case "deepseek_v3" -> "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>exec\n```json\n" + args
          + "\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
      case "deepseek_v31" -> "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>exec<｜tool▁sep｜>" + args
          + "<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
      case "kimi_k2" -> "<|tool_calls_section_begin|><|tool_call_begin|>functions.exec:" + n
          + "<|tool_call_argument_begin|>" + args + "<|tool_call_end|><|tool_calls_section_end|>";
      case "glm45", "glm47", "poolside_v1" -> "<tool_call>exec\n<arg_key>command</arg_key>\n<arg_value>" + command
          + "</arg_value>\n</tool_call>";
      case "granite" -> "<|tool_call|>[{\"name\": \"exec\", \"arguments\": " + args + "}]";
      case "granite4" -> "<tool_call>{\"name\": \"exec\", \"arguments\": " + args + "}</tool_call>";
      case "apertus" -> "<|tools_prefix|>[{\"exec\": " + args + "}]<|tools_suffix|>";
      case "deepseek_v4" -> "<｜DSML｜tool_calls>\n<｜DSML｜invoke name=\"exec\">\n<｜DSML｜parameter name=\"command\" "
          + "string=\"true\">" + command + "</｜DSML｜parameter>\n<｜DSML｜parameter name=\"timeoutSeconds\" "
          + "string=\"false\">" + n + "</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜tool_calls>";
      case "functiongemma" -> "<start_function_call>call:exec{command:<escape>" + command
          + "<escape>,timeoutSeconds:<escape>" + n + "<escape>}<end_function_call>";
      case "gemma4" -> "<|tool_call>call:exec{command:<|\"|>" + command + "<|\"|>,timeoutSeconds:" + n
          + "}<tool_call|>";
      case "gigachat3" -> "<|message_sep|>\n\nfunction call<|role_sep|>\n{\"name\": \"exec\", \"arguments\": "
          + args + "}";
      case "hy_v3" -> "<tool_calls><tool_call>exec<tool_sep><arg_key>command</arg_key><arg_value>" + command
          + "</arg_value><arg_key>timeoutSeconds</arg_key><arg_value>" + n + "</arg_value></tool_call></tool_calls>";
      case "lfm2" -> "<|tool_call_start|>[exec(command=" + JsonText.quote(new StringBuilder(), command)
          + ", timeoutSeconds=" + n + ")]<|tool_call_end|>";
      case "internlm" -> "<|action_start|><|plugin|>\n{\"name\": \"exec\", \"parameters\": " + args
          + "}<|action_end|>";
      case "jamba", "hunyuan_a13b" -> "<tool_calls>[{\"name\": \"exec\", \"arguments\": " + args + "}]</tool_calls>";
      case "minimax" -> "<tool_calls>\n{\"name\": \"exec\", \"arguments\": " + args + "}\n</tool_calls>";
      case "minimax_m2" -> "<minimax:tool_call>\n<invoke name=\"exec\">\n<parameter name=\"command\">" + command
          + "</parameter>\n</invoke>\n</minimax:tool_call>";
      case "phi4_mini_json" -> "functools[{\"name\": \"exec\", \"arguments\": " + args + "}]";
      case "xlam" -> "<tool_call>{\"name\": \"exec\", \"arguments\": " + args + "}</tool_call>";
      case "openai" -> "<|end|><|start|>assistant<|channel|>commentary to=functions.exec <|constrain|>json"
          + "<|message|>" + args + "<|call|>";
      case "granite-20b-fc" -> "<function_call> {\"name\": \"exec\", \"arguments\": " + args + "}";
      case "deepseek_v32" -> "<｜DSML｜function_calls>\n<｜DSML｜invoke name=\"exec\">\n<｜DSML｜parameter name=\"command\" "
          + "string=\"true\">" + command + "</｜DSML｜parameter>\n</｜DSML｜invoke>\n</｜DSML｜function_calls>";
      case "longcat" -> "<longcat_tool_call>{\"name\": \"exec\", \"arguments\": " + args + "}</longcat_tool_call>";
      case "step3" -> "<｜tool_calls_begin｜><｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name=\"exec\">"
          + "<steptml:parameter name=\"command\">" + command + "</steptml:parameter></steptml:invoke>"
          + "<｜tool_call_end｜><｜tool_calls_end｜>";
      case "kimi_k3" -> "<|open|>tools<|sep|><|open|>call tool=\"exec\" index=\"1\"<|sep|><|open|>argument "
          + "key=\"command\" type=\"string\"<|sep|>" + command + "<|close|>argument<|sep|><|open|>argument "
          + "key=\"timeoutSeconds\" type=\"integer\"<|sep|>" + n + "<|close|>argument<|sep|><|close|>call<|sep|>"
          + "<|close|>tools<|sep|>";
      case "solar_open2" -> "<|tool_call:start|>exec\n<|tool_arg:start|>command<|tool_arg:value|>" + command
          + "<|tool_arg:end|><|tool_arg:start|>timeoutSeconds<|tool_arg:value|>" + n
          + "<|tool_arg:end|><|tool_call:end|>";
      case "inkling" -> "<|message_model|><|content_invoke_tool_json|>{\"name\": \"exec\", \"args\": " + args
          + "}<|end_message|>";
      case "minicpm5" -> "<function name=\"exec\">\n<param name=\"command\">" + command
          + "</param>\n<param name=\"timeoutSeconds\">" + n + "</param>\n</function>";
      case "minimax_m3" -> MinimaxM3.START + "\n" + MinimaxM3.NS + "<invoke name=\"exec\">" + MinimaxM3.NS
          + "<command>" + command + MinimaxM3.NS + "</command>" + MinimaxM3.NS + "<timeoutSeconds>" + n + MinimaxM3.NS
          + "</timeoutSeconds>" + MinimaxM3.NS + "</invoke>\n" + MinimaxM3.END;
      // Command 4's prompt opens the thinking: its prose is reasoning, which the action ends
      case "cohere_command3", "cohere_command4" -> Cohere.ACTION_START + "[\n    {\"tool_call_id\": \"0\", "
          + "\"tool_name\": \"exec\", \"parameters\": " + args + "}\n]" + Cohere.ACTION_END;
      default -> "";
    };
    String prose = PROSE.repeat(1 + n % 3);
    return switch (format) {
      case "openai" -> "<|channel|>analysis<|message|>" + prose + call;
      // calls only at the start of the answer: the prose is reasoning before it
      case "pythonic", "llama4_pythonic", "granite" -> "<think>" + prose + "</think>" + call;
      default -> prose + call;
    };
  }

  record Result(String format, double mbPerSecond, long calls) {}

  static Result run(String format, int megabytes) {
    SplittableRandom rnd = new SplittableRandom(42);
    List<String[]> responses = new ArrayList<>();
    long chars = 0;
    for (int n = 0; chars < 1_000_000; n++) {
      String text = sample(format, "grep -rn \"TODO\" src/ | head -" + n + " && echo '<done>'", n);
      List<String> pieces = new ArrayList<>();
      for (int i = 0; i < text.length(); ) {
        int len = Math.min(text.length() - i, 1 + rnd.nextInt(8));
        pieces.add(text.substring(i, i + len));
        i += len;
      }
      responses.add(pieces.toArray(new String[0]));
      chars += text.length();
    }
    ParserOptions o = new ParserOptions(TOOLS, false, "split", i -> "call" + i);
    CountingSink sink = new CountingSink();
    // CPU time of this thread, not wall time: "MB/s on one core" even when other processes share the machine
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    // warm-up (about a second of CPU, less for tiny runs) so the JIT has compiled the hot path before timing
    long warmUntil = mx.getCurrentThreadCpuTime() + Math.min(1_000_000_000L, megabytes * 100_000_000L);
    do {
      feedAll(format, responses, o, sink, 1);
    } while (mx.getCurrentThreadCpuTime() < warmUntil);
    sink.calls = 0;
    int rounds = Math.max(1, (int) Math.round(megabytes * 1_000_000.0 / chars));
    long t0 = mx.getCurrentThreadCpuTime();
    feedAll(format, responses, o, sink, rounds);
    double secs = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
    return new Result(format, chars * (double) rounds / 1e6 / secs, sink.calls);
  }

  private static void feedAll(String format, List<String[]> responses, ParserOptions o, CountingSink sink,
                              int rounds) {
    for (int r = 0; r < rounds; r++) {
      for (String[] pieces : responses) {
        StreamingToolParser p = ToolParsers.create(format, o);
        for (String s : pieces) p.feed(s, sink);
        p.finish(sink);
      }
    }
  }

  static void print(List<String> formats, int megabytes, PrintStream out) {
    for (String f : formats) {
      if (f.equals("none")) continue;
      Result r = run(f, megabytes);
      out.printf("%-16s %8.1f MB/s  (%d tool calls)%n", f, r.mbPerSecond(), r.calls());
    }
  }

  private static final class CountingSink implements ParserSink {
    long chars;
    long calls;

    @Override
    public void content(String text) {
      chars += text.length();
    }

    @Override
    public void reasoning(String text) {
      chars += text.length();
    }

    @Override
    public void toolCall(int index, String id, String name, String argumentsJson) {
      calls++;
    }
  }
}
