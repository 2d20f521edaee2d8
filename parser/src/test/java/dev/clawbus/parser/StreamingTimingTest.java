package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When things are emitted while streaming, not only what: content as soon as it cannot be part of a call,
 * reasoning as it comes, a call the moment its block closes. Each feed's output is recorded separately.
 */
class StreamingTimingTest {
  /** Records events; {@link #take()} returns and clears what the last feeds emitted. */
  static final class Rec implements ParserSink {
    final List<String> events = new ArrayList<>();
    final List<Object> raw = new ArrayList<>();

    @Override
    public void content(String text) {
      events.add("c:" + text);
      raw.add(text);
    }

    @Override
    public void reasoning(String text) {
      events.add("r:" + text);
    }

    @Override
    public void toolCall(int index, String id, String name, String argumentsJson) {
      events.add("t" + index + ":" + name + argumentsJson);
    }

    List<String> take() {
      List<String> out = List.copyOf(events);
      events.clear();
      return out;
    }

    /** As {@link #take()}, with consecutive content pieces joined (how text is cut into pieces is not the point). */
    List<String> takeJoined() {
      List<String> out = new ArrayList<>();
      for (String e : take()) {
        int last = out.size() - 1;
        if (e.startsWith("c:") && last >= 0 && out.get(last).startsWith("c:")) out.set(last, out.get(last) + e.substring(2));
        else out.add(e);
      }
      return out;
    }
  }

  private static StreamingToolParser parser(String format, String reasoning) {
    return ToolParsers.create(format, new ParserOptions(List.of(), false, reasoning, i -> "id" + i));
  }

  @Test
  void plainTextIsPassedOnAsTheSameString() {
    Rec r = new Rec();
    StreamingToolParser p = parser("hermes", "split");
    String piece = "Hello world";
    p.feed(piece, r);
    assertSame(piece, r.raw.get(0));
    p.feed("Hi <tool", r);
    assertEquals(List.of("c:Hello world", "c:Hi"), r.take(), "text before a possible marker goes out at once (blanks wait)");
    p.feed("_call>{\"name\": \"a\", \"arguments\": {}}</tool_ca", r);
    assertEquals(List.of(), r.take());
    p.feed("ll>", r);
    assertEquals(List.of("c: ", "t0:a{}"), r.take(), "the held blank belongs to the text before the call");
    p.finish(r);
    assertEquals(List.of(), r.take());
  }

  @Test
  void trailingBlanksWaitForWhatFollows() {
    Rec r = new Rec();
    StreamingToolParser p = parser("hermes", "split");
    p.feed("Done.  ", r);
    assertEquals(List.of("c:Done."), r.take());
    p.feed(" More", r);
    assertEquals(List.of("c:   More"), r.take());
    p.feed("\n", r);
    p.finish(r);
    assertEquals(List.of("c:\n"), r.take(), "no call: the blanks are content");
  }

  @Test
  void reasoningIsEmittedAsItComesAndAClosingTagCutInTwoIsHeld() {
    Rec r = new Rec();
    StreamingToolParser p = parser("qwen3_coder", "split");
    p.feed("<think>ab", r);
    assertEquals(List.of("r:ab"), r.take());
    p.feed("c</th", r);
    assertEquals(List.of("r:c"), r.take());
    p.feed("ink>Z", r);
    assertEquals(List.of("c:Z"), r.take());
  }

  @Test
  void unfinishedReasoningAtTheEnd() {
    Rec r = new Rec();
    StreamingToolParser p = parser("hermes", "split");
    p.feed("<think>still </thi", r);
    p.finish(r);
    assertEquals(List.of("r:still ", "r:</thi"), r.take());
    Rec d = new Rec();
    StreamingToolParser drop = parser("hermes", "drop");
    drop.feed("<think>still </thi", d);
    drop.finish(d);
    assertEquals(List.of(), d.take());
    Rec pass = new Rec();
    StreamingToolParser passing = parser("hermes", "pass");
    passing.feed("<think>x</think>y", pass);
    passing.finish(pass);
    assertEquals("c:<think>x</think>y", String.join("", pass.take()).replace("c:", "c:").replaceAll("(?<!^)c:", ""));
  }

  @Test
  void aBareBraceIsDecidedByItsNextChar() {
    Rec r = new Rec();
    StreamingToolParser p = parser("llama3_json", "split");
    p.feed("x {", r);
    assertEquals(List.of("c:x"), r.take(), "the brace waits");
    p.feed("y} ", r);
    assertEquals(List.of("c: {", "c:y}"), r.take(), "{y is not a call: released");
    Rec s = new Rec();
    StreamingToolParser q = parser("llama3_json", "split");
    q.feed("{ \"name\": \"a\", \"parameters\": {}}", s);
    assertEquals(List.of(), s.take(), "a sequence may continue");
    q.feed(" ; {\"name\": \"b\", \"parameters\": {}} then", s);
    assertEquals(List.of("t0:a{}", "t1:b{}"), s.take(), "closed by the text after it");
    q.finish(s);
    assertEquals(List.of(), s.take());
  }

  @Test
  void aJsonSequenceEndsWithTheOutput() {
    Rec r = new Rec();
    StreamingToolParser p = parser("llama3_json", "split");
    p.feed("{\"name\": \"a\", \"parameters\": {}};", r);
    assertEquals(List.of(), r.take());
    p.finish(r);
    assertEquals(List.of("t0:a{}"), r.take());
    Rec s = new Rec();
    StreamingToolParser q = parser("llama3_json", "split");
    q.feed("{\"name\": \"a\", \"parameters\": {}} {\"name\": \"b\", \"param", s);
    q.finish(s);
    assertEquals(List.of("t0:a{}", "c:{\"name\": \"b\", \"param"), s.take(), "a cut second call stays content");
  }

  @Test
  void mistralNamesWaitForTheirArgumentsOrTheNextMarker() {
    Rec r = new Rec();
    StreamingToolParser p = parser("mistral", "split");
    p.feed("[TOOL_CALLS]list_files[TOOL_", r);
    assertEquals(List.of(), r.take());
    p.feed("CALLS]get{\"a\": 1}", r);
    assertEquals(List.of("t0:list_files{}", "t1:get{\"a\":1}"), r.take());
    Rec s = new Rec();
    StreamingToolParser q = parser("mistral", "split");
    q.feed("[TOOL_CALLS]" + "n".repeat(300), s);
    assertEquals(List.of("c:[TOOL_CALLS]" + "n".repeat(300)), s.takeJoined(), "no name is that long: content at once");
    Rec t = new Rec();
    StreamingToolParser u = parser("mistral", "split");
    u.feed("[TOOL_CALLS]list_files\nAnd more", t);
    assertEquals(List.of("t0:list_files{}"), t.take(), "a name alone on its line");
    Rec v = new Rec();
    StreamingToolParser w = parser("mistral", "split");
    w.feed("[TOOL_CALLS]two words\nx", v);
    assertEquals(List.of("c:[TOOL_CALLS]two words\nx"), v.takeJoined());
    Rec x = new Rec();
    StreamingToolParser y = parser("mistral", "split");
    y.feed("[TOOL_CALLS]bad name[TOOL_CALLS]", x);
    y.finish(x);
    assertEquals("[TOOL_CALLS]bad name[TOOL_CALLS]", String.join("", x.take()).replace("c:", ""));
  }

  @Test
  void olmoBareLinesAtTheStart() {
    Rec r = new Rec();
    StreamingToolParser p = parser("olmo3", "split");
    p.feed("get_wea", r);
    assertEquals(List.of(), r.take(), "maybe a call: held");
    p.feed("ther(city=\"Paris\")\nlist_files()", r);
    assertEquals(List.of(), r.take(), "another call may follow");
    p.feed("\nThat is all.", r);
    assertEquals(List.of("t0:get_weather{\"city\":\"Paris\"}", "t1:list_files{}"), r.take());
    Rec s = new Rec();
    StreamingToolParser q = parser("olmo3", "split");
    q.feed("x".repeat(300), s);
    assertEquals(List.of("c:" + "x".repeat(300)), s.takeJoined(), "no name is that long");
    Rec t = new Rec();
    StreamingToolParser u = parser("olmo3", "split");
    u.feed("Hello there", t);
    assertEquals(List.of("c:Hello there"), t.take());
    u.feed(" f(x=1)", t);
    assertEquals(List.of("c: f(x=1)"), t.take(), "not at the start: text");
    Rec v = new Rec();
    StreamingToolParser w = parser("olmo3", "split");
    w.feed("f(x=1) g", v);
    w.finish(v);
    assertEquals(List.of("t0:f{\"x\":1}"), v.take(), "what follows the calls is not a call: dropped");
    Rec a = new Rec();
    StreamingToolParser b = parser("olmo3", "split");
    b.feed("f(x=1", a);
    b.finish(a);
    assertEquals(List.of("c:f(x=1"), a.take());
    Rec c = new Rec();
    StreamingToolParser d = parser("olmo3", "split");
    d.feed("f.g", c);
    d.finish(c);
    assertEquals(List.of("c:f.g"), c.take());
  }

  @Test
  void pythonicListsOnlyAtTheStartAndDecidedByTheirFirstItem() {
    Rec r = new Rec();
    StreamingToolParser p = parser("pythonic", "split");
    p.feed(" [", r);
    assertEquals(List.of(), r.take());
    p.feed("1, 2]", r);
    assertEquals(List.of("c: [", "c:1, 2]"), r.take());
    Rec s = new Rec();
    StreamingToolParser q = parser("pythonic", "split");
    q.feed("[f", r);
    q.feed("oo(a=1)]", s);
    assertEquals(List.of("t0:foo{\"a\":1}"), s.take());
    Rec t = new Rec();
    StreamingToolParser u = parser("pythonic", "split");
    u.feed("[" + "f".repeat(300) + "(", t);
    assertEquals(List.of("c:[" + "f".repeat(300) + "("), t.takeJoined());
    Rec v = new Rec();
    StreamingToolParser w = parser("pythonic", "split");
    w.feed("[a.b-c(x=[1])]", v);
    assertEquals(List.of("t0:a.b-c{\"x\":[1]}"), v.take());
    Rec a = new Rec();
    StreamingToolParser b = parser("pythonic", "split");
    b.feed("[f(x=1)])", a);
    b.finish(a);
    assertEquals(List.of("t0:f{\"x\":1}"), a.take());
  }

  @Test
  void anUnclosedBlockAtTheEnd() {
    Rec r = new Rec();
    StreamingToolParser p = parser("hermes", "split");
    p.feed("<tool_call>{\"name\": \"a\", \"arguments\": {}}", r);
    p.finish(r);
    assertEquals(List.of("t0:a{}"), r.take(), "closed JSON, stop token instead of the tag");
    Rec s = new Rec();
    StreamingToolParser q = parser("granite", "split");
    q.feed("<|tool_call|>[{\"name\": \"a\"", s);
    q.finish(s);
    assertEquals(List.of("c:<|tool_call|>[{\"name\": \"a\""), s.take());
  }

  @Test
  void everyFamilyEmitsACallWithinThePieceThatClosesIt() {
    for (String f : ToolParsers.formats()) {
      if (f.equals("none")) continue;
      Rec r = new Rec();
      StreamingToolParser p = parser(f, "split");
      p.feed(ParserBench.sample(f, "a", 0) + ParserBench.sample(f, "b", 1) + "\nDone.", r);
      assertEquals(2, r.take().stream().filter(e -> e.startsWith("t")).count(), f + ": both calls before the end");
    }
  }

  @Test
  void aNameMayBeLongButNotEndless() {
    String ok = "n".repeat(257);
    String tooLong = "n".repeat(258);
    assertEquals(List.of("t0:" + ok + "{}"), run("olmo3", "  " + ok + "()\nThat is all."));
    assertEquals(List.of("c:  " + tooLong + "()"), joined(run("olmo3", "  " + tooLong + "()")));
    assertEquals(List.of("t0:" + ok + "{}"), run("pythonic", "  [" + ok + "()]"));
    assertEquals(List.of("c:  [" + tooLong + "()]"), joined(run("pythonic", "  [" + tooLong + "()]")));
    assertEquals(List.of("t0:" + ok + "{}"), run("mistral", "[TOOL_CALLS]" + ok + "{}"));
    assertEquals(List.of("c:[TOOL_CALLS]" + tooLong + "{}"), joined(run("mistral", "[TOOL_CALLS]" + tooLong + "{}")));
  }

  /** What one piece emits before the end of output. */
  private static List<String> run(String format, String piece) {
    Rec r = new Rec();
    parser(format, "split").feed(piece, r);
    return r.take();
  }

  private static List<String> joined(List<String> events) {
    Rec r = new Rec();
    r.events.addAll(events);
    return r.takeJoined();
  }
}
