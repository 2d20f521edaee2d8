package dev.clawbus.responses;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Splits translator output into SSE frames, checking the frame form on the way. */
public final class Sse {
  public record Frame(String event, String data) {
    public JsonObject json() { return new JsonObject(data); }
    public String type() { return json().getString("type"); }
    public long seq() { return json().getLong("sequence_number"); }
  }

  private Sse() {}

  public static List<Frame> frames(CharSequence text) {
    List<Frame> out = new ArrayList<>();
    String s = text.toString();
    if (s.isEmpty()) return out;
    if (!s.endsWith("\n\n")) throw new AssertionError("SSE text does not end with a blank line: " + s);
    for (String block : s.substring(0, s.length() - 2).split("\n\n", -1)) {
      String[] lines = block.split("\n", -1);
      if (lines.length != 2 || !lines[0].startsWith("event: ") || !lines[1].startsWith("data: ")) {
        throw new AssertionError("not an 'event:' + 'data:' frame: " + block);
      }
      Frame f = new Frame(lines[0].substring(7), lines[1].substring(6));
      if (!f.event().equals(f.type())) throw new AssertionError("event line and type differ: " + block);
      out.add(f);
    }
    return out;
  }

  public static List<String> types(List<Frame> frames) {
    List<String> out = new ArrayList<>();
    for (Frame f : frames) out.add(f.type());
    return out;
  }
}
