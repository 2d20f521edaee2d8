package dev.clawbus.infra.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.contract.ChunkWriter;
import dev.clawbus.infra.contract.OpenAiError;
import dev.clawbus.infra.contract.StreamEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompactAnswerTest {
  private static final String[] WORDS = {" the", " gateway", " relays", " tokens", " from", " vLLM", ",", ".", " a",
      " journal", " keeps", " every", " event", "\n", " and", " clients", " resume", " by", " sequence", " number"};
  private static final String[] ODD = {"é", "ü", "日本", "😀", "\"", "\\", "\n", "\t", "\r", "\u0001", "\u001f",
      "\u2028", "\u2029", "</tool_call>", "{\"a\":1}", "\ud83d", "\ude00", "\u007f", "\u0080", "\u07ff", "\u0800",
      "\uffff", "/", "\b", "\f", "<", "&"};

  /** One generated answer: the events as the dispatcher writes them and the raw model text. */
  record Answer(List<StreamEvent> events, String raw, int tokens) {}

  static String token(Random r, boolean odd) {
    if (odd && r.nextInt(4) == 0) return ODD[r.nextInt(ODD.length)] + (r.nextBoolean() ? WORDS[r.nextInt(WORDS.length)] : "");
    return WORDS[r.nextInt(WORDS.length)];
  }

  /**
   * A random answer: role, optional reasoning, content tokens (some multi-token chunks, as a continuation
   * re-tokenised gives), keepalives, tool calls, finish, usage, DONE or an error; raw text that matches the
   * content, or has tool markup in it, or was cut back and continued.
   */
  static Answer generate(Random r) {
    ChunkWriter w = new ChunkWriter("chatcmpl-" + Long.toHexString(r.nextLong()), 1_700_000_000L + r.nextInt(1000),
        r.nextInt(5) == 0 ? "Qwen/Qwen3-Coder \"Next\" ü" : "qwen3-coder-next-fp8");
    boolean odd = r.nextInt(3) == 0;
    List<StreamEvent> events = new ArrayList<>();
    StringBuilder raw = new StringBuilder();
    long[] seq = {0};
    java.util.function.Consumer<String> chunk = s -> events.add(StreamEvent.chunk(seq[0]++, s));
    chunk.accept(w.role());
    int tokens = 0;
    int reasoning = r.nextInt(3) == 0 ? r.nextInt(50) : 0;
    for (int i = 0; i < reasoning; i++) {
      chunk.accept(w.reasoning(token(r, odd)));
      tokens++;
    }
    int n = r.nextInt(300);
    boolean continued = r.nextInt(4) == 0;
    int calls = 0;
    for (int i = 0; i < n; i++) {
      StringBuilder t = new StringBuilder(token(r, odd));
      if (continued && i > n / 2) {
        for (int k = r.nextInt(4); k > 0; k--) t.append(token(r, odd)); // chunks of several tokens
      }
      chunk.accept(w.content(t));
      raw.append(t);
      tokens++;
      if (r.nextInt(60) == 0) chunk.accept(w.keepalive());
      if (r.nextInt(120) == 0) {
        String args = new JsonObject().put("command", "ls -la " + token(r, true)).put("n", r.nextInt()).encode();
        chunk.accept(w.toolCall(calls++, "call" + Long.toHexString(r.nextLong()) + "t" + calls, "exec", args));
        raw.append("<tool_call>\n<function=exec>\n<parameter=command>\nls\n</parameter>\n</function>\n</tool_call>");
      }
    }
    if (continued && raw.length() > 10) {
      // cut back to a safe point and regenerated differently: raw diverges from the content deltas
      raw.setLength(raw.length() - 1 - r.nextInt(Math.min(10, raw.length() - 1)));
      raw.append(" continued");
    }
    if (r.nextInt(8) == 0) {
      OpenAiError e = OpenAiError.server(503, "vllm_unavailable", "vLLM failed 3 times; last: \"reset\" ü");
      events.add(StreamEvent.error(seq[0]++, e.status(), e.body().encode(), endedAt(r)));
    } else {
      chunk.accept(w.finish(calls > 0 ? "tool_calls" : r.nextBoolean() ? "stop" : "length"));
      if (r.nextInt(4) != 0) chunk.accept(w.usage(r.nextInt(60_000), tokens));
      events.add(StreamEvent.done(seq[0]++, endedAt(r)));
    }
    return new Answer(events, raw.toString(), tokens);
  }

  /** When a generated answer ended: mostly a time of today, sometimes unknown (0), as older events are. */
  private static long endedAt(Random r) {
    return r.nextInt(4) == 0 ? 0 : 1_700_000_000_000L + r.nextInt(1_000_000_000);
  }

  private static void assertRoundTrip(List<StreamEvent> events, String raw) {
    byte[] c = CompactAnswer.encode(events, raw);
    assertTrue(CompactAnswer.isCompact(c));
    Recorded back = CompactAnswer.decode(c);
    assertEquals(events, back.events());
    assertEquals(raw, back.raw());
    for (int i = 0; i < back.events().size(); i++) {
      StreamEvent a = events.get(i);
      StreamEvent b = back.events().get(i);
      assertArrayEquals(a.data().getBytes(StandardCharsets.UTF_16), b.data().getBytes(StandardCharsets.UTF_16));
    }
    if (!events.isEmpty()) {
      long from = events.get(events.size() / 2).seq();
      List<StreamEvent> tail = events.stream().filter(e -> e.seq() >= from).toList();
      assertEquals(tail, CompactAnswer.events(c, from));
    }
  }

  @Test
  void manyGeneratedAnswersComeBackExactly() {
    Random r = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      Answer a = generate(r);
      assertRoundTrip(a.events(), a.raw());
    }
  }

  @Test
  void recognisedChunksAreStoredAsTextNotVerbatim() {
    Answer a = generate(new Random(7));
    byte[] c = CompactAnswer.encode(a.events(), a.raw());
    int dataBytes = a.events().stream().mapToInt(e -> e.data().length()).sum();
    assertTrue(c.length * 5 < dataBytes, "compact " + c.length + " vs events " + dataBytes);
  }

  @Test
  void whatTheTemplatesCannotExpressIsKeptVerbatim() {
    ChunkWriter w = new ChunkWriter("chatcmpl-1", 1, "m");
    String content = w.content("é");
    List<StreamEvent> events = new ArrayList<>(List.of(
        StreamEvent.chunk(0, w.role()),
        StreamEvent.chunk(1, content.replace("é", "\\u00e9")),                 // another escape of the same text
        StreamEvent.chunk(2, content.replace("\"content\"", "\"content\" ")), // whitespace
        StreamEvent.chunk(3, new ChunkWriter("chatcmpl-2", 1, "m").content("x")), // another prefix
        new StreamEvent(StreamEvent.CHUNK, 4, 500, w.content("x")),           // a status chunks don't carry
        StreamEvent.chunk(5, w.usage(10, 5).replace("\"total_tokens\":15", "\"total_tokens\":16")),
        StreamEvent.chunk(6, w.usage(10, 5).replace(":10", ":010")),
        StreamEvent.chunk(7, w.toolCall(2, "id\u0000", "n\"ame", "{\"x\":\"\\u00e9\"}")),
        StreamEvent.chunk(8, "{\"not\":\"a chunk\"}"),
        StreamEvent.chunk(9, w.finish(null).replace("null}]}", "null,\"stop_reason\":null}]}")),
        StreamEvent.chunk(10, w.content("a").replace("\"a\"", "\"a\\/\"")),
        StreamEvent.chunk(11, ""),
        new StreamEvent('x', 12, 0, "unknown type"),
        new StreamEvent(StreamEvent.DONE, 13, 200, "[DONE] ")));
    events.add(StreamEvent.done(14));
    assertRoundTrip(events, "é");
    // seq gaps and an answer that does not start at 0
    assertRoundTrip(List.of(StreamEvent.chunk(5, w.content("a")), StreamEvent.chunk(9, w.content("b")),
        StreamEvent.chunk(3, w.content("c")), StreamEvent.done(4)), "abc");
    assertRoundTrip(List.of(), "");
    assertRoundTrip(List.of(), "raw only \ud800");
    assertRoundTrip(List.of(StreamEvent.error(0, 400, "{\"error\":{}}")), "");
  }

  @Test
  void terminalEventsKeepTheirEndTimeExactly() {
    ChunkWriter w = new ChunkWriter("chatcmpl-1", 1, "m");
    long t = 1_767_225_599_999L;
    List<StreamEvent> done = List.of(StreamEvent.chunk(0, w.role()), StreamEvent.chunk(1, w.content("hi")),
        StreamEvent.done(2, t));
    assertRoundTrip(done, "hi");
    assertEquals(t, CompactAnswer.decode(CompactAnswer.encode(done, "hi")).events().get(2).endedAt());
    assertEquals(t, CompactAnswer.events(CompactAnswer.encode(done, "hi"), 2).get(0).endedAt());
    assertRoundTrip(List.of(StreamEvent.error(0, 400, "{\"error\":{}}", t)), "");
    assertRoundTrip(List.of(StreamEvent.chunk(0, w.content("x")), StreamEvent.error(1, 499, "{\"error\":{}}", 1)), "x");
    // verbatim terminal events carry theirs too; a verbatim chunk has none to carry
    assertRoundTrip(List.of(new StreamEvent(StreamEvent.CHUNK, 0, 500, w.content("x")),
        new StreamEvent(StreamEvent.DONE, 1, 200, "[DONE] ", t), new StreamEvent('x', 2, 0, "unknown type", t)), "");
    // only the terminal event pays for the time: the chunks' bytes are the same with or without it
    List<StreamEvent> timeless = List.of(done.get(0), done.get(1), StreamEvent.done(2));
    byte[] with = CompactAnswer.encode(done, "hi");
    byte[] without = CompactAnswer.encode(timeless, "hi");
    assertEquals(without.length + 5, with.length, "a time of today is a 6-byte varint in place of a 1-byte 0");
    assertEquals(0, CompactAnswer.decode(without).events().get(2).endedAt());
  }

  /** Written by version 1 (before terminal events had a time): role, "hi", a verbatim DONE, an error, DONE; raw "hi". */
  private static final String VERSION_1 = "ca01567b226964223a2263686174636d706c2d31222c226f626a656374223a22636861742e"
      + "636f6d706c6574696f6e2e6368756e6b222c2263726561746564223a312c226d6f64656c223a226d222c2263686f69636573223a00050"
      + "20002686909649003075b444f4e455d2008ee070c7b226572726f72223a7b7d7d070200";

  @Test
  void readsVersion1WithoutEndTimes() {
    byte[] v1 = java.util.HexFormat.of().parseHex(VERSION_1);
    assertTrue(CompactAnswer.isCompact(v1));
    ChunkWriter w = new ChunkWriter("chatcmpl-1", 1, "m");
    List<StreamEvent> expected = List.of(StreamEvent.chunk(0, w.role()), StreamEvent.chunk(1, w.content("hi")),
        new StreamEvent(StreamEvent.DONE, 2, 200, "[DONE] "), StreamEvent.error(3, 503, "{\"error\":{}}"),
        StreamEvent.done(4));
    Recorded r = CompactAnswer.decode(v1);
    assertEquals(expected, r.events());
    assertEquals("hi", r.raw());
    assertEquals(expected.subList(2, 5), CompactAnswer.events(v1, 2));
    for (StreamEvent e : r.events()) assertEquals(0, e.endedAt());
    // what is written now is version 2, and reads back the same
    byte[] v2 = CompactAnswer.encode(r);
    assertEquals(CompactAnswer.VERSION, v2[1]);
    assertEquals(2, CompactAnswer.VERSION);
    assertEquals(r, CompactAnswer.decode(v2));
  }

  @Test
  void rawTextSharesTheContentDeltas() {
    ChunkWriter w = new ChunkWriter("chatcmpl-1", 1, "m");
    List<StreamEvent> events = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      String t = WORDS[i % WORDS.length];
      text.append(t);
      events.add(StreamEvent.chunk(i, w.content(t)));
    }
    byte[] same = CompactAnswer.encode(events, text.toString());
    byte[] none = CompactAnswer.encode(events, "");
    assertTrue(same.length - none.length <= 3, "raw equal to the content costs its length only");
    assertRoundTrip(events, text.toString());
    assertRoundTrip(events, text.substring(0, 100));
    assertRoundTrip(events, text + "<tool_call>");
    assertRoundTrip(events, "x" + text);
  }

  /**
   * An answer's journal as the writer stores it: its events cut into batches at random points (some empty, some with
   * tool-loop steps), its raw text cut likewise, some batches first cutting the raw text back (a continuation), and
   * from the middle on sometimes a gap in the sequence numbers.
   */
  private static List<byte[]> batches(Random r, List<StreamEvent> events, String raw) {
    List<byte[]> out = new ArrayList<>();
    int e = 0;
    int t = 0;
    long shift = 0;
    while (e < events.size() || t < raw.length() || out.isEmpty()) {
      int ne = Math.min(events.size() - e, r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(40));
      int nt = Math.min(raw.length() - t, r.nextInt(3) == 0 ? 0 : r.nextInt(200));
      if (out.size() > 2 && r.nextInt(6) == 0) shift += 1 + r.nextInt(3);
      List<StreamEvent> slice = new ArrayList<>();
      for (StreamEvent x : events.subList(e, e + ne)) {
        slice.add(new StreamEvent(x.type(), x.seq() + shift, x.status(), x.data(), x.endedAt()));
      }
      int truncateTo = t > 5 && r.nextInt(10) == 0 ? r.nextInt(t) : -1;
      List<JsonObject> steps = r.nextInt(10) == 0 ? List.of(new JsonObject().put("step", out.size())) : List.of();
      out.add(new JournalBatch(slice, raw.substring(t, t + nt), truncateTo, steps).encode());
      e += ne;
      t += nt;
    }
    return out;
  }

  /** What the journal's batches say, decoded one by one: the answer a spill must keep. */
  private static Recorded decodedOneByOne(List<byte[]> batches) {
    List<StreamEvent> events = new ArrayList<>();
    StringBuilder raw = new StringBuilder();
    for (byte[] b : batches) {
      JournalBatch j = JournalBatch.decode(b);
      events.addAll(j.events());
      j.applyRaw(raw);
    }
    return new Recorded(events, raw.toString());
  }

  @Test
  void anAnswersBatchesJoinedByteForByteDecodeAsTheWholeAnswer() {
    Random r = new Random(11);
    for (int i = 0; i < 1_000; i++) {
      Answer a = generate(r);
      List<byte[]> batches = batches(r, a.events(), a.raw());
      List<CompactAnswer.Part> parts = batches.stream().map(JournalBatch::part).toList();
      byte[] joined = CompactAnswer.concat(parts);
      assertTrue(joined != null, "one answer's batches share their prefix: joined without decoding");
      Recorded expected = decodedOneByOne(batches);
      Recorded back = CompactAnswer.decode(joined);
      assertEquals(expected.events(), back.events(), "answer " + i);
      assertEquals(expected.raw(), back.raw(), "answer " + i);
      assertArrayEquals(joined, JournalBatch.answerOf(batches));
      if (!expected.events().isEmpty()) {
        long from = expected.events().get(expected.events().size() / 2).seq();
        assertEquals(expected.events().stream().filter(x -> x.seq() >= from).toList(),
            CompactAnswer.events(joined, from));
      }
    }
  }

  /**
   * A follower reads a long batch a slice at a time: each read brings the events after where the client is, at least
   * one and not past the budget by more than one event, and the slices put together are exactly the events after
   * the start (of both versions).
   */
  @Test
  void aBatchIsReadASliceAtATimeAfterWhereTheClientIs() {
    Random r = new Random(17);
    List<byte[]> forms = new ArrayList<>();
    List<List<StreamEvent>> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      Answer a = generate(r);
      forms.add(CompactAnswer.encode(a.events(), a.raw()));
      expected.add(a.events());
    }
    forms.add(java.util.HexFormat.of().parseHex(VERSION_1));
    expected.add(CompactAnswer.decode(forms.get(forms.size() - 1)).events());
    for (int i = 0; i < forms.size(); i++) {
      List<StreamEvent> all = expected.get(i);
      long after = all.isEmpty() || r.nextBoolean() ? -1 : all.get(r.nextInt(all.size())).seq();
      int budget = 1 + r.nextInt(3_000);
      List<StreamEvent> got = new ArrayList<>();
      long cursor = after;
      for (int reads = 0; ; reads++) {
        assertTrue(reads <= all.size() + 1, "every read moves on");
        List<StreamEvent> slice = new ArrayList<>();
        boolean whole = CompactAnswer.eventsAfter(forms.get(i), 0, cursor, budget, slice);
        int chars = slice.stream().mapToInt(e -> e.data().length()).sum();
        if (!slice.isEmpty()) {
          assertTrue(chars - slice.get(slice.size() - 1).data().length() < budget,
              "the budget, plus one event at most");
        }
        got.addAll(slice);
        if (whole) break;
        assertFalse(slice.isEmpty(), "a cut read brought something");
        cursor = slice.get(slice.size() - 1).seq();
        assertTrue(cursor < all.get(all.size() - 1).seq(), "a read said to be cut leaves something to read");
      }
      final long from = after;
      assertEquals(all.stream().filter(e -> e.seq() > from).toList(), got, "answer " + i);
    }
  }

  @Test
  void batchesThatCannotBeJoinedAsTheyAreAreDecodedAndEncoded() {
    ChunkWriter w1 = new ChunkWriter("chatcmpl-1", 1, "m");
    ChunkWriter w2 = new ChunkWriter("chatcmpl-2", 2, "m");
    List<byte[]> twoPrefixes = List.of(
        new JournalBatch(List.of(StreamEvent.chunk(0, w1.role()), StreamEvent.chunk(1, w1.content("a"))), "a", -1)
            .encode(),
        new JournalBatch(List.of(StreamEvent.chunk(2, w2.content("b")), StreamEvent.done(3, 5)), "b", -1).encode());
    assertEquals(null, CompactAnswer.concat(twoPrefixes.stream().map(JournalBatch::part).toList()));
    Recorded r = CompactAnswer.decode(JournalBatch.answerOf(twoPrefixes));
    assertEquals(decodedOneByOne(twoPrefixes), r);

    // a batch written before terminal events had a time (version 1 inside)
    byte[] v1 = java.util.HexFormat.of().parseHex(VERSION_1);
    byte[] oldBatch = new byte[6 + v1.length];
    oldBatch[0] = JournalBatch.MAGIC;
    oldBatch[1] = JournalBatch.PLAIN;
    java.nio.ByteBuffer.wrap(oldBatch).putInt(2, -1);
    System.arraycopy(v1, 0, oldBatch, 6, v1.length);
    assertEquals(null, CompactAnswer.concat(List.of(JournalBatch.part(oldBatch))));
    assertEquals(CompactAnswer.decode(v1), CompactAnswer.decode(JournalBatch.answerOf(List.of(oldBatch))));

    // batches whose only events need no prefix join with any prefix
    List<byte[]> endOnly = List.of(twoPrefixes.get(0),
        new JournalBatch(List.of(StreamEvent.error(2, 503, "{\"error\":{}}", 7)), "", -1).encode());
    byte[] joined = CompactAnswer.concat(endOnly.stream().map(JournalBatch::part).toList());
    assertTrue(joined != null);
    assertEquals(decodedOneByOne(endOnly), CompactAnswer.decode(joined));

    assertThrows(IllegalArgumentException.class, () -> JournalBatch.answerOf(List.of(new byte[] {1, 2, 3})));
    byte[] cut = Arrays.copyOf(twoPrefixes.get(0), twoPrefixes.get(0).length - 1);
    assertThrows(IllegalArgumentException.class, () -> JournalBatch.answerOf(List.of(cut)));
  }

  @Test
  void corruptInputIsRefusedNotMisread() {
    Answer a = generate(new Random(3));
    byte[] c = CompactAnswer.encode(a.events(), a.raw());
    assertThrows(IllegalArgumentException.class, () -> CompactAnswer.decode(Arrays.copyOf(c, c.length / 2)));
    assertThrows(IllegalArgumentException.class, () -> CompactAnswer.decode(new byte[] {1, 2, 3}));
    assertFalse(CompactAnswer.isCompact("{\"e\":[]}".getBytes(StandardCharsets.UTF_8)));
  }

  // ------------------------------------------------------------------ sizes

  /** Today's form: {@link JournalWriter}'s batches of {@code perBatch} events, as {@link Journal} stores them. */
  static long batchFormBytes(List<StreamEvent> events, String raw, int perBatch) {
    long total = 0;
    int rawPerBatch = (raw.length() + events.size() - 1) / Math.max(1, events.size()) * perBatch;
    int rawAt = 0;
    for (int i = 0; i < events.size(); i += perBatch) {
      JsonArray e = new JsonArray();
      for (StreamEvent ev : events.subList(i, Math.min(events.size(), i + perBatch))) e.add(ev.encode());
      String r = raw.substring(Math.min(raw.length(), rawAt), Math.min(raw.length(), rawAt + rawPerBatch));
      rawAt += rawPerBatch;
      total += new JsonObject().put("e", e).put("r", r).encode().getBytes(StandardCharsets.UTF_8).length;
    }
    return total;
  }

  /** A plain answer of {@code words} tokens, as the dispatcher journals it. */
  static Answer plain(int words, long seed) {
    Random r = new Random(seed);
    ChunkWriter w = new ChunkWriter("chatcmpl-" + Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong()),
        1_780_000_000L, "qwen3-coder-next-fp8");
    List<StreamEvent> events = new ArrayList<>();
    StringBuilder raw = new StringBuilder();
    events.add(StreamEvent.chunk(0, w.role()));
    for (int i = 0; i < words; i++) {
      String t = WORDS[r.nextInt(WORDS.length)];
      raw.append(t);
      events.add(StreamEvent.chunk(events.size(), w.content(t)));
    }
    events.add(StreamEvent.chunk(events.size(), w.finish("stop")));
    events.add(StreamEvent.chunk(events.size(), w.usage(51_234, words)));
    events.add(StreamEvent.done(events.size()));
    return new Answer(events, raw.toString(), words);
  }

  @Test
  void sizePerTokenAgainstTodaysBatches() {
    Answer a = plain(2_000, 11);
    byte[] c = CompactAnswer.encode(a.events(), a.raw());
    long text = a.raw().getBytes(StandardCharsets.UTF_8).length;
    double overhead = (c.length - text) / (double) a.tokens();
    long b1 = batchFormBytes(a.events(), a.raw(), 1);
    long b16 = batchFormBytes(a.events(), a.raw(), 16);
    System.out.printf("compact form, 2,000-token plain answer: %d bytes = %.1f bytes/token (text %.1f, overhead %.1f);"
        + " today's batches: %.0f bytes/token at 1 event per batch, %.0f at 16 (plus a map entry per batch)%n",
        c.length, c.length / (double) a.tokens(), text / (double) a.tokens(), overhead,
        b1 / (double) a.tokens(), b16 / (double) a.tokens());
    assertTrue(overhead <= 10, "overhead per token " + overhead);
    assertTrue(c.length * 20 < b16, "compact " + c.length + " vs batches " + b16);

    Random r = new Random(5);
    long compact = 0;
    long batches = 0;
    long tokens = 0;
    for (int i = 0; i < 300; i++) {
      Answer g = generate(r);
      compact += CompactAnswer.encode(g.events(), g.raw()).length;
      batches += batchFormBytes(g.events(), g.raw(), 16);
      tokens += g.tokens();
    }
    System.out.printf("compact form, 300 mixed answers (unicode, tool calls, continuations, errors): %.1f bytes/token;"
        + " today's batches of 16: %.1f bytes/token%n", compact / (double) tokens, batches / (double) tokens);
  }

  @Test
  void encodeAndDecodeSpeed() {
    List<Answer> answers = new ArrayList<>();
    long dataChars = 0;
    for (int i = 0; i < 40; i++) {
      Answer a = plain(2_000, i);
      answers.add(a);
      for (StreamEvent e : a.events()) dataChars += e.data().length();
    }
    List<byte[]> encoded = new ArrayList<>();
    long encodeNanos = Long.MAX_VALUE;
    long decodeNanos = Long.MAX_VALUE;
    long sink = 0;
    for (int round = 0; round < 8; round++) {
      encoded.clear();
      long t0 = System.nanoTime();
      for (Answer a : answers) encoded.add(CompactAnswer.encode(a.events(), a.raw()));
      long t1 = System.nanoTime();
      for (byte[] c : encoded) sink += CompactAnswer.decode(c).events().size();
      long t2 = System.nanoTime();
      encodeNanos = Math.min(encodeNanos, t1 - t0);
      decodeNanos = Math.min(decodeNanos, t2 - t1);
    }
    long tokens = 40L * 2_000;
    System.out.printf("compact form speed (best of 8, 40 answers of 2,000 tokens, %.1f MB of event data): encode %.0f MB/s"
        + " (%.1f M tokens/s), decode %.0f MB/s (%.1f M tokens/s)%n", dataChars / 1e6,
        dataChars / (encodeNanos / 1e9) / 1e6, tokens / (encodeNanos / 1e9) / 1e6,
        dataChars / (decodeNanos / 1e9) / 1e6, tokens / (decodeNanos / 1e9) / 1e6);
    assertTrue(sink > 0);
  }
}
