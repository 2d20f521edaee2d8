package dev.clawbus.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in tokenizer: a token is a run of letters/digits (with at most one leading space), a run of one
 * repeated whitespace character, or any other single character. It is not Qwen's BPE, but it is
 * deterministic, cuts text exactly (the pieces concatenate back to the input) and gives plausible counts,
 * which is all that prompt accounting, {@code /tokenize} and context-overflow checks need.
 */
final class SimTokenizer {
  private static final int VOCAB_SIZE = 151_643;

  private SimTokenizer() {}

  /** End index (exclusive) of the piece that starts at {@code i}. */
  static int pieceEnd(CharSequence s, int i) {
    int len = s.length();
    char c = s.charAt(i);
    int j = i;
    if (c == ' ' && i + 1 < len && isWordChar(s, i + 1)) {
      j = i + 1;
    }
    if (isWordChar(s, j)) {
      while (j < len && isWordChar(s, j)) j += Character.charCount(Character.codePointAt(s, j));
      return j;
    }
    if (Character.isWhitespace(c)) {
      while (j < len && s.charAt(j) == c) j++;
      // like BPE, the last space of a run belongs to the word that follows
      if (c == ' ' && j < len && j - i > 1 && isWordChar(s, j)) j--;
      return j;
    }
    return i + Character.charCount(Character.codePointAt(s, i));
  }

  private static boolean isWordChar(CharSequence s, int i) {
    return Character.isLetterOrDigit(Character.codePointAt(s, i));
  }

  static int count(CharSequence s) {
    if (s == null) return 0;
    int n = 0;
    for (int i = 0, len = s.length(); i < len; i = pieceEnd(s, i)) n++;
    return n;
  }

  static List<String> pieces(CharSequence s) {
    List<String> out = new ArrayList<>();
    for (int i = 0, len = s.length(); i < len; ) {
      int end = pieceEnd(s, i);
      out.add(s.subSequence(i, end).toString());
      i = end;
    }
    return out;
  }

  static JsonArray ids(CharSequence s) {
    JsonArray out = new JsonArray();
    for (int i = 0, len = s.length(); i < len; ) {
      int end = pieceEnd(s, i);
      int h = 0;
      for (int k = i; k < end; k++) h = 31 * h + s.charAt(k);
      out.add(Math.floorMod(h, VOCAB_SIZE));
      i = end;
    }
    return out;
  }

  /** The text of a message: a plain string, or the text parts of a content-part array joined. */
  static String contentText(Object content) {
    if (content == null) return "";
    if (content instanceof String s) return s;
    if (content instanceof JsonArray parts) {
      StringBuilder sb = new StringBuilder();
      for (Object p : parts) {
        if (p instanceof JsonObject o && o.getString("text") != null) sb.append(o.getString("text"));
      }
      return sb.toString();
    }
    return String.valueOf(content);
  }

  /** The chat prompt as a Qwen-style template would render it. */
  static String renderChat(JsonArray messages, JsonArray tools, boolean generationPrompt, boolean continueFinal) {
    StringBuilder sb = new StringBuilder();
    if (tools != null && !tools.isEmpty()) {
      sb.append("<|im_start|>system\n").append(tools.encode()).append("<|im_end|>\n");
    }
    int n = messages == null ? 0 : messages.size();
    for (int i = 0; i < n; i++) {
      JsonObject m = messages.getJsonObject(i);
      sb.append("<|im_start|>").append(m.getString("role", "user")).append('\n');
      sb.append(contentText(m.getValue("content")));
      JsonArray calls = m.getJsonArray("tool_calls");
      if (calls != null) sb.append(calls.encode());
      if (!(continueFinal && i == n - 1)) sb.append("<|im_end|>\n");
    }
    if (generationPrompt) sb.append("<|im_start|>assistant\n");
    return sb.toString();
  }

  /** Prompt tokens of a chat request; {@code /tokenize} and usage agree because both render the same text. */
  static int countChat(JsonArray messages, JsonArray tools, boolean generationPrompt, boolean continueFinal) {
    return count(renderChat(messages, tools, generationPrompt, continueFinal));
  }
}
