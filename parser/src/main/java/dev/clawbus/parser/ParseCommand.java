package dev.clawbus.parser;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code clawbus parse}: the parsers from the command line, for tests, corpora and benchmarks. */
public final class ParseCommand {
  private ParseCommand() {}

  static final String HELP = """
      usage: clawbus parse --format NAME [--tools FILE] [--stream] [--reasoning split|pass|drop]
             clawbus parse --jsonl
             clawbus parse --bench [--format NAME] [--mb N]
        --format NAME  tool-call parser (vLLM --tool-call-parser names, auto, none)
        --tools FILE   the request's tools (OpenAI "tools" array) for name checks and typed arguments
        --stream       stdin is a JSON array of text pieces fed one at a time
        --jsonl        stdin lines {"id","format","model_output","tools"?,"stream_deltas"?}; one result line each
        --bench        streaming throughput (MB/s) per family, 1-8 char pieces
      output: {"content": str|null, "tool_calls": [{"name", "arguments": {...}}], "reasoning_content": str|null}
      formats: %s
      """;

  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    String format = null;
    String toolsFile = null;
    String reasoning = "split";
    boolean stream = false;
    boolean jsonl = false;
    boolean bench = false;
    int mb = 50;
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--format" -> format = value(args, ++i, a);
          case "--tools" -> toolsFile = value(args, ++i, a);
          case "--reasoning" -> reasoning = value(args, ++i, a);
          case "--mb" -> mb = Integer.parseInt(value(args, ++i, a));
          case "--stream" -> stream = true;
          case "--jsonl" -> jsonl = true;
          case "--bench" -> bench = true;
          case "--help", "-h" -> {
            out.print(HELP.formatted(String.join(", ", ToolParsers.formats())));
            return 0;
          }
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      }
      if (format != null && !ToolParsers.formats().contains(format)) {
        throw new IllegalArgumentException("unknown format '" + format + "'; known: " + ToolParsers.formats());
      }
      if (bench) {
        ParserBench.print(format == null ? new ArrayList<>(ToolParsers.formats()) : List.of(format), mb, out);
        return 0;
      }
      if (jsonl) return jsonl(in, out);
      if (format == null) throw new IllegalArgumentException("--format is required (see --help)");
      JsonArray tools = toolsFile == null ? null : readTools(Path.of(toolsFile));
      ParserOptions o = ParserOptions.of(ToolSpec.fromRequestTools(tools)).withReasoning(reasoning);
      String input = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      ParseResult r;
      if (stream) {
        List<String> pieces = new ArrayList<>();
        for (Object p : new JsonArray(input)) pieces.add(String.valueOf(p));
        r = ParseResult.parseStream(format, pieces, o);
      } else {
        r = ParseResult.parse(format, input, o);
      }
      out.println(r.toJson().encode());
      return 0;
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      err.println("clawbus parse: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("clawbus parse: " + e.getMessage());
      return 1;
    }
  }

  /** A tools file holds the OpenAI "tools" array, or a request object that has one. */
  private static JsonArray readTools(Path file) throws IOException {
    String text = Files.readString(file).strip();
    if (text.startsWith("{")) return new JsonObject(text).getJsonArray("tools");
    return new JsonArray(text);
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) throw new IllegalArgumentException(flag + " needs a value");
    return args.get(i);
  }

  /** One result line per input line; a bad line gets an "error" field instead of stopping the run. */
  private static int jsonl(InputStream in, PrintStream out) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    StringBuilder line = new StringBuilder(256);
    String s;
    while ((s = r.readLine()) != null) {
      if (s.isBlank()) continue;
      JsonObject res;
      Object id = null;
      try {
        JsonObject req = new JsonObject(s);
        id = req.getValue("id");
        res = ParseRequests.run(req).toJson();
      } catch (RuntimeException e) {
        res = new JsonObject().put("content", null).put("tool_calls", new JsonArray()).put("reasoning_content", null)
            .put("error", String.valueOf(e.getMessage()));
      }
      JsonObject outLine = new JsonObject().put("id", id);
      outLine.mergeIn(res);
      line.setLength(0);
      line.append(outLine.encode()).append('\n');
      out.append(line);
    }
    out.flush();
    return 0;
  }
}
