package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParseCommandTest {
  private record Run(int code, String out, String err) {}

  private static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ParseCommand.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void singleParseWithToolsFile(@TempDir Path dir) throws Exception {
    Path tools = dir.resolve("tools.json");
    Files.writeString(tools, new JsonArray().add(new JsonObject().put("type", "function").put("function",
        new JsonObject().put("name", "exec").put("parameters", new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("n", new JsonObject().put("type", "integer")))))).encode());
    Run r = run("Ok.\n<tool_call>\n<function=exec>\n<parameter=n>\n5\n</parameter>\n</function>\n</tool_call>",
        "--format", "qwen3_coder", "--tools", tools.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject o = new JsonObject(r.out().strip());
    assertEquals("Ok.\n", o.getString("content"));
    assertEquals(new JsonArray().add(new JsonObject().put("name", "exec").put("arguments", new JsonObject().put("n", 5))),
        o.getJsonArray("tool_calls"));
    assertTrue(o.containsKey("reasoning_content"));
    assertNull(o.getValue("reasoning_content"));
  }

  @Test
  void streamModeFeedsPieces() {
    String pieces = new JsonArray().add("<tool").add("_call>{\"name\": \"a\", \"argu").add("ments\": {}}</tool_call>")
        .encode();
    Run r = run(pieces, "--format", "hermes", "--stream");
    assertEquals(0, r.code(), r.err());
    JsonObject o = new JsonObject(r.out().strip());
    assertNull(o.getValue("content"));
    assertEquals("a", o.getJsonArray("tool_calls").getJsonObject(0).getString("name"));
  }

  @Test
  void jsonlRoundTripKeepsIdsOrderAndReportsBadLines() {
    StringBuilder in = new StringBuilder();
    List<ParserCases.Case> cases = ParserCases.load("hermes");
    for (ParserCases.Case c : cases) {
      in.append(new JsonObject().put("id", c.name()).put("format", c.format()).put("model_output", c.text())
          .put("tools", c.tools()).encode()).append('\n');
    }
    ParserCases.Case first = cases.get(0);
    JsonArray deltas = new JsonArray();
    for (char ch : first.text().toCharArray()) deltas.add(String.valueOf(ch));
    in.append(new JsonObject().put("id", 7).put("format", "hermes").put("model_output", first.text())
        .put("stream_deltas", deltas).put("tools", first.tools()).encode()).append('\n');
    in.append(new JsonObject().put("id", "bad").put("format", "klingon").put("model_output", "x").encode()).append('\n');
    in.append("not json\n");
    Run r = run(in.toString(), "--jsonl");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals(cases.size() + 3, lines.length);
    for (int i = 0; i < cases.size(); i++) {
      JsonObject got = new JsonObject(lines[i]);
      JsonObject want = cases.get(i).expect();
      assertEquals(cases.get(i).name(), got.getString("id"));
      assertEquals(want.getValue("content"), got.getValue("content"), cases.get(i).name());
      assertEquals(want.getJsonArray("tool_calls"), got.getJsonArray("tool_calls"), cases.get(i).name());
      assertTrue(!got.containsKey("error"));
    }
    JsonObject streamed = new JsonObject(lines[cases.size()]);
    assertEquals(7, streamed.getInteger("id"));
    assertEquals(first.expect().getJsonArray("tool_calls"), streamed.getJsonArray("tool_calls"));
    JsonObject bad = new JsonObject(lines[cases.size() + 1]);
    assertEquals("bad", bad.getString("id"));
    assertTrue(bad.getString("error").contains("klingon"));
    assertEquals(new JsonArray(), bad.getJsonArray("tool_calls"));
    assertTrue(new JsonObject(lines[cases.size() + 2]).containsKey("error"));
  }

  /**
   * Every name vLLM's {@code --tool-call-parser} accepts (its tool-parser registry, vllm/tool_parsers/__init__.py),
   * so that an operator can copy the setting.
   */
  static final List<String> VLLM_NAMES = List.of("deepseek_v3", "deepseek_v31", "deepseek_v32", "deepseek_v4",
      "ernie45", "glm45", "glm47", "granite-20b-fc", "granite", "granite4", "hermes", "hunyuan_a13b", "hy_v3",
      "internlm", "jamba", "lfm2", "kimi_k2", "llama3_json", "llama4_json", "llama4_pythonic", "longcat", "mimo",
      "minimax_m2", "minimax", "mistral", "olmo3", "openai", "phi4_mini_json", "pythonic", "qwen3_coder",
      "qwen3_xml", "seed_oss", "step3", "step3p5", "xlam", "gigachat3", "functiongemma", "gemma4", "apertus",
      "poolside_v1", "kimi_k3", "solar_open2", "minicpm5", "inkling", "minimax_m3", "cohere_command3",
      "cohere_command4");

  @Test
  void everyVllmParserNameIsAcceptedListedAndParses() {
    Run help = run("", "--help");
    StringBuilder in = new StringBuilder();
    for (String name : VLLM_NAMES) {
      assertTrue(ToolParsers.formats().contains(name), name + " accepted");
      assertTrue(help.out().contains(name + ",") || help.out().contains(name + "\n"), name + " in --help");
      in.append(new JsonObject().put("id", name).put("format", name).put("model_output", "Hello.").encode())
          .append('\n');
    }
    in.append(new JsonObject().put("id", "x").put("format", "qwen3-coder").put("model_output", "Hi").encode())
        .append('\n');
    String[] lines = run(in.toString(), "--jsonl").out().split("\n");
    for (int i = 0; i < VLLM_NAMES.size(); i++) {
      JsonObject o = new JsonObject(lines[i]);
      assertEquals(VLLM_NAMES.get(i), o.getString("id"));
      // Command 4's prompt opens the thinking: text before any section tag is reasoning
      String field = VLLM_NAMES.get(i).equals("cohere_command4") ? "reasoning_content" : "content";
      assertEquals("Hello.", o.getString(field), VLLM_NAMES.get(i));
      assertTrue(!o.containsKey("error"), lines[i]);
    }
    JsonObject unknown = new JsonObject(lines[VLLM_NAMES.size()]);
    assertEquals("unknown tool-call format 'qwen3-coder'; known: " + ToolParsers.formats(), unknown.getString("error"));
  }

  @Test
  void jsonlRunsEveryFamilysCorpus() {
    StringBuilder in = new StringBuilder();
    List<ParserCases.Case> cases = ParserCases.loadAll();
    for (ParserCases.Case c : cases) {
      in.append(new JsonObject().put("id", c.toString()).put("format", c.format()).put("model_output", c.text())
          .put("tools", c.tools()).encode()).append('\n');
    }
    String[] lines = run(in.toString(), "--jsonl").out().split("\n");
    assertEquals(cases.size(), lines.length);
    for (int i = 0; i < cases.size(); i++) {
      JsonObject got = new JsonObject(lines[i]);
      JsonObject want = cases.get(i).expect();
      assertEquals(want.getValue("content"), got.getValue("content"), cases.get(i).toString());
      assertEquals(want.getJsonArray("tool_calls"), got.getJsonArray("tool_calls"), cases.get(i).toString());
      assertEquals(want.getValue("reasoning_content"), got.getValue("reasoning_content"), cases.get(i).toString());
    }
  }

  @Test
  void jsonlHandlesThousandsOfCasesQuickly() {
    StringBuilder in = new StringBuilder();
    String line = new JsonObject().put("id", 1).put("format", "qwen3_coder").put("model_output",
        "Let me run it.\n<tool_call>\n<function=exec>\n<parameter=command>\nls -la\n</parameter>\n</function>\n"
            + "</tool_call>").encode();
    int n = 20_000;
    for (int i = 0; i < n; i++) in.append(line).append('\n');
    run(in.toString(), "--jsonl"); // warm-up
    long t0 = System.nanoTime();
    Run r = run(in.toString(), "--jsonl");
    double secs = (System.nanoTime() - t0) / 1e9;
    assertEquals(n, r.out().split("\n").length);
    assertTrue(n / secs > 2_000, "cases per second: " + n / secs);
  }

  @Test
  void usageErrors() {
    assertEquals(2, run("", "--format", "nope").code());
    assertEquals(2, run("").code());
    assertEquals(2, run("", "--frobnicate").code());
    Run help = run("", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--jsonl") && help.out().contains("qwen3_coder"));
  }

  @Test
  void benchPrintsThroughput() {
    Run r = run("", "--bench", "--format", "hermes", "--mb", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("(?s)hermes\\s+\\d+\\.\\d MB/s.*"), r.out());
  }
}
