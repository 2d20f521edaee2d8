package dev.clawbus.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Directive parsing, the tokenizer's exact cuts and the deterministic answer, without a server. */
class SimDirectivesTest {
  @Test
  void parsesScalarsAndIgnoresOtherText() {
    SimDirectives d = SimDirectives.parse("please [[sim words=200 seed=-7 tps=3000 ttft_ms=50]] thanks");
    assertEquals(200, d.words());
    assertEquals(-7L, d.seed());
    assertEquals(3000, d.tokensPerSecond());
    assertEquals(50, d.ttftMs());
    assertNull(d.text());
    assertEquals(SimDirectives.NONE, SimDirectives.parse("no directive here [[simulate]] [[ sim words=3]]"));
  }

  @Test
  void jsonValuesMayContainSpacesBracketsAndQuotes() {
    SimDirectives d = SimDirectives.parse(
        "[[sim tool=exec args={\"command\":\"echo \\\"]] }\\\" && ls\",\"env\":{\"A\":\"1\"}} mode=xml id=abc]]"
            + "[[sim tool=read]] [[sim text=\"line1\\nline2 ]] done\"]]");
    assertEquals(2, d.tools().size());
    SimDirectives.ToolSpec exec = d.tools().get(0);
    assertEquals("exec", exec.name());
    assertEquals("echo \"]] }\" && ls", exec.args().getString("command"));
    assertEquals(new JsonObject().put("A", "1"), exec.args().getJsonObject("env"));
    assertTrue(exec.xml());
    assertEquals("abc", exec.id());
    assertEquals(new JsonObject(), d.tools().get(1).args());
    assertTrue(d.tools().get(1).xml(), "mode from an earlier block is the default");
    assertEquals("line1\nline2 ]] done", d.text());
  }

  @Test
  void mistakesAreReported() {
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim words=many]]"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim words=5"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim colour=red]]"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim args={\"a\":1}]]"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim tool=x args={\"a\":1]]"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim mode=yaml]]"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim text_b64=@@]]"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim tps=0]]"));
  }

  @Test
  void readsTheLastUserMessageIncludingContentParts() {
    JsonArray messages = new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "[[sim words=1]]"))
        .add(new JsonObject().put("role", "assistant").put("content", "[[sim words=2]]"))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "[[sim words=3]]"))))
        .add(new JsonObject().put("role", "assistant").put("content", "partial"));
    assertEquals(3, SimDirectives.of(messages).words());
  }

  @Test
  void toolResultsSpendToolAndTextDirectives() {
    JsonArray messages = new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "[[sim tool=exec args={} text=hi words=4]]"));
    assertEquals(1, SimDirectives.of(messages).tools().size());
    messages.add(new JsonObject().put("role", "assistant").put("content", null).put("tool_calls", new JsonArray()))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "x").put("content", "ok"));
    SimDirectives after = SimDirectives.of(messages);
    assertTrue(after.tools().isEmpty());
    assertNull(after.text());
    assertEquals(4, after.words());
  }

  @Test
  void toolsOfLaterTurnsAndTheAnswerAfterToolResultsScriptAnAgentLoop() {
    JsonArray messages = new JsonArray().add(new JsonObject().put("role", "user").put("content",
        "go [[sim tool=exec args={\"command\":\"ls\"} mode=xml]] [[sim tool=exec args={\"command\":\"pwd\"} "
            + "turn=2]] [[sim text=first after_tool=\"saw: {result}\"]]"));
    SimDirectives one = SimDirectives.of(messages);
    assertEquals(1, one.tools().size());
    assertEquals("ls", one.tools().get(0).args().getString("command"));
    assertEquals("first", one.text());
    messages.add(new JsonObject().put("role", "assistant").put("content", "").put("tool_calls", new JsonArray()))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "a").put("content", "file-a"));
    SimDirectives two = SimDirectives.of(messages);
    assertEquals(1, two.tools().size(), "the turn=2 tool, and only it");
    assertEquals("pwd", two.tools().get(0).args().getString("command"));
    assertTrue(two.tools().get(0).xml(), "mode from an earlier block is the default");
    assertNull(two.text(), "a round with a tool call of its own does not answer after_tool");
    messages.add(new JsonObject().put("role", "assistant").put("content", "").put("tool_calls", new JsonArray()))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "b").put("content", "first line"))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "c").put("content", "/srv/work"));
    SimDirectives three = SimDirectives.of(messages);
    assertTrue(three.tools().isEmpty());
    assertEquals("saw: /srv/work", three.text(), "quotes the last tool message; a run of tool messages is one round");
    assertNull(three.words());
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim turn=2]]"));
    assertThrows(SimDirectives.DirectiveException.class, () -> SimDirectives.parse("[[sim tool=x turn=0]]"));
  }

  @Test
  void tokenizerCutsExactly() {
    String s = "Hello,  world!\n\n  déjà-vu 😀 x1_y2\t\tend";
    assertEquals(s, String.join("", SimTokenizer.pieces(s)));
    assertEquals(SimTokenizer.pieces(s).size(), SimTokenizer.count(s));
    assertEquals(SimTokenizer.count(s), SimTokenizer.ids(s).size());
    assertEquals(java.util.List.of("Hello", ",", " ", " world", "!", "\n\n", " ", " déjà", "-", "vu", " ", "😀",
        " x1", "_", "y2", "\t\t", "end"), SimTokenizer.pieces(s));
  }

  @Test
  void deterministicTextIsOneTokenPerWord() {
    String[] tokens = DeterministicText.tokens(42, 100);
    String text = String.join("", tokens);
    assertEquals(text, VllmSimulator.answerText(42, 100));
    assertEquals(100, text.split(" ").length);
    assertTrue(Character.isUpperCase(text.charAt(0)));
    assertTrue(text.endsWith("."));
    assertFalse(text.contains("  "));
    assertTrue(text.chars().filter(c -> c == '.').count() >= 100 / 15, "has sentences");
    assertFalse(text.equals(VllmSimulator.answerText(43, 100)));
    assertTrue(VllmSimulator.answerText(42, 100).startsWith(VllmSimulator.answerText(42, 10).replaceAll("\\.$", "")));
  }

  @Test
  void seedIgnoresTrailingAssistantAndContentShape() {
    JsonArray asString = new JsonArray()
        .add(new JsonObject().put("role", "developer").put("content", "rules"))
        .add(new JsonObject().put("role", "user").put("content", "question"));
    JsonArray asParts = new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "rules"))
        .add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "question"))));
    assertEquals(VllmSimulator.seedFor(asString), VllmSimulator.seedFor(asParts));
    assertEquals(VllmSimulator.seedFor(asString), VllmSimulator.seedFor(asString.copy()
        .add(new JsonObject().put("role", "assistant").put("content", "partial"))));
    assertEquals(99L, VllmSimulator.seedFor(new JsonArray()
        .add(new JsonObject().put("role", "user").put("content", "[[sim seed=99]]"))));
  }
}
