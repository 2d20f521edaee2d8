package dev.clawbus.app.bench;

import java.net.URI;
import java.util.List;

/** The options of {@code clawbus bench}, parsed and checked; a mistake is an {@link IllegalArgumentException}. */
record BenchOptions(URI target, URI direct, int concurrency, int requests, int words, boolean stream, boolean json,
    String model, int promptWords, Integer ttftMs, Integer tps, boolean simDirective, int rounds, int warmup,
    int timeoutSeconds, String apiKey, int durationSeconds, int progressSeconds) {

  static final String USAGE = """
      usage: clawbus bench --target URL [--direct URL] [options]

      Streams chat completions against URL (clawbus, or any OpenAI-compatible server) with a fixed number
      of requests in flight, reading SSE the way clients do, and reports time to first token, inter-token
      gap, completion time, tokens/s, requests/s and errors. With --direct, the same load also runs against
      the backend itself, in alternating rounds so drift affects both sides, and the differences are shown.

        --target URL            server under test (base URL, e.g. http://127.0.0.1:8003)
        --direct URL            the backend behind it (e.g. the vLLM simulator), measured the same way
        --concurrency C         requests in flight (default 8)
        --requests N            measured requests per side (default 64)
        --words W               answer length in tokens: sim directive and max_tokens (default 64)
        --stream | --no-stream  streaming (default) or one JSON answer
        --model ID              model name (default clawbus-sim)
        --prompt-words N        words in the user message (default 32)
        --ttft-ms N             sim directive: time to first token
        --tps N                 sim directive: tokens per second per stream
        --no-sim-directive      send no [[sim ...]] directive (a real vLLM backend)
        --rounds R              alternate target/direct this many times (default 4; each round N/R requests)
        --warmup N              unmeasured requests per side first (default: C)
        --timeout-seconds S     a request taking longer is an error (default 120)
        --api-key KEY           bearer token for the target
        --duration-seconds S    instead of --requests: keep C requests in flight for S seconds (one round,
                                target only; requests running at the end finish and count)
        --progress-seconds P    print a progress line (requests, tokens, tokens/s of the interval) every P s
        --json                  print one JSON object instead of the table
        --help                  this text
      """;

  static BenchOptions parse(List<String> args) {
    URI target = null;
    URI direct = null;
    int concurrency = 8;
    int requests = 64;
    int words = 64;
    boolean stream = true;
    boolean json = false;
    String model = "clawbus-sim";
    int promptWords = 32;
    Integer ttftMs = null;
    Integer tps = null;
    boolean simDirective = true;
    int rounds = 4;
    Integer warmup = null;
    int timeout = 120;
    String apiKey = null;
    int duration = 0;
    int progress = 0;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--target" -> target = url(value(args, ++i, a), a);
        case "--direct" -> direct = url(value(args, ++i, a), a);
        case "--concurrency" -> concurrency = positive(args, ++i, a);
        case "--requests" -> requests = positive(args, ++i, a);
        case "--words" -> words = positive(args, ++i, a);
        case "--stream" -> stream = true;
        case "--no-stream" -> stream = false;
        case "--json" -> json = true;
        case "--model" -> model = value(args, ++i, a);
        case "--prompt-words" -> promptWords = positive(args, ++i, a);
        case "--ttft-ms" -> ttftMs = nonNegative(args, ++i, a);
        case "--tps" -> tps = positive(args, ++i, a);
        case "--no-sim-directive" -> simDirective = false;
        case "--rounds" -> rounds = positive(args, ++i, a);
        case "--warmup" -> warmup = nonNegative(args, ++i, a);
        case "--timeout-seconds" -> timeout = positive(args, ++i, a);
        case "--api-key" -> apiKey = value(args, ++i, a);
        case "--duration-seconds" -> duration = positive(args, ++i, a);
        case "--progress-seconds" -> progress = positive(args, ++i, a);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (target == null) throw new IllegalArgumentException("--target is required");
    if (duration > 0) {
      if (direct != null) throw new IllegalArgumentException("--duration-seconds measures the target only (no --direct)");
      requests = Integer.MAX_VALUE;
      rounds = 1;
    }
    rounds = Math.min(rounds, requests);
    return new BenchOptions(target, direct, concurrency, requests, words, stream, json, model, promptWords, ttftMs,
        tps, simDirective, rounds, warmup == null ? concurrency : warmup, timeout, apiKey, duration, progress);
  }

  /** The [[sim ...]] block that makes the simulator answer with this length and pace. */
  String directive() {
    StringBuilder d = new StringBuilder("[[sim words=").append(words);
    if (tps != null) d.append(" tps=").append(tps);
    if (ttftMs != null) d.append(" ttft_ms=").append(ttftMs);
    return d.append("]]").toString();
  }

  private static String value(List<String> args, int i, String flag) {
    if (i >= args.size()) throw new IllegalArgumentException(flag + " needs a value");
    return args.get(i);
  }

  private static int nonNegative(List<String> args, int i, String flag) {
    String v = value(args, i, flag);
    try {
      int n = Integer.parseInt(v);
      if (n < 0) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a non-negative number, got '" + v + "'");
    }
  }

  private static int positive(List<String> args, int i, String flag) {
    int n = nonNegative(args, i, flag);
    if (n == 0) throw new IllegalArgumentException(flag + " must be at least 1");
    return n;
  }

  private static URI url(String s, String flag) {
    try {
      URI u = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      if (!"http".equals(u.getScheme()) || u.getHost() == null) throw new IllegalArgumentException();
      return u;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " must be an http URL like http://127.0.0.1:8003, got '" + s + "'");
    }
  }
}
