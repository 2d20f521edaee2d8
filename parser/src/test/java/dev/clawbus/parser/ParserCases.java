package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-family corpora in {@code src/test/resources/parser/<format>.jsonl}: one case per line, {@code
 * {"name","format","text","tools"?,"expect":{"content","tool_calls":[{"name","arguments"}],
 * "reasoning_content"}}}, written by hand from each format's public conventions (vLLM's parsers).
 */
final class ParserCases {
  private ParserCases() {}

  record Case(String name, String format, String text, JsonArray tools, JsonObject expect) {
    ParserOptions options() {
      return new ParserOptions(ToolSpec.fromRequestTools(tools), false, "split", i -> "call" + i);
    }

    @Override
    public String toString() {
      return format + "/" + name;
    }
  }

  static List<Case> load(String format) {
    InputStream in = ParserCases.class.getResourceAsStream("/parser/" + format + ".jsonl");
    if (in == null) throw new IllegalStateException("no corpus for " + format);
    List<Case> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) continue;
        JsonObject o = new JsonObject(line);
        out.add(new Case(o.getString("name"), o.getString("format"), o.getString("text"), o.getJsonArray("tools"),
            o.getJsonObject("expect")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<Case> loadAll() {
    List<Case> all = new ArrayList<>();
    for (String f : ToolParsers.formats()) {
      if (ParserCases.class.getResource("/parser/" + f + ".jsonl") != null) all.addAll(load(f));
    }
    return all;
  }

  /** The non-streaming result matches the expectation. */
  static void assertExpected(Case c) {
    ParseResult r = ParseResult.parse(c.format(), c.text(), c.options());
    JsonObject got = r.toJson();
    JsonObject want = c.expect();
    assertEquals(want.getValue("content"), got.getValue("content"), c + ": content");
    assertEquals(want.getValue("reasoning_content"), got.getValue("reasoning_content"), c + ": reasoning");
    assertEquals(want.getJsonArray("tool_calls"), got.getJsonArray("tool_calls"), c + ": tool_calls");
    assertCallsWellFormed(c, r);
  }

  static void assertCallsWellFormed(Case c, ParseResult r) {
    for (int i = 0; i < r.toolCalls().size(); i++) {
      ParseResult.Call call = r.toolCalls().get(i);
      assertEquals(i, call.index(), c + ": call index");
      if (call.id() == null || call.id().isEmpty()) fail(c + ": call without id");
      // canonical compact JSON object
      assertEquals(new JsonObject(call.argumentsJson()).encode(), call.argumentsJson(), c + ": arguments not compact");
    }
  }

  /** Streaming in 1-char pieces and in random pieces gives exactly the non-streaming result. */
  static void assertStreamingEquivalent(Case c, long seed) {
    String whole = ParseResult.parse(c.format(), c.text(), c.options()).toJson().encode();
    List<String> ones = new ArrayList<>();
    c.text().codePoints().forEach(cp -> ones.add(new String(Character.toChars(cp))));
    assertEquals(whole, ParseResult.parseStream(c.format(), ones, c.options()).toJson().encode(), c + ": 1-char pieces");
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int round = 0; round < 5; round++) {
      List<String> pieces = new ArrayList<>();
      String t = c.text();
      for (int i = 0; i < t.length(); ) {
        int len = Math.min(t.length() - i, 1 + rnd.nextInt(round % 2 == 0 ? 4 : 17));
        pieces.add(t.substring(i, i + len));
        i += len;
      }
      assertEquals(whole, ParseResult.parseStream(c.format(), pieces, c.options()).toJson().encode(),
          c + ": random pieces " + pieces);
    }
  }
}
