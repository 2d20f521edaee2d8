package dev.clawbus.infra.contract;

import dev.clawbus.infra.contract.StreamEvent;
import dev.clawbus.parser.JsonText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compact form of a response's journal: what a finished answer (or any run of events) is kept as once
 * it leaves the live journal. Events are rebuilt from it <em>exactly</em>: same type, seq, status and
 * {@code data}, byte for byte.
 *
 * <p>Chunks written by {@link dev.clawbus.infra.contract.ChunkWriter} are stored as what varies: the
 * {@code {"id":…,"created":…,"model":…,"choices":} prefix once per answer, then one tag byte per event and
 * the event's own text (content and reasoning deltas as UTF-8, the finish reason, tool call fields, usage
 * numbers, error bodies). Sequence numbers are implicit while contiguous. The raw model text is stored as
 * the length of its common prefix with the concatenated content deltas (for plain text answers: all of it)
 * plus the rest. An ordinary content token costs its text plus 2 bytes.
 *
 * <p>Exactness does not rest on the parsing being right: every event the encoder recognises is re-rendered
 * by the same code the decoder uses and compared with the original; anything that does not come out
 * identical (another writer's prefix, a different escape, a status the template does not carry, an unknown
 * shape) is stored verbatim.
 *
 * <p>Format ({@link #VERSION} 2): {@code 0xCA 0x02}, prefix (string), first seq (zigzag varlong), event count
 * (varint), events (tag byte + fields), raw prefix length (varint, in chars), raw tail (string). Strings are
 * a varint byte length and WTF-8 (UTF-8 that also carries unpaired surrogates, so every Java string
 * survives). A terminal event's fields end with its {@link StreamEvent#endedAt()} (varlong, 0: unknown): after
 * the tag for DONE, after the body for ERROR, and for a VERBATIM event of any type but a chunk. Version 1 (still
 * read) is the same without those end times: its terminal events decode with none. Stateless and thread-safe.
 */
public final class CompactAnswer {
  static final byte MAGIC = (byte) 0xCA;
  static final byte VERSION = 2;
  /** The format before terminal events carried their end time: still read, never written. */
  static final byte VERSION_1 = 1;

  static final int CONTENT = 0;
  static final int REASONING = 1;
  static final int ROLE = 2;
  static final int KEEPALIVE = 3;
  static final int FINISH = 4;
  static final int USAGE = 5;
  static final int TOOL_CALL = 6;
  static final int DONE = 7;
  static final int ERROR = 8;
  static final int VERBATIM = 9;
  /** Followed by a zigzag varlong: the seq of the next event when it does not follow the previous one. */
  static final int SEQ = 10;

  private static final String DELTA_OPEN = "[{\"index\":0,\"delta\":{";
  private static final String CONTENT_KEY = "\"content\":";
  private static final String REASONING_KEY = "\"reasoning_content\":";
  private static final String ROLE_BODY = "\"role\":\"assistant\",\"content\":\"\"";
  private static final String END_DELTA = "},\"logprobs\":null,\"finish_reason\":";
  private static final String END_OPEN = END_DELTA + "null}]}";
  private static final String TOOL_OPEN = "\"tool_calls\":[{\"index\":";
  private static final String TOOL_ID = ",\"id\":";
  private static final String TOOL_NAME = ",\"type\":\"function\",\"function\":{\"name\":";
  private static final String TOOL_ARGS = ",\"arguments\":";
  private static final String TOOL_CLOSE = "}}]";
  private static final String USAGE_OPEN = "[],\"usage\":{\"prompt_tokens\":";
  private static final String USAGE_COMPLETION = ",\"completion_tokens\":";
  private static final String USAGE_TOTAL = ",\"total_tokens\":";
  private static final String DONE_DATA = "[DONE]";

  private CompactAnswer() {}

  /** The compact form of {@code r}'s events and raw text. */
  public static byte[] encode(Recorded r) {
    return encode(r.events(), r.raw());
  }

  /** The compact form of {@code events} (any run of events, normally a whole finished answer) and {@code raw}. */
  public static byte[] encode(List<StreamEvent> events, String raw) {
    String prefix = findPrefix(events);
    Out out = new Out(64 + events.size() * 8 + raw.length());
    out.b(MAGIC).b(VERSION).str(prefix);
    long first = events.isEmpty() ? 0 : events.get(0).seq();
    out.zigzag(first).varint(events.size());
    StringBuilder content = new StringBuilder(raw.length());
    Matcher m = new Matcher(prefix);
    long expected = first;
    for (StreamEvent e : events) {
      if (e.seq() != expected) out.b(SEQ).zigzag(e.seq());
      expected = e.seq() + 1;
      m.encode(e, out, content);
    }
    int common = commonPrefix(raw, content);
    out.varint(common).str(raw, common, raw.length());
    return out.toArray();
  }

  /** Everything {@code compact} holds: the events in order and the raw text. */
  public static Recorded decode(byte[] compact) {
    List<StreamEvent> events = new ArrayList<>();
    String raw = decodeInto(compact, 0, Long.MIN_VALUE, events, true, Integer.MAX_VALUE, null);
    return new Recorded(events, raw);
  }

  /** The events with {@code seq >= fromSeq} (how a client resumes), without rebuilding the others' text. */
  public static List<StreamEvent> events(byte[] compact, long fromSeq) {
    List<StreamEvent> events = new ArrayList<>();
    decodeInto(compact, 0, fromSeq, events, false, Integer.MAX_VALUE, null);
    return events;
  }

  /**
   * Adds to {@code out} the events of the compact answer at {@code offset} whose seq is above {@code afterSeq}, until
   * their data reach {@code maxChars} (at least one event): how a follower reads a long batch a slice at a time,
   * without rebuilding the text of the events before or after the slice.
   *
   * @return true when the answer's last event was reached, false when the budget stopped it first
   */
  public static boolean eventsAfter(byte[] bytes, int offset, long afterSeq, int maxChars, List<StreamEvent> out) {
    boolean[] cut = new boolean[1];
    decodeInto(bytes, offset, afterSeq == Long.MAX_VALUE ? afterSeq : afterSeq + 1, out, false, maxChars, cut);
    return !cut[0];
  }

  /**
   * The compact events of one journal batch within its bytes (they start at {@code offset}) and the raw-text cut
   * that comes before them ({@link JournalBatch#truncateTo()}: -1 for none).
   */
  public record Part(byte[] bytes, int offset, int truncateTo) {}

  /**
   * The compact form of consecutive parts (a finished answer's journal batches, in order), made from their bytes
   * without rendering a single event: it decodes to the same events and raw text as encoding the parts' decoded
   * events and applied raw text would. An answer is spilled this way once it ends, so that its end does not cost
   * three renderings of every token's chunk JSON. Null when the parts cannot be joined as they are (chunks with two
   * different prefixes, or a part of version 1): then decode and {@link #encode} them.
   *
   * @throws IllegalArgumentException when a part is not a compact answer
   */
  public static byte[] concat(List<Part> parts) {
    int count = parts.size();
    int[] starts = new int[count];
    int[] ends = new int[count];
    int[] sizes = new int[count];
    long[] firsts = new long[count];
    long[] lasts = new long[count];
    String prefix = null;
    StringBuilder content = new StringBuilder();
    StringBuilder raw = new StringBuilder();
    int total = 0;
    int eventBytes = 0;
    for (int i = 0; i < count; i++) {
      Part p = parts.get(i);
      byte[] b = p.bytes();
      if (b.length < p.offset() + 2 || b[p.offset()] != MAGIC) {
        throw new IllegalArgumentException("not a compact answer");
      }
      if (b[p.offset() + 1] != VERSION) {
        if (b[p.offset() + 1] == VERSION_1) return null;
        throw new IllegalArgumentException("not a compact answer");
      }
      In in = new In(b, p.offset() + 2);
      String partPrefix = in.str();
      long seq = in.zigzag();
      int n = in.varint();
      firsts[i] = seq;
      starts[i] = in.pos;
      int partContent = content.length();
      boolean templated = false;
      for (int k = 0; k < n; k++) {
        int tag = in.u8();
        if (tag == SEQ) {
          seq = in.zigzag();
          tag = in.u8();
        }
        templated |= tag < DONE;
        in.skipFields(tag, content, true);
        seq++;
      }
      ends[i] = in.pos;
      lasts[i] = seq - 1;
      sizes[i] = n;
      total += n;
      eventBytes += ends[i] - starts[i];
      if (templated) {
        if (prefix == null) prefix = partPrefix;
        else if (!prefix.equals(partPrefix)) return null;
      }
      int common = in.varint();
      if (common > content.length() - partContent) {
        throw new IllegalArgumentException("compact answer: raw prefix too long");
      }
      if (p.truncateTo() >= 0 && p.truncateTo() <= raw.length()) raw.setLength(p.truncateTo());
      raw.append(content, partContent, partContent + common);
      in.strInto(raw);
    }
    String pre = prefix == null ? "" : prefix;
    int common = commonPrefix(raw, content);
    Out out = new Out(32 + pre.length() * 3 + eventBytes + count * 11 + (raw.length() - common) * 3);
    long first = 0;
    for (int i = 0; i < count; i++) {
      if (sizes[i] > 0) {
        first = firsts[i];
        break;
      }
    }
    out.b(MAGIC).b(VERSION).str(pre).zigzag(first).varint(total);
    long expected = first;
    for (int i = 0; i < count; i++) {
      if (sizes[i] == 0) continue;
      if (firsts[i] != expected) out.b(SEQ).zigzag(firsts[i]);
      out.bytes(parts.get(i).bytes(), starts[i], ends[i]);
      expected = lasts[i] + 1;
    }
    out.varint(common).str(raw, common, raw.length());
    return out.toArray();
  }

  /** Whether {@code b} looks like this class's output (magic and a version it reads). */
  public static boolean isCompact(byte[] b) {
    return b != null && b.length >= 2 && b[0] == MAGIC && (b[1] == VERSION || b[1] == VERSION_1);
  }

  /**
   * Decodes the events with seq ≥ {@code fromSeq} into {@code out}, and the raw text when {@code wantRaw}; without the
   * raw text, stops once the events' data reach {@code maxChars} before the last event ({@code cut[0]} set).
   */
  private static String decodeInto(byte[] compact, int offset, long fromSeq, List<StreamEvent> out, boolean wantRaw,
      int maxChars, boolean[] cut) {
    if (compact == null || compact.length < offset + 2 || compact[offset] != MAGIC
        || (compact[offset + 1] != VERSION && compact[offset + 1] != VERSION_1)) {
      throw new IllegalArgumentException("not a compact answer");
    }
    boolean times = compact[offset + 1] >= 2;
    In in = new In(compact, offset + 2);
    String prefix = in.str();
    long seq = in.zigzag();
    int n = in.varint();
    StringBuilder content = wantRaw ? new StringBuilder() : null;
    StringBuilder sb = new StringBuilder(256);
    long chars = 0;
    for (int i = 0; i < n; i++) {
      int tag = in.u8();
      if (tag == SEQ) {
        seq = in.zigzag();
        tag = in.u8();
      }
      boolean want = seq >= fromSeq;
      if (!want && content == null) {
        in.skipFields(tag, null, times); // an event before the wanted ones: walked over, nothing made of it
        seq++;
        continue;
      }
      StreamEvent e = switch (tag) {
        case CONTENT, REASONING -> {
          String text = in.str();
          if (tag == CONTENT && content != null) content.append(text);
          yield want ? StreamEvent.chunk(seq, textChunk(sb, prefix, tag == CONTENT, text)) : null;
        }
        case ROLE -> want ? StreamEvent.chunk(seq, role(sb, prefix)) : null;
        case KEEPALIVE -> want ? StreamEvent.chunk(seq, finish(sb, prefix, null)) : null;
        case FINISH -> {
          String fr = in.str();
          yield want ? StreamEvent.chunk(seq, finish(sb, prefix, fr)) : null;
        }
        case USAGE -> {
          long p = in.zigzag();
          long c = in.zigzag();
          yield want ? StreamEvent.chunk(seq, usage(sb, prefix, p, c)) : null;
        }
        case TOOL_CALL -> {
          int index = (int) in.zigzag();
          String id = in.str();
          String name = in.str();
          String args = in.str();
          yield want ? StreamEvent.chunk(seq, toolCall(sb, prefix, index, id, name, args)) : null;
        }
        case DONE -> {
          long at = times ? in.varlong() : 0;
          yield want ? StreamEvent.done(seq, at) : null;
        }
        case ERROR -> {
          int status = (int) in.zigzag();
          String data = in.str();
          long at = times ? in.varlong() : 0;
          yield want ? StreamEvent.error(seq, status, data, at) : null;
        }
        case VERBATIM -> {
          // (verbatim chunks do not count toward the content text the raw prefix refers to, on either side)
          char type = (char) in.varint();
          int status = (int) in.zigzag();
          String data = in.str();
          long at = times && type != StreamEvent.CHUNK ? in.varlong() : 0;
          yield want ? new StreamEvent(type, seq, status, data, at) : null;
        }
        default -> throw new IllegalArgumentException("compact answer: unknown tag " + tag);
      };
      seq++;
      if (e == null) continue;
      out.add(e);
      chars += e.data().length();
      if (!wantRaw && chars >= maxChars && i < n - 1) {
        cut[0] = true;
        return null;
      }
    }
    if (!wantRaw) return null;
    int common = in.varint();
    String tail = in.str();
    if (common > content.length()) throw new IllegalArgumentException("compact answer: raw prefix too long");
    return common == 0 ? tail : content.substring(0, common) + tail;
  }

  // ------------------------------------------------------------------ rendering (shared by both sides)

  private static StringBuilder open(StringBuilder sb, String prefix) {
    sb.setLength(0);
    return sb.append(prefix).append(DELTA_OPEN);
  }

  static String textChunk(StringBuilder sb, String prefix, boolean content, String text) {
    JsonText.quote(open(sb, prefix).append(content ? CONTENT_KEY : REASONING_KEY), text);
    return sb.append(END_OPEN).toString();
  }

  static String role(StringBuilder sb, String prefix) {
    return open(sb, prefix).append(ROLE_BODY).append(END_OPEN).toString();
  }

  static String finish(StringBuilder sb, String prefix, String finishReason) {
    open(sb, prefix).append(END_DELTA);
    if (finishReason == null) sb.append("null"); else JsonText.quote(sb, finishReason);
    return sb.append("}]}").toString();
  }

  static String usage(StringBuilder sb, String prefix, long p, long c) {
    sb.setLength(0);
    return sb.append(prefix).append(USAGE_OPEN).append(p).append(USAGE_COMPLETION).append(c).append(USAGE_TOTAL)
        .append(p + c).append("}}").toString();
  }

  static String toolCall(StringBuilder sb, String prefix, int index, String id, String name, String args) {
    open(sb, prefix).append(TOOL_OPEN).append(index).append(TOOL_ID);
    JsonText.quote(sb, id).append(TOOL_NAME);
    JsonText.quote(sb, name).append(TOOL_ARGS);
    JsonText.quote(sb, args).append(TOOL_CLOSE);
    return sb.append(END_OPEN).toString();
  }

  // ------------------------------------------------------------------ recognising events

  /**
   * The {@code {"id":"…","object":"chat.completion.chunk","created":N,"model":"…","choices":} prefix of the
   * first chunk that has one, or "" (then every chunk is stored verbatim or with an empty prefix).
   */
  static String findPrefix(List<StreamEvent> events) {
    for (StreamEvent e : events) {
      if (e.type() != StreamEvent.CHUNK) continue;
      String d = e.data();
      int i = expect(d, 0, "{\"id\":");
      i = i < 0 ? -1 : skipString(d, i);
      i = i < 0 ? -1 : expect(d, i, ",\"object\":\"chat.completion.chunk\",\"created\":");
      if (i < 0) continue;
      int digits = i;
      while (i < d.length() && d.charAt(i) >= '0' && d.charAt(i) <= '9') i++;
      if (i == digits) continue;
      i = expect(d, i, ",\"model\":");
      i = i < 0 ? -1 : skipString(d, i);
      i = i < 0 ? -1 : expect(d, i, ",\"choices\":");
      if (i > 0) return d.substring(0, i);
    }
    return "";
  }

  private static int expect(String s, int at, String lit) {
    return s.startsWith(lit, at) ? at + lit.length() : -1;
  }

  /** The index after the JSON string that starts at {@code at}, or -1. */
  private static int skipString(String s, int at) {
    if (at >= s.length() || s.charAt(at) != '"') return -1;
    for (int i = at + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') i++;
      else if (c == '"') return i + 1;
    }
    return -1;
  }

  /** Recognises the events of one answer; reuses its buffers. */
  private static final class Matcher {
    private final String prefix;
    private final StringBuilder sb = new StringBuilder(256);
    private final StringBuilder s1 = new StringBuilder(64);
    private final StringBuilder s2 = new StringBuilder(64);
    private final StringBuilder s3 = new StringBuilder(64);
    private final long[] num = new long[1];

    Matcher(String prefix) {
      this.prefix = prefix;
    }

    void encode(StreamEvent e, Out out, StringBuilder content) {
      String d = e.data();
      if (e.type() == StreamEvent.DONE && e.status() == 200 && DONE_DATA.equals(d)) {
        out.b(DONE).varint(e.endedAt());
        return;
      }
      if (e.type() == StreamEvent.ERROR) {
        out.b(ERROR).zigzag(e.status()).str(d).varint(e.endedAt());
        return;
      }
      if (e.type() == StreamEvent.CHUNK && e.status() == 200 && d.startsWith(prefix) && chunk(d, out, content)) {
        return;
      }
      out.b(VERBATIM).varint(e.type()).zigzag(e.status()).str(d);
      if (e.type() != StreamEvent.CHUNK) out.varint(e.endedAt());
    }

    /** Writes a recognised chunk and returns true, or writes nothing and returns false. */
    private boolean chunk(String d, Out out, StringBuilder content) {
      int p = prefix.length();
      int q = expect(d, p, DELTA_OPEN);
      if (q < 0) {
        return usageChunk(d, p, out);
      }
      if (d.startsWith(CONTENT_KEY, q) || d.startsWith(REASONING_KEY, q)) {
        boolean isContent = d.charAt(q + 1) == 'c';
        int at = q + (isContent ? CONTENT_KEY.length() : REASONING_KEY.length());
        int end = readString(d, at, s1);
        if (end < 0 || d.length() - end != END_OPEN.length()) return false;
        String text = s1.toString();
        if (!textChunk(sb, prefix, isContent, text).equals(d)) return false;
        out.b(isContent ? CONTENT : REASONING).str(text);
        if (isContent) content.append(text);
        return true;
      }
      if (d.startsWith(ROLE_BODY, q)) {
        if (!role(sb, prefix).equals(d)) return false;
        out.b(ROLE);
        return true;
      }
      if (d.startsWith(END_DELTA, q)) {
        int at = q + END_DELTA.length();
        String fr = null;
        if (!d.startsWith("null", at)) {
          if (readString(d, at, s1) < 0) return false;
          fr = s1.toString();
        }
        if (!finish(sb, prefix, fr).equals(d)) return false;
        if (fr == null) out.b(KEEPALIVE); else out.b(FINISH).str(fr);
        return true;
      }
      if (d.startsWith(TOOL_OPEN, q)) {
        int at = readLong(d, q + TOOL_OPEN.length(), num);
        if (at < 0 || num[0] > Integer.MAX_VALUE) return false;
        int index = (int) num[0];
        at = expect(d, at, TOOL_ID);
        at = at < 0 ? -1 : readString(d, at, s1);
        at = at < 0 ? -1 : expect(d, at, TOOL_NAME);
        at = at < 0 ? -1 : readString(d, at, s2);
        at = at < 0 ? -1 : expect(d, at, TOOL_ARGS);
        at = at < 0 ? -1 : readString(d, at, s3);
        if (at < 0) return false;
        String id = s1.toString();
        String name = s2.toString();
        String args = s3.toString();
        if (!toolCall(sb, prefix, index, id, name, args).equals(d)) return false;
        out.b(TOOL_CALL).zigzag(index).str(id).str(name).str(args);
        return true;
      }
      return false;
    }

    private boolean usageChunk(String d, int p, Out out) {
      int at = expect(d, p, USAGE_OPEN);
      at = at < 0 ? -1 : readLong(d, at, num);
      if (at < 0) return false;
      long prompt = num[0];
      at = expect(d, at, USAGE_COMPLETION);
      at = at < 0 ? -1 : readLong(d, at, num);
      if (at < 0) return false;
      long completion = num[0];
      if (!usage(sb, prefix, prompt, completion).equals(d)) return false;
      out.b(USAGE).zigzag(prompt).zigzag(completion);
      return true;
    }
  }

  /** A non-negative decimal at {@code at} into {@code v[0]}; the index after it, or -1. */
  private static int readLong(String s, int at, long[] v) {
    long n = 0;
    int i = at;
    while (i < s.length() && i - at < 18) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') break;
      n = n * 10 + (c - '0');
      i++;
    }
    if (i == at) return -1;
    v[0] = n;
    return i;
  }

  /**
   * Decodes the JSON string at {@code at} into {@code out} (cleared first); the index after its closing
   * quote, or -1 when there is none or an escape is malformed. Whether the text was written the canonical
   * way is checked afterwards, by re-rendering.
   */
  static int readString(String s, int at, StringBuilder out) {
    out.setLength(0);
    if (at >= s.length() || s.charAt(at) != '"') return -1;
    int n = s.length();
    int start = at + 1;
    for (int i = start; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"') {
        out.append(s, start, i);
        return i + 1;
      }
      if (c != '\\') continue;
      out.append(s, start, i);
      if (++i >= n) return -1;
      char x = s.charAt(i);
      switch (x) {
        case '"', '\\', '/' -> out.append(x);
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (i + 4 >= n) return -1;
          int v = 0;
          for (int k = 1; k <= 4; k++) {
            int h = Character.digit(s.charAt(i + k), 16);
            if (h < 0) return -1;
            v = (v << 4) | h;
          }
          out.append((char) v);
          i += 4;
        }
        default -> {
          return -1;
        }
      }
      start = i + 1;
    }
    return -1;
  }

  private static int commonPrefix(CharSequence a, CharSequence b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) i++;
    return i;
  }

  // ------------------------------------------------------------------ bytes

  /** A growable byte buffer with varints and WTF-8 strings. */
  private static final class Out {
    private byte[] buf;
    private int len;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int n) {
      if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    Out b(int v) {
      ensure(1);
      buf[len++] = (byte) v;
      return this;
    }

    Out varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[len++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[len++] = (byte) v;
      return this;
    }

    Out zigzag(long v) {
      return varint((v << 1) ^ (v >> 63));
    }

    Out str(String s) {
      return str(s, 0, s.length());
    }

    Out bytes(byte[] b, int from, int to) {
      ensure(to - from);
      System.arraycopy(b, from, buf, len, to - from);
      len += to - from;
      return this;
    }

    /** {@code s[from, to)} as a varint byte length and WTF-8 bytes. */
    Out str(CharSequence s, int from, int to) {
      int bytes = 0;
      boolean ascii = true;
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          bytes++;
        } else {
          ascii = false;
          if (c < 0x800) {
            bytes += 2;
          } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
            bytes += 4;
            i++;
          } else {
            bytes += 3;
          }
        }
      }
      varint(bytes);
      ensure(bytes);
      if (ascii) {
        for (int i = from; i < to; i++) buf[len++] = (byte) s.charAt(i);
        return this;
      }
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          buf[len++] = (byte) c;
        } else if (c < 0x800) {
          buf[len++] = (byte) (0xC0 | (c >> 6));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          buf[len++] = (byte) (0xF0 | (cp >> 18));
          buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          buf[len++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          // BMP characters, and unpaired surrogates (WTF-8), in three bytes
          buf[len++] = (byte) (0xE0 | (c >> 12));
          buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      return this;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, len);
    }
  }

  private static final class In {
    private final byte[] b;
    private int pos;
    private char[] chars = new char[64];

    In(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    int u8() {
      if (pos >= b.length) throw truncated();
      return b[pos++] & 0xFF;
    }

    long varlong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int x = u8();
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) return v;
      }
      throw new IllegalArgumentException("compact answer: varint too long");
    }

    int varint() {
      long v = varlong();
      if (v < 0 || v > Integer.MAX_VALUE) throw new IllegalArgumentException("compact answer: bad length");
      return (int) v;
    }

    long zigzag() {
      long v = varlong();
      return (v >>> 1) ^ -(v & 1);
    }

    String str() {
      int n = varint();
      if (n > b.length - pos) throw truncated();
      int end = pos + n;
      if (ascii(end)) {
        String s = new String(b, pos, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        pos = end;
        return s;
      }
      int k = decodeChars(end); // (it may replace the array: read it after)
      return new String(chars, 0, k);
    }

    /** As {@link #str}, appended to {@code sb} instead of made a string. */
    void strInto(StringBuilder sb) {
      int n = varint();
      if (n > b.length - pos) throw truncated();
      int end = pos + n;
      if (ascii(end)) {
        sb.ensureCapacity(sb.length() + n);
        for (int i = pos; i < end; i++) sb.append((char) b[i]);
        pos = end;
        return;
      }
      int k = decodeChars(end);
      sb.append(chars, 0, k);
    }

    void skipStr() {
      int n = varint();
      if (n > b.length - pos) throw truncated();
      pos += n;
    }

    /**
     * Moves past the fields of an event with {@code tag}; a content delta's text is appended to {@code content} (when
     * not null). {@code times}: terminal events carry their end time (version 2).
     */
    void skipFields(int tag, StringBuilder content, boolean times) {
      switch (tag) {
        case CONTENT -> {
          if (content == null) skipStr(); else strInto(content);
        }
        case REASONING, FINISH -> skipStr();
        case ROLE, KEEPALIVE -> { }
        case USAGE -> {
          zigzag();
          zigzag();
        }
        case TOOL_CALL -> {
          zigzag();
          skipStr();
          skipStr();
          skipStr();
        }
        case DONE -> {
          if (times) varlong();
        }
        case ERROR -> {
          zigzag();
          skipStr();
          if (times) varlong();
        }
        case VERBATIM -> {
          int type = varint();
          zigzag();
          skipStr();
          if (times && type != StreamEvent.CHUNK) varlong();
        }
        default -> throw new IllegalArgumentException("compact answer: unknown tag " + tag);
      }
    }

    private boolean ascii(int end) {
      for (int i = pos; i < end; i++) {
        if (b[i] < 0) return false;
      }
      return true;
    }

    /** The WTF-8 bytes up to {@code end} as chars in {@link #chars}; their count. */
    private int decodeChars(int end) {
      int n = end - pos;
      if (chars.length < n) chars = new char[Math.max(n, chars.length * 2)];
      int k = 0;
      int i = pos;
      while (i < end) {
        int x = b[i] & 0xFF;
        if (x < 0x80) {
          chars[k++] = (char) x;
          i++;
        } else if (x < 0xE0) {
          need(i + 2, end);
          chars[k++] = (char) (((x & 0x1F) << 6) | (b[i + 1] & 0x3F));
          i += 2;
        } else if (x < 0xF0) {
          need(i + 3, end);
          chars[k++] = (char) (((x & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F));
          i += 3;
        } else {
          need(i + 4, end);
          int cp = ((x & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
          chars[k++] = Character.highSurrogate(cp);
          chars[k++] = Character.lowSurrogate(cp);
          i += 4;
        }
      }
      pos = end;
      return k;
    }

    private static void need(int upTo, int end) {
      if (upTo > end) throw truncated();
    }

    private static IllegalArgumentException truncated() {
      return new IllegalArgumentException("compact answer: truncated");
    }
  }
}
