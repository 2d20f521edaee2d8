package dev.clawbus.responses;

import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A response's journal as the dispatcher writes it: chunks from {@link ChunkWriter}, then DONE or ERROR. */
final class ChatJournal {
  final ChunkWriter w = new ChunkWriter("chatcmpl-req1", 1_760_000_000L, "Qwen/Qwen3-Coder-Next-FP8");
  final List<StreamEvent> events = new ArrayList<>();

  private ChatJournal chunk(String json) {
    events.add(StreamEvent.chunk(events.size(), json));
    return this;
  }

  ChatJournal role() { return chunk(w.role()); }
  ChatJournal keepalive() { return chunk(w.keepalive()); }
  ChatJournal content(String text) { return chunk(w.content(text)); }
  ChatJournal reasoning(String text) { return chunk(w.reasoning(text)); }
  ChatJournal tool(int index, String id, String name, String args) { return chunk(w.toolCall(index, id, name, args)); }
  ChatJournal finish(String reason) { return chunk(w.finish(reason)); }
  ChatJournal usage(long prompt, long completion) { return chunk(w.usage(prompt, completion)); }
  ChatJournal raw(String json) { return chunk(json); }

  ChatJournal done() {
    return done(0);
  }

  /** DONE stamped with the time the answer ended (epoch milliseconds; 0: unknown), as the dispatcher writes it. */
  ChatJournal done(long endedAt) {
    events.add(StreamEvent.done(events.size(), endedAt));
    return this;
  }

  ChatJournal error(int status, String type, String code, String message) {
    return error(status, type, code, message, 0);
  }

  ChatJournal error(int status, String type, String code, String message, long endedAt) {
    JsonObject body = new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
        .putNull("param").put("code", code));
    events.add(StreamEvent.error(events.size(), status, body.encode(), endedAt));
    return this;
  }

  List<StreamEvent> list() { return events; }

  /** A plain text answer with usage. */
  static ChatJournal text(String... pieces) {
    ChatJournal j = new ChatJournal().role();
    for (String p : pieces) j.content(p);
    return j.finish("stop").usage(12, pieces.length).done();
  }

  /** A Qwen3-Coder tool call as the parser delivers it: whole, in one delta, after some thinking. */
  static ChatJournal qwenToolCall() {
    return new ChatJournal().role().reasoning("The user wants a listing; ").reasoning("use exec.")
        .content("\n\n").tool(0, "call_9f3a1c", "exec", "{\"command\":\"ls -la ~\"}")
        .finish("tool_calls").usage(50_123, 41).done();
  }
}
