package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules as built, and a family's token matcher (built here, not the shared ones the parsers use). */
class FamilyMatchTest {
  private static final BlockDecoder D = (b, c, o) -> null;

  @Test
  void ruleBuilders() {
    Rule m = Rule.marker("<a>", D, "</a>", "<end>");
    assertEquals("<a>", m.start());
    assertFalse(m.markerInBody());
    assertEquals(Rule.End.MARKER, m.end());
    assertArrayEquals(new String[] {"</a>", "<end>"}, m.endMarkers());
    assertSame(D, m.decoder());
    assertFalse(m.startOnly());
    assertTrue(m.lenientEof(), "a stop token may replace the closing tag");
    assertFalse(m.afterCallOnly());
    Rule j = Rule.jsonMarker("<a>", D, "</a>");
    assertEquals(Rule.End.JSON_MARKER, j.end());
    assertTrue(j.lenientEof());
    assertTrue(Rule.json("{", D).markerInBody());
    assertTrue(Rule.json("[", D).markerInBody());
    assertFalse(Rule.json("<x>", D).markerInBody());
    assertFalse(Rule.json("<x>", D).lenientEof());
    assertEquals(0, Rule.json("<x>", D).endMarkers().length);
    Rule optional = Rule.json("<x>", D, "</x>");
    assertFalse(optional.markerInBody());
    assertArrayEquals(new String[] {"</x>"}, optional.endMarkers());
    Rule lines = Rule.pythonLines(D);
    assertEquals(Rule.End.PY_LINES, lines.end());
    assertTrue(lines.startOnly() && lines.markerInBody());
    Rule derived = m.onlyAtStart().withEnd(Rule.End.JSON_SEQ).strictEof();
    assertTrue(derived.startOnly());
    assertEquals(Rule.End.JSON_SEQ, derived.end());
    assertFalse(derived.lenientEof());
    assertEquals("<a>", derived.start());
    assertArrayEquals(m.endMarkers(), derived.endMarkers());
  }

  private static Family family(String mode) {
    return new Family("t", List.of(Rule.marker("<tool>", D, "</tool>"), Rule.marker("<tool_call>", D, "</tool_call>"),
        Rule.marker("[", D, "]").onlyAtStart(), Rule.marker("<t>", D, "</t>"), Rule.marker("<t>x", D, "</t>"), new Rule("{", false, Rule.End.MARKER, new String[] {"}"}, D, false,
            false, true), Rule.marker("｜x", D, "｜y")),
        List.<String[]>of(new String[] {"<think>", "</think>"}), List.of("<drop>"), List.of("<stop>"),
        Family.Style.RAW, mode);
  }

  @Test
  void matchingTokens() {
    Family f = family("split");
    assertEquals("t", f.name);
    assertTrue(f.hasStartOnlyRules());
    assertTrue(f.isFirst('<') && f.isFirst('[') && f.isFirst('{') && f.isFirst('｜'));
    assertFalse(f.isFirst('a') || f.isFirst('｛'));
    assertEquals("<tool_call>", token(f, "<tool_call>x", 0, true, false, false), "the longest full match wins");
    assertEquals("<tool>", token(f, "a <tool>x", 2, true, false, false));
    assertEquals(Family.PARTIAL, f.match("<tool", 0, true, false, false), "maybe a token: wait");
    assertEquals(Family.PARTIAL, f.match("<t>", 0, true, false, false), "<t>x is still possible");
    assertEquals("<t>", token(f, "<t>y", 0, true, false, false));
    assertEquals("<t>x", token(f, "<t>x", 0, true, false, false));
    assertEquals("<tool>", token(f, "<tool>", 0, true, false, true), "at the end it is what it is");
    assertEquals(Family.NONE, f.match("<tool", 0, true, false, true));
    assertEquals(Family.NONE, f.match("<b>", 0, true, false, false));
    assertEquals(Family.NONE, f.match("a", 0, true, false, false));
    assertEquals("[", token(f, "[", 0, true, false, false));
    assertEquals(Family.NONE, f.match("[", 0, false, false, false), "start-only rule after something was said");
    assertEquals("{", token(f, "{", 0, true, true, false));
    assertEquals(Family.NONE, f.match("{", 0, true, false, false), "a rule for right after a call");
    assertEquals("｜x", token(f, "｜x", 0, true, false, false), "a wide first char");
    assertEquals(Family.NONE, f.match("｜z", 0, true, false, false));
    assertEquals(Family.PARTIAL, f.match("｜", 0, true, false, false));
  }

  @Test
  void tokenKinds() {
    Family f = family("split");
    assertEquals(Family.Kind.REASON, kind(f, "<think>"));
    assertEquals("</think>", f.tokens[f.match("<think>", 0, true, false, true)].reasoningEnd());
    assertEquals(Family.Kind.DROP, kind(f, "</think>"), "a closing tag without its opening one is dropped");
    assertEquals(Family.Kind.DROP, kind(f, "<drop>"));
    assertEquals(Family.Kind.STOP, kind(f, "<stop>"));
    assertEquals(Family.Kind.RULE, kind(f, "<tool>"));
    assertTrue(f.tokens[f.match("<drop>", 0, true, false, true)].drop());
    assertFalse(f.tokens[f.match("<tool>", 0, true, false, true)].drop());
    Family pass = family("pass");
    assertEquals(Family.NONE, pass.match("<think>", 0, true, false, true), "reasoning tags are text when passed");
    assertNull(family("split").lineRule);
    Family olmo = new Family("o", List.of(Rule.pythonLines(D)), List.of(), List.of(), List.of(), Family.Style.RAW,
        "split");
    assertSame(D, olmo.lineRule.decoder());
    assertTrue(olmo.hasStartOnlyRules());
    assertEquals(0, olmo.tokens.length);
    Family plain = new Family("p", List.of(Rule.marker("<a>", D, "</a>")), List.of(), List.of(), List.of(),
        Family.Style.STRIP, "split");
    assertFalse(plain.hasStartOnlyRules());
    assertTrue(plain.style.stripBefore());
  }

  private static String token(Family f, String s, int at, boolean startOk, boolean afterCall, boolean eof) {
    int k = f.match(s, at, startOk, afterCall, eof);
    return k >= 0 ? f.tokens[k].text() : "none:" + k;
  }

  private static Family.Kind kind(Family f, String t) {
    return f.tokens[f.match(t, 0, true, false, true)].kind();
  }

  @Test
  void everyFamilyIsBuiltOncePerReasoningMode() {
    assertSame(Families.get("hermes", "split"), Families.get("hermes", "drop"), "drop differs only in where");
    assertFalse(Families.get("hermes", "split") == Families.get("hermes", "pass"));
    assertTrue(Families.names().contains("gemma4"));
    assertFalse(Families.has("nope"));
  }
}
