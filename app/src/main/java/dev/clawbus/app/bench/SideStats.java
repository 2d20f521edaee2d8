package dev.clawbus.app.bench;

/**
 * What one side of a benchmark (the target, or the backend directly) measured over all its rounds:
 * per-request time to first token and completion time, every inter-token gap, tokens, errors and the
 * wall time the rounds took. Only the client's event loop writes to it.
 */
public final class SideStats {
  final Samples ttftNanos = new Samples();
  final Samples completionNanos = new Samples();
  final Samples gapNanos = new Samples(4096);
  /** Per request: tokens divided by the streaming time after the first token, in tokens/s. */
  final Samples streamTokensPerSecond = new Samples();
  long tokens;
  long requests;
  long errors;
  long wallNanos;
  String firstError;

  void error(String message) {
    errors++;
    if (firstError == null) firstError = message;
  }

  public long requests() { return requests; }
  public long errors() { return errors; }
  public long tokens() { return tokens; }
  public String firstError() { return firstError; }

  public double ttftMs(double p) { return ms(ttftNanos.percentile(p)); }
  public double gapMs(double p) { return ms(gapNanos.percentile(p)); }
  public double completionMs(double p) { return ms(completionNanos.percentile(p)); }
  public double streamTokensPerSecond(double p) { return streamTokensPerSecond.percentile(p); }

  /** Aggregate tokens per second over the wall time of all rounds. */
  public double tokensPerSecond() {
    return wallNanos == 0 ? 0 : tokens * 1e9 / wallNanos;
  }

  /** Successful requests per second over the wall time of all rounds. */
  public double requestsPerSecond() {
    return wallNanos == 0 ? 0 : (requests - errors) * 1e9 / wallNanos;
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }
}
