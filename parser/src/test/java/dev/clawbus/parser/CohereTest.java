package dev.clawbus.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Cohere corpora cannot show: ids, the reasoning modes, and the order and identity of what streams. */
class CohereTest {
  private static final String ACTION = "<|START_ACTION|>[{\"tool_call_id\": \"0\", \"tool_name\": \"get_weather\", "
      + "\"parameters\": {\"city\": \"Paris\"}}]<|END_ACTION|>";

  private static ParseResult parse(String format, String text, String reasoning) {
    return ParseResult.parse(format, text, new ParserOptions(List.of(), false, reasoning, i -> "call_x" + i));
  }

  @Test
  void theModelsToolCallIdIsNotTheCallsId() {
    // the chat template renumbers ids from the conversation; a repeated "0" would point a later tool result at
    // the first turn's call
    ParseResult r = parse("cohere_command3", ACTION, "split");
    assertEquals(1, r.toolCalls().size());
    assertEquals("call_x0", r.toolCalls().get(0).id());
  }

  @Test
  void passingReasoningLeavesCommand4sThinkingInTheContent() {
    String text = "Plan.<|END_THINKING|><|START_TEXT|>Hi <co>there</co: 0:[0]><|END_TEXT|>";
    ParseResult pass = parse("cohere_command4", text, "pass");
    assertEquals("Plan.<|END_THINKING|>Hi there", pass.content());
    assertNull(pass.reasoningContent());
    ParseResult drop = parse("cohere_command4", text, "drop");
    assertEquals("Hi there", drop.content());
    assertNull(drop.reasoningContent());
  }

  private static final class Recorder implements ParserSink {
    final List<Object> events = new ArrayList<>();

    @Override
    public void content(String text) {
      events.add("content:" + text);
    }

    @Override
    public void reasoning(String text) {
      events.add("reasoning:" + text);
    }

    @Override
    public void toolCall(int index, String id, String name, String argumentsJson) {
      events.add("call:" + name);
    }
  }

  @Test
  void aHeldCitationPrefixIsReleasedBeforeACall() {
    // text on either side of a call was not adjacent in the output: "<c" before it is text, and comes before it
    Recorder r = new Recorder();
    StreamingToolParser p = ToolParsers.create("cohere_command3", ParserOptions.of(List.of()));
    p.feed("See <c", r);
    assertEquals(List.of("content:See", "content: "), r.events);
    p.feed(ACTION, r);
    p.finish(r);
    assertEquals(List.of("content:See", "content: ", "content:<c", "call:get_weather"), r.events);
  }

  @Test
  void vllmsOwnCallsAlsoComeAfterTheTextBeforeThem() {
    Recorder r = new Recorder();
    StreamingToolParser p = ToolParsers.create("cohere_command3", ParserOptions.of(List.of()));
    p.feed("See <c", r);
    p.feedToolCallDelta(0, "id0", "get_weather", "{\"city\": \"Paris\"}", r);
    p.feedToolCallDelta(1, "id1", "list_files", "{}", r);
    assertEquals(List.of("content:See", "content: ", "content:<c", "call:get_weather"), r.events);
    p.finish(r);
    assertEquals("call:list_files", r.events.get(r.events.size() - 1));
  }

  @Test
  void textWithoutTagsPassesOnAsTheSameString() {
    List<String> got = new ArrayList<>();
    ParserSink sink = new ParserSink() {
      public void content(String t) {
        got.add(t);
      }

      public void reasoning(String t) {}

      public void toolCall(int i, String id, String n, String a) {}
    };
    StreamingToolParser p = ToolParsers.create("cohere_command3", ParserOptions.of(List.of()));
    String piece = "plain words";
    p.feed(piece, sink);
    assertSame(piece, got.get(0));
  }
}
