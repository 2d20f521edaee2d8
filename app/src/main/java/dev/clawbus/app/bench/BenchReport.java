package dev.clawbus.app.bench;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Locale;

/** Prints a benchmark's figures: a table for people, or one JSON object for scripts. */
final class BenchReport {
  private static final double[] PERCENTILES = {50, 95, 99};

  private BenchReport() {}

  static JsonObject json(BenchOptions o, SideStats target, SideStats direct) {
    JsonObject config = new JsonObject().put("target", o.target().toString())
        .put("direct", o.direct() == null ? null : o.direct().toString()).put("concurrency", o.concurrency())
        .put("requests", o.requests()).put("words", o.words()).put("stream", o.stream()).put("model", o.model())
        .put("prompt_words", o.promptWords()).put("ttft_ms", o.ttftMs()).put("tps", o.tps())
        .put("rounds", o.rounds()).put("warmup", o.warmup());
    JsonObject out = new JsonObject().put("config", config).put("target", side(target));
    if (direct != null) {
      out.put("direct", side(direct));
      JsonObject added = new JsonObject();
      for (double p : PERCENTILES) {
        added.put("ttft_ms_p" + (int) p, round(target.ttftMs(p) - direct.ttftMs(p)));
        added.put("completion_ms_p" + (int) p, round(target.completionMs(p) - direct.completionMs(p)));
      }
      out.put("added", added);
      out.put("ratio", new JsonObject()
          .put("tokens_per_s", ratio(target.tokensPerSecond(), direct.tokensPerSecond()))
          .put("requests_per_s", ratio(target.requestsPerSecond(), direct.requestsPerSecond()))
          .put("stream_tokens_per_s_p50", ratio(target.streamTokensPerSecond(50), direct.streamTokensPerSecond(50))));
    }
    return out;
  }

  private static JsonObject side(SideStats s) {
    JsonObject j = new JsonObject().put("requests", s.requests()).put("errors", s.errors())
        .put("first_error", s.firstError()).put("tokens", s.tokens());
    for (double p : PERCENTILES) {
      j.put("ttft_ms_p" + (int) p, round(s.ttftMs(p)));
    }
    for (double p : PERCENTILES) j.put("gap_ms_p" + (int) p, round(s.gapMs(p)));
    for (double p : PERCENTILES) j.put("completion_ms_p" + (int) p, round(s.completionMs(p)));
    return j.put("stream_tokens_per_s_p50", round(s.streamTokensPerSecond(50)))
        .put("tokens_per_s", round(s.tokensPerSecond())).put("requests_per_s", round(s.requestsPerSecond()))
        .put("wall_s", round(s.wallNanos / 1e9));
  }

  static void table(PrintStream out, BenchOptions o, SideStats target, SideStats direct) {
    out.printf(Locale.ROOT, "clawbus bench: %s %s requests per side, %d in flight, %d words%s%s, %d rounds%n",
        o.durationSeconds() > 0 ? target.requests() + " (" + o.durationSeconds() + " s of)" : o.requests(), o.stream() ? "streaming" : "non-streaming", o.concurrency(), o.words(),
        o.tps() == null ? "" : ", " + o.tps() + " tok/s/stream", o.ttftMs() == null ? "" : ", sim ttft " + o.ttftMs()
            + " ms", o.rounds());
    out.printf(Locale.ROOT, "  target %s%n", o.target());
    if (direct != null) out.printf(Locale.ROOT, "  direct %s%n", o.direct());
    String head = direct == null ? "%-24s %12s%n" : "%-24s %12s %12s %12s%n";
    out.printf(Locale.ROOT, head, "", "target", "direct", "added");
    for (double p : PERCENTILES) {
      row(out, "ttft p" + (int) p + " (ms)", target.ttftMs(p), direct == null ? null : direct.ttftMs(p), true);
    }
    for (double p : PERCENTILES) {
      row(out, "gap p" + (int) p + " (ms)", target.gapMs(p), direct == null ? null : direct.gapMs(p), true);
    }
    for (double p : PERCENTILES) {
      row(out, "completion p" + (int) p + " (ms)", target.completionMs(p),
          direct == null ? null : direct.completionMs(p), true);
    }
    String ratioHead = direct == null ? "" : "   (ratio)";
    out.print(ratioHead.isEmpty() ? "" : "");
    row(out, "stream tok/s p50", target.streamTokensPerSecond(50),
        direct == null ? null : direct.streamTokensPerSecond(50), false);
    row(out, "tokens/s", target.tokensPerSecond(), direct == null ? null : direct.tokensPerSecond(), false);
    row(out, "requests/s", target.requestsPerSecond(), direct == null ? null : direct.requestsPerSecond(), false);
    out.printf(Locale.ROOT, direct == null ? "%-24s %12d%n" : "%-24s %12d %12d%n", "errors", target.errors(),
        direct == null ? 0 : direct.errors());
    if (target.firstError() != null) out.println("  first target error: " + target.firstError());
    if (direct != null && direct.firstError() != null) out.println("  first direct error: " + direct.firstError());
  }

  /** Latencies show the difference (added), rates the ratio target/direct. */
  private static void row(PrintStream out, String name, double t, Double d, boolean latency) {
    if (d == null) {
      out.printf(Locale.ROOT, "%-24s %12.2f%n", name, t);
    } else if (latency) {
      out.printf(Locale.ROOT, "%-24s %12.2f %12.2f %+12.2f%n", name, t, d, t - d);
    } else {
      out.printf(Locale.ROOT, "%-24s %12.1f %12.1f %11.1f%%%n", name, t, d, d == 0 ? 0 : 100 * t / d);
    }
  }

  private static double ratio(double a, double b) {
    return b == 0 ? 0 : round(a / b);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
