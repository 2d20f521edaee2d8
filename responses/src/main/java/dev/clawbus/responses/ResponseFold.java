package dev.clawbus.responses;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.parser.JsonText;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one state machine behind both the streamed and the whole Responses answer: it folds a response's
 * journal events (chat chunks, then DONE or ERROR) into output items and, when asked, writes the
 * Responses SSE events they amount to. Numbering depends on the events alone, so replaying a journal
 * through a fresh fold gives the same events with the same sequence numbers.
 *
 * <p>Item rules: reasoning text opens a {@code reasoning} item, content opens a {@code message} item,
 * each tool call is a {@code function_call} item; an item is closed (its done events written) when the
 * next one opens, at the finish chunk, or at the end. Whitespace-only content that would open a message
 * is held back and dropped if a tool call or the end comes first (no phantom "\n\n" messages before
 * tool calls).
 */
final class ResponseFold {
  private static final JsonFactory JSON = new JsonFactory();

  static final int REASONING = 0;
  static final int MESSAGE = 1;
  static final int FUNCTION_CALL = 2;

  static final String IN_PROGRESS = "in_progress";
  static final String COMPLETED = "completed";
  static final String INCOMPLETE = "incomplete";
  static final String FAILED = "failed";
  static final String CANCELLED = "cancelled";
  static final String QUEUED = "queued";

  /** Status the dispatcher gives a cancelled request's error event. */
  static final int CANCELLED_HTTP_STATUS = 499;

  static final class Item {
    final int kind;
    final int index;
    final String id;
    /** Message or reasoning text, or a function call's arguments. */
    final StringBuilder text = new StringBuilder();
    String callId;
    String name;
    int chatIndex;
    String status = IN_PROGRESS;

    Item(int kind, int index, String id) {
      this.kind = kind;
      this.index = index;
      this.id = id;
    }
  }

  private final ResponseContext ctx;
  private final long skipThrough;
  private final List<Item> items = new ArrayList<>();
  private Item open;
  private final StringBuilder pendingSpace = new StringBuilder();
  private long seq;
  private boolean started;
  private boolean inProgressSent;
  private boolean sawChatEvent;
  private String status;
  private String finishReason;
  private String errorJson;
  private boolean usageSeen;
  private long inputTokens;
  private long outputTokens;
  private long totalTokens;
  private long cachedTokens;
  private long reasoningTokens;
  private Long completedAt;
  private StringBuilder out;

  // Scratch for the chunk being read.
  private CharSequence dContent;
  private CharSequence dReasoning;
  private String dFinish;
  private int dCalls;
  private final List<String[]> dCallFields = new ArrayList<>();
  private final int[] dCallIndex = new int[8];
  /** The chunk's characters, copied into a reused buffer for the parser. */
  private char[] chars = new char[512];

  /**
   * @param skipThrough events numbered up to this are counted but not written (a resume's
   *     {@code starting_after}); -1 writes all
   */
  ResponseFold(ResponseContext ctx, long skipThrough) {
    this.ctx = ctx;
    this.skipThrough = skipThrough;
  }

  // ---------------------------------------------------------------- input

  /** The opening events: created, then queued (background) or in_progress. */
  void start(StringBuilder sink) {
    if (started) return;
    started = true;
    out = sink;
    boolean queued = ctx.background();
    responseEvent("response.created", queued ? QUEUED : IN_PROGRESS);
    if (queued) {
      responseEvent("response.queued", QUEUED);
    } else {
      responseEvent("response.in_progress", IN_PROGRESS);
      inProgressSent = true;
    }
    out = null;
  }

  void accept(StreamEvent e, StringBuilder sink) {
    if (status != null) return;
    if (!started) start(sink);
    out = sink;
    // The terminal event dates the end itself: every rendering of the answer, live or replayed, shows that time.
    if (e.endedAt() > 0) completedAt = e.endedAt() / 1000;
    try {
      switch (e.type()) {
        case StreamEvent.CHUNK -> chunk(e.data());
        case StreamEvent.DONE -> done();
        case StreamEvent.ERROR -> error(e.status(), e.data());
        default -> { }
      }
    } finally {
      out = null;
    }
  }

  private void chunk(String json) {
    if (!readTextDelta(json) && !read(json)) return;
    progress();
    boolean content = dContent != null && dContent.length() > 0;
    boolean reasoning = dReasoning != null && dReasoning.length() > 0;
    if (reasoning) reasoning(dReasoning);
    if (content) content(dContent);
    for (int i = 0; i < dCalls; i++) {
      String[] f = dCallFields.get(i);
      toolCall(dCallIndex[i], f[0], f[1], f[2]);
    }
    if (dFinish != null) {
      finishReason = dFinish;
      pendingSpace.setLength(0);
      closeOpen(endStatus());
    }
  }

  /** Background responses become in_progress with their first chat event. */
  private void progress() {
    sawChatEvent = true;
    if (!inProgressSent) {
      inProgressSent = true;
      responseEvent("response.in_progress", IN_PROGRESS);
    }
  }

  private void reasoning(CharSequence text) {
    pendingSpace.setLength(0);
    if (open == null || open.kind != REASONING) openItem(REASONING, -1, null, null);
    open.text.append(text);
    delta(open, text);
  }

  private void content(CharSequence text) {
    if (open == null || open.kind != MESSAGE) {
      if (blank(text)) {
        pendingSpace.append(text);
        return;
      }
      openItem(MESSAGE, -1, null, null);
      if (pendingSpace.length() > 0) {
        text = pendingSpace.append(text).toString();
        pendingSpace.setLength(0);
      }
    }
    open.text.append(text);
    delta(open, text);
  }

  private void toolCall(int index, String id, String name, String arguments) {
    pendingSpace.setLength(0);
    boolean continuation = open != null && open.kind == FUNCTION_CALL && open.chatIndex == index
        && (id == null || id.isEmpty() || id.equals(open.callId));
    if (!continuation) openItem(FUNCTION_CALL, index, id, name);
    if (arguments != null && !arguments.isEmpty()) {
      open.text.append(arguments);
      delta(open, arguments);
    }
  }

  private void done() {
    progress();
    pendingSpace.setLength(0);
    closeOpen(endStatus());
    if ("length".equals(finishReason) || "content_filter".equals(finishReason)) {
      status = INCOMPLETE;
      responseEvent("response.incomplete", INCOMPLETE);
    } else {
      status = COMPLETED;
      responseEvent("response.completed", COMPLETED);
    }
  }

  private void error(int httpStatus, String body) {
    pendingSpace.setLength(0);
    closeOpen(INCOMPLETE);
    JsonObject e;
    try {
      JsonObject b = new JsonObject(body);
      e = b.getValue("error") instanceof JsonObject inner ? inner : b;
    } catch (RuntimeException notJson) {
      e = new JsonObject().put("message", body);
    }
    Object code = e.getValue("code");
    if (httpStatus == CANCELLED_HTTP_STATUS || "cancelled".equals(code) || "request_cancelled".equals(e.getValue("type"))) {
      status = CANCELLED;
    } else {
      status = FAILED;
      StringBuilder sb = new StringBuilder(96).append("{\"code\":\"").append(errorCode(httpStatus)).append("\",\"message\":");
      Object message = e.getValue("message");
      JsonText.quote(sb, message instanceof String s ? s : "The model server failed to answer.").append('}');
      errorJson = sb.toString();
    }
    responseEvent("response.failed", status);
  }

  /** OpenAI's {@code error.code} values for a failed response (the SDK refuses others). */
  static String errorCode(int httpStatus) {
    if (httpStatus == 429) return "rate_limit_exceeded";
    if (httpStatus >= 400 && httpStatus < 500) return "invalid_prompt";
    return "server_error";
  }

  private String endStatus() {
    return "length".equals(finishReason) || "content_filter".equals(finishReason) ? INCOMPLETE : COMPLETED;
  }

  private static boolean blank(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- items

  private void openItem(int kind, int chatIndex, String callId, String name) {
    closeOpen(COMPLETED);
    int index = items.size();
    String rid = ctx.requestId();
    Item item = switch (kind) {
      case REASONING -> new Item(kind, index, ResponseIds.reasoningId(rid, index));
      case MESSAGE -> new Item(kind, index, ResponseIds.messageId(rid, index));
      default -> new Item(kind, index, ResponseIds.functionCallId(rid, index));
    };
    if (kind == FUNCTION_CALL) {
      item.chatIndex = chatIndex;
      item.callId = callId == null || callId.isEmpty() ? ResponseIds.callId(rid, index) : callId;
      item.name = name == null ? "" : name;
    }
    items.add(item);
    open = item;
    if (begin("response.output_item.added")) {
      out.append(",\"output_index\":").append(index).append(",\"item\":");
      appendItem(out, item, false);
      end();
    }
    if (kind != FUNCTION_CALL && begin("response.content_part.added")) {
      itemRef(item);
      out.append(",\"content_index\":0,\"part\":");
      appendPart(out, item, "");
      end();
    }
  }

  private void delta(Item item, CharSequence delta) {
    String type = item.kind == MESSAGE ? "response.output_text.delta"
        : item.kind == REASONING ? "response.reasoning_text.delta" : "response.function_call_arguments.delta";
    if (!begin(type)) return;
    itemRef(item);
    if (item.kind != FUNCTION_CALL) out.append(",\"content_index\":0");
    JsonText.quote(out.append(",\"delta\":"), delta);
    if (item.kind == MESSAGE) out.append(",\"logprobs\":[]");
    end();
  }

  private void closeOpen(String itemStatus) {
    Item item = open;
    if (item == null) return;
    open = null;
    // A function call reaches the journal whole, so it is complete even when the answer is not.
    item.status = item.kind == FUNCTION_CALL ? COMPLETED : itemStatus;
    if (item.kind == FUNCTION_CALL) {
      if (begin("response.function_call_arguments.done")) {
        itemRef(item);
        JsonText.quote(out.append(",\"name\":"), item.name);
        JsonText.quote(out.append(",\"arguments\":"), item.text);
        end();
      }
    } else {
      if (begin(item.kind == MESSAGE ? "response.output_text.done" : "response.reasoning_text.done")) {
        itemRef(item);
        JsonText.quote(out.append(",\"content_index\":0,\"text\":"), item.text);
        if (item.kind == MESSAGE) out.append(",\"logprobs\":[]");
        end();
      }
      if (begin("response.content_part.done")) {
        itemRef(item);
        out.append(",\"content_index\":0,\"part\":");
        appendPart(out, item, item.text);
        end();
      }
    }
    if (begin("response.output_item.done")) {
      out.append(",\"output_index\":").append(item.index).append(",\"item\":");
      appendItem(out, item, true);
      end();
    }
  }

  private void itemRef(Item item) {
    JsonText.quote(out.append(",\"item_id\":"), item.id).append(",\"output_index\":").append(item.index);
  }

  private static void appendPart(StringBuilder sb, Item item, CharSequence text) {
    if (item.kind == MESSAGE) {
      sb.append("{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":");
    } else {
      sb.append("{\"type\":\"reasoning_text\",\"text\":");
    }
    JsonText.quote(sb, text).append('}');
  }

  /** An output item as OpenAI serialises it; {@code withContent} false gives the empty form of output_item.added. */
  private static void appendItem(StringBuilder sb, Item item, boolean withContent) {
    sb.append("{\"id\":");
    JsonText.quote(sb, item.id);
    switch (item.kind) {
      case MESSAGE -> {
        sb.append(",\"type\":\"message\",\"status\":\"").append(item.status).append("\",\"content\":[");
        if (withContent) appendPart(sb, item, item.text);
        sb.append("],\"role\":\"assistant\"}");
      }
      case REASONING -> {
        sb.append(",\"type\":\"reasoning\",\"status\":\"").append(item.status).append("\",\"summary\":[],\"content\":[");
        if (withContent) appendPart(sb, item, item.text);
        sb.append("]}");
      }
      default -> {
        sb.append(",\"type\":\"function_call\",\"status\":\"").append(item.status).append("\",\"arguments\":");
        JsonText.quote(sb, withContent ? item.text : "").append(",\"call_id\":");
        JsonText.quote(sb, item.callId).append(",\"name\":");
        JsonText.quote(sb, item.name).append('}');
      }
    }
  }

  // ---------------------------------------------------------------- events

  private boolean begin(String type) {
    long n = seq++;
    if (out == null || n <= skipThrough) return false;
    out.append("event: ").append(type).append("\ndata: {\"type\":\"").append(type).append("\",\"sequence_number\":")
        .append(n);
    return true;
  }

  private void end() {
    out.append("}\n\n");
  }

  private void responseEvent(String type, String responseStatus) {
    if (!begin(type)) return;
    out.append(",\"response\":");
    appendResponse(out, responseStatus);
    end();
  }

  /** The response object in its current state, with {@code responseStatus}. */
  void appendResponse(StringBuilder sb, String responseStatus) {
    StringBuilder output = new StringBuilder(64 + items.size() * 128).append('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) output.append(',');
      appendItem(output, items.get(i), true);
    }
    output.append(']');
    String details = null;
    if (INCOMPLETE.equals(responseStatus)) {
      details = "{\"reason\":\"" + ("content_filter".equals(finishReason) ? "content_filter" : "max_output_tokens") + "\"}";
    }
    boolean terminal = COMPLETED.equals(responseStatus) || INCOMPLETE.equals(responseStatus)
        || FAILED.equals(responseStatus) || CANCELLED.equals(responseStatus);
    ctx.appendResponse(sb, responseStatus, terminal ? completedAt : null,
        FAILED.equals(responseStatus) ? errorJson : null, details, output, usage());
  }

  private String usage() {
    if (!usageSeen) return null;
    return "{\"input_tokens\":" + inputTokens + ",\"input_tokens_details\":{\"cached_tokens\":" + cachedTokens
        + ",\"cache_write_tokens\":0},\"output_tokens\":" + outputTokens + ",\"output_tokens_details\":{\"reasoning_tokens\":" + reasoningTokens
        + "},\"total_tokens\":" + totalTokens + "}";
  }

  // ---------------------------------------------------------------- state

  /** completed, incomplete, failed or cancelled once the journal has ended; null before. */
  String status() { return status; }

  /** The status a response object shows now: terminal, or queued / in_progress. */
  String currentStatus() {
    if (status != null) return status;
    return ctx.background() && !sawChatEvent ? QUEUED : IN_PROGRESS;
  }

  long lastSequenceNumber() { return seq - 1; }

  long skipThrough() { return skipThrough; }

  /** The {@code completed_at} to show when the terminal event does not carry its own time (older events). */
  void completedAt(Long epochSeconds) { this.completedAt = epochSeconds; }

  List<Item> items() { return items; }

  // ---------------------------------------------------------------- chunk reading

  private static final String CHOICES = "\"choices\":";
  private static final String CONTENT_DELTA = "[{\"index\":0,\"delta\":{\"content\":\"";
  private static final String REASONING_DELTA = "[{\"index\":0,\"delta\":{\"reasoning_content\":\"";
  private static final String DELTA_END = "\"},\"logprobs\":null,\"finish_reason\":null}]}";
  private final StringBuilder deltaText = new StringBuilder(64);

  /**
   * The fast path for the chunk that comes once per token: a content or reasoning delta in
   * {@code ChunkWriter}'s exact shape has its text unescaped into a reused builder, without a parser.
   * False (and nothing read) for any other chunk, which {@link #read} parses.
   */
  private boolean readTextDelta(String json) {
    int at = json.indexOf(CHOICES);
    if (at < 0) return false;
    at += CHOICES.length();
    boolean content = json.startsWith(CONTENT_DELTA, at);
    if (!content && !json.startsWith(REASONING_DELTA, at)) return false;
    int from = at + (content ? CONTENT_DELTA.length() : REASONING_DELTA.length());
    int to = json.length() - DELTA_END.length();
    if (to < from || !json.startsWith(DELTA_END, to) || !unescape(json, from, to, deltaText)) return false;
    dContent = content ? deltaText : null;
    dReasoning = content ? null : deltaText;
    dFinish = null;
    dCalls = 0;
    return true;
  }

  /** Unescapes the body of a JSON string; false when it is not exactly one string body. */
  static boolean unescape(String s, int from, int to, StringBuilder out) {
    out.setLength(0);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '"') return false;
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= to) return false;
      switch (s.charAt(i)) {
        case '"' -> out.append('"');
        case '\\' -> out.append('\\');
        case '/' -> out.append('/');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (i + 4 >= to) return false;
          int v = 0;
          for (int k = 1; k <= 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0) return false;
            v = v * 16 + d;
          }
          out.append((char) v);
          i += 4;
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  /** Reads the parts of a chat chunk that matter here; false when it is not a JSON object. */
  private boolean read(String json) {
    dContent = null;
    dReasoning = null;
    dFinish = null;
    dCalls = 0;
    int len = json.length();
    if (chars.length < len) chars = new char[Math.max(len, chars.length * 2)];
    json.getChars(0, len, chars, 0);
    try (JsonParser p = JSON.createParser(chars, 0, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if ("choices".equals(field) && t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) readChoice(p);
        } else if ("usage".equals(field) && t == JsonToken.START_OBJECT) {
          readUsage(p);
        } else {
          p.skipChildren();
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void readChoice(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if ("delta".equals(field) && t == JsonToken.START_OBJECT) {
        readDelta(p);
      } else if ("finish_reason".equals(field) && t == JsonToken.VALUE_STRING) {
        dFinish = p.getText();
      } else {
        p.skipChildren();
      }
    }
  }

  private void readDelta(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_STRING && "content".equals(field)) {
        dContent = p.getText();
      } else if (t == JsonToken.VALUE_STRING && ("reasoning_content".equals(field) || "reasoning".equals(field))) {
        dReasoning = p.getText();
      } else if (t == JsonToken.START_ARRAY && "tool_calls".equals(field)) {
        while (p.nextToken() == JsonToken.START_OBJECT) readToolCall(p);
      } else {
        p.skipChildren();
      }
    }
  }

  private void readToolCall(JsonParser p) throws IOException {
    int n = dCalls;
    if (n == dCallIndex.length) {
      p.skipChildren();
      return;
    }
    if (dCallFields.size() == n) dCallFields.add(new String[3]);
    String[] f = dCallFields.get(n);
    f[0] = null;
    f[1] = null;
    f[2] = null;
    int index = n;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if ("index".equals(field) && t == JsonToken.VALUE_NUMBER_INT) {
        index = p.getIntValue();
      } else if ("id".equals(field) && t == JsonToken.VALUE_STRING) {
        f[0] = p.getText();
      } else if ("function".equals(field) && t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String ff = p.currentName();
          JsonToken ft = p.nextToken();
          if ("name".equals(ff) && ft == JsonToken.VALUE_STRING) f[1] = p.getText();
          else if ("arguments".equals(ff) && ft == JsonToken.VALUE_STRING) f[2] = p.getText();
          else p.skipChildren();
        }
      } else {
        p.skipChildren();
      }
    }
    dCallIndex[n] = index;
    dCalls = n + 1;
  }

  private void readUsage(JsonParser p) throws IOException {
    usageSeen = true;
    long total = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NUMBER_INT) {
        switch (field) {
          case "prompt_tokens" -> inputTokens = p.getLongValue();
          case "completion_tokens" -> outputTokens = p.getLongValue();
          case "total_tokens" -> total = p.getLongValue();
          default -> { }
        }
      } else if (t == JsonToken.START_OBJECT && "prompt_tokens_details".equals(field)) {
        cachedTokens = readDetail(p, "cached_tokens");
      } else if (t == JsonToken.START_OBJECT && "completion_tokens_details".equals(field)) {
        reasoningTokens = readDetail(p, "reasoning_tokens");
      } else {
        p.skipChildren();
      }
    }
    totalTokens = total >= 0 ? total : inputTokens + outputTokens;
  }

  private static long readDetail(JsonParser p, String name) throws IOException {
    long v = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals(field) && t == JsonToken.VALUE_NUMBER_INT) v = p.getLongValue();
      else p.skipChildren();
    }
    return v;
  }
}
