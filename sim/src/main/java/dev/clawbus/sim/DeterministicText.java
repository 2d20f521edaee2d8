package dev.clawbus.sim;

/**
 * The simulator's default answer: {@code W} English-looking words in sentences, a pure function of a
 * 64-bit seed. Each word (with its leading space and trailing period) is exactly one token, and the
 * token strings are shared constants, so a long answer costs one array, not one string per token.
 */
final class DeterministicText {
  private static final String[] VOCAB = ("the gateway stream token model server request answer client queue "
      + "kafka cluster node retry journal event parser tool call message buffer window context prompt batch "
      + "latency timer socket thread worker state commit offset partition record header chunk delta usage "
      + "limit budget tenant policy route backend restart crash resume sequence replay error status health "
      + "metric counter gauge cache memory disk network packet frame reader writer handler loop future "
      + "promise value result option config schema field index table column function argument command shell "
      + "output input signal process system kernel driver device vector matrix layer weight tensor shard "
      + "replica leader follower election quorum consensus lease lock mutex fence epoch term log segment "
      + "snapshot compaction checkpoint watermark deadline timeout backoff jitter budget fairness priority "
      + "always never often rarely quickly slowly safely cleanly quietly loudly gently firmly simply "
      + "carefully eventually directly exactly nearly mostly fully partly early late soon again "
      + "runs sends reads writes keeps holds moves takes makes finds shows tells gives brings builds checks "
      + "starts stops waits grows splits joins merges fails heals counts parses routes stores loads drops "
      + "small large fast slow busy idle fresh stale clean dirty solid brave quiet steady eager calm plain "
      + "bright dark warm cold green blue red golden silver wooden stone paper glass iron copper velvet "
      + "with from into over under after before between through across behind beyond within without "
      + "and but so yet while because although unless until when where whenever").split(" ");

  /** Index [word][variant]: 0 "word", 1 " word", 2 " word.", 3 "Word", 4 " Word", 5 "Word.", 6 " Word." */
  private static final String[][] TOKENS = new String[VOCAB.length][];

  /** Each shared token string, JSON-quoted and encoded once (keyed by identity: the tokens are constants). */
  private static final java.util.IdentityHashMap<String, byte[]> QUOTED = new java.util.IdentityHashMap<>();

  static {
    for (int i = 0; i < VOCAB.length; i++) {
      String w = VOCAB[i];
      String cap = Character.toUpperCase(w.charAt(0)) + w.substring(1);
      TOKENS[i] = new String[] {w, " " + w, " " + w + ".", cap, " " + cap, cap + ".", " " + cap + "."};
      for (String t : TOKENS[i]) QUOTED.put(t, SseBytes.quote(t));
    }
  }

  /** The JSON-quoted UTF-8 bytes of a token, from the cache when it is one of ours. */
  static byte[] quoted(String token) {
    byte[] b = QUOTED.get(token);
    return b != null ? b : SseBytes.quote(token);
  }

  private DeterministicText() {}

  /** The answer as tokens whose concatenation is the text. */
  static String[] tokens(long seed, int words) {
    String[] out = new String[words];
    long state = seed;
    int sentenceLeft = 0;
    for (int i = 0; i < words; i++) {
      state = mix(state);
      int w = (int) Long.remainderUnsigned(state >>> 8, VOCAB.length);
      boolean first = sentenceLeft == 0;
      if (first) {
        state = mix(state);
        sentenceLeft = 6 + (int) Long.remainderUnsigned(state >>> 8, 9);
      }
      sentenceLeft--;
      boolean last = sentenceLeft == 0 || i == words - 1;
      int variant;
      if (i == 0) variant = last ? 5 : 3;
      else if (first) variant = last ? 6 : 4;
      else variant = last ? 2 : 1;
      out[i] = TOKENS[w][variant];
    }
    return out;
  }

  static String text(long seed, int words) {
    StringBuilder sb = new StringBuilder(words * 8);
    for (String t : tokens(seed, words)) sb.append(t);
    return sb.toString();
  }

  /** splitmix64: well distributed and identical on every JVM. */
  static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
