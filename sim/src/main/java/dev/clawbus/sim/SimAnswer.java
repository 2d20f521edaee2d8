package dev.clawbus.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the simulated model generates for one request, cut into the tokens it will stream: content
 * tokens first, then structured tool calls (a name step and argument fragments each). A continuation
 * ({@code continue_final_message}) regenerates the same full answer and keeps only what follows the
 * assistant prefix, so the client sees exactly the rest.
 */
final class SimAnswer {
  /** A structured tool call: one step for the opening delta, one per arguments fragment. */
  record Call(String id, String name, String arguments, String[] fragments) {}

  final String[] content;
  /** {@link #content} JSON-quoted and encoded, ready to copy into chunks. */
  final byte[][] contentJson;
  final List<Call> calls;
  /** Steps to stream, already limited by max_tokens. */
  final int steps;
  final String finishReason;
  /** True when the assistant prefix was not a prefix of the answer (a caller bug worth counting). */
  final boolean prefixMismatch;

  private SimAnswer(String[] content, List<Call> calls, int limit, boolean prefixMismatch) {
    this.content = content;
    this.contentJson = new byte[content.length][];
    for (int i = 0; i < content.length; i++) contentJson[i] = DeterministicText.quoted(content[i]);
    this.calls = calls;
    int total = content.length;
    for (Call c : calls) total += 1 + c.fragments.length;
    this.steps = Math.min(total, limit);
    this.finishReason = steps < total ? "length" : calls.isEmpty() ? "stop" : "tool_calls";
    this.prefixMismatch = prefixMismatch;
  }

  /**
   * @param continuePrefix the final assistant message's text when continuing, else null
   * @param limit max new tokens
   */
  static SimAnswer plan(SimDirectives d, long seed, int defaultWords, String continuePrefix, int limit) {
    List<String> full = new ArrayList<>();
    List<Call> calls = new ArrayList<>();
    boolean anyTool = !d.tools().isEmpty();
    if (d.text() != null) {
      full.addAll(SimTokenizer.pieces(d.text()));
    }
    if (d.words() != null || (d.text() == null && !anyTool)) {
      int words = d.words() != null ? d.words() : defaultWords;
      if (words > 0) {
        if (!full.isEmpty()) full.add(" ");
        for (String t : DeterministicText.tokens(seed, words)) full.add(t);
      }
    }
    int index = 0;
    for (SimDirectives.ToolSpec t : d.tools()) {
      if (t.xml()) {
        if (!full.isEmpty()) full.add("\n");
        full.addAll(SimTokenizer.pieces(qwenXml(t)));
      } else {
        String id = t.id() != null ? t.id() : toolCallId(seed, index);
        String args = t.args().encode();
        calls.add(new Call(id, t.name(), args, SimTokenizer.pieces(args).toArray(new String[0])));
        index++;
      }
    }
    String[] tokens = full.toArray(new String[0]);
    if (continuePrefix == null || continuePrefix.isEmpty()) {
      return new SimAnswer(tokens, List.copyOf(calls), limit, false);
    }
    String text = String.join("", full);
    int cut = commonPrefix(text, continuePrefix);
    return new SimAnswer(cutAt(tokens, cut), List.copyOf(calls), limit, cut < continuePrefix.length());
  }

  /** Tokens after character offset {@code cut}; a token split by the cut starts the result with its tail. */
  private static String[] cutAt(String[] tokens, int cut) {
    int offset = 0;
    for (int i = 0; i < tokens.length; i++) {
      int end = offset + tokens[i].length();
      if (end > cut) {
        String[] out = new String[tokens.length - i];
        System.arraycopy(tokens, i, out, 0, out.length);
        out[0] = tokens[i].substring(cut - offset);
        return out;
      }
      offset = end;
    }
    return new String[0];
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) i++;
    return i;
  }

  /** Qwen3-Coder's own tool-call text, as the model prints it when vLLM does not parse it. */
  static String qwenXml(SimDirectives.ToolSpec t) {
    StringBuilder sb = new StringBuilder("<tool_call>\n<function=").append(t.name()).append(">\n");
    for (Map.Entry<String, Object> e : t.args()) {
      Object v = e.getValue();
      String value = v instanceof String s ? s
          : v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode() : String.valueOf(v);
      sb.append("<parameter=").append(e.getKey()).append(">\n").append(value).append("\n</parameter>\n");
    }
    return sb.append("</function>\n</tool_call>").toString();
  }

  static String toolCallId(long seed, int index) {
    long a = DeterministicText.mix(seed ^ (0x5DEECE66DL * (index + 1)));
    long b = DeterministicText.mix(a);
    return "chatcmpl-tool-" + hex16(a) + hex16(b);
  }

  static String hex16(long v) {
    String h = Long.toHexString(v);
    return "0".repeat(16 - h.length()) + h;
  }

  /** The generated text (content only), for non-streaming answers. */
  String contentText() {
    int n = Math.min(steps, content.length);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(content[i]);
    return sb.toString();
  }

  /** Seed of the default answer: a hash of roles and texts, so content arrays and strings hash alike. */
  static long seedOf(JsonArray messages, int count) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < count; i++) {
      Object m = messages.getValue(i);
      if (!(m instanceof JsonObject o)) continue;
      String role = o.getString("role", "");
      if (role.equals("developer")) role = "system";
      h = fnv(h, role);
      h = fnv(h, "\u0000");
      h = fnv(h, SimTokenizer.contentText(o.getValue("content")));
      h = fnv(h, "\u0001");
    }
    return h;
  }

  private static long fnv(long h, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
