package dev.clawbus.sim;

/**
 * Settings of one {@link VllmSimulator}. Per-request overrides (speed, length, output) come from
 * {@code [[sim ...]]} directives, see {@link VllmSimulator}.
 *
 * @param adminPort a second listener that serves only {@code /sim/...}; it stays open while the main
 *     listener is "crashed", so another process can still bring the simulator back. {@code -1} = none,
 *     {@code 0} = a free port.
 */
public record SimOptions(String host, int port, String model, int maxModelLen, boolean strict, int ttftMs,
    int tokensPerSecond, int defaultWords, int adminPort) {

  public SimOptions {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must be set");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
    if (adminPort < -1 || adminPort > 65535) {
      throw new IllegalArgumentException("admin port must be -1..65535, got " + adminPort);
    }
    if (model == null || model.isBlank()) throw new IllegalArgumentException("model must be set");
    if (maxModelLen < 16) throw new IllegalArgumentException("max model len must be >= 16, got " + maxModelLen);
    if (ttftMs < 0) throw new IllegalArgumentException("ttft must be >= 0, got " + ttftMs);
    if (tokensPerSecond < 1) throw new IllegalArgumentException("tokens per second must be >= 1, got " + tokensPerSecond);
    if (defaultWords < 1) throw new IllegalArgumentException("default words must be >= 1, got " + defaultWords);
  }

  public SimOptions(String host, int port, String model, int maxModelLen, boolean strict, int ttftMs,
      int tokensPerSecond, int defaultWords) {
    this(host, port, model, maxModelLen, strict, ttftMs, tokensPerSecond, defaultWords, -1);
  }

  /** 127.0.0.1:8000, model {@code clawbus-sim}, 32768 tokens context, lenient, TTFT 20 ms, 200 tokens/s, 40 words. */
  public static SimOptions defaults() {
    return new SimOptions("127.0.0.1", 8000, "clawbus-sim", 32768, false, 20, 200, 40, -1);
  }

  public SimOptions withHost(String h) {
    return new SimOptions(h, port, model, maxModelLen, strict, ttftMs, tokensPerSecond, defaultWords, adminPort);
  }

  public SimOptions withPort(int p) {
    return new SimOptions(host, p, model, maxModelLen, strict, ttftMs, tokensPerSecond, defaultWords, adminPort);
  }

  public SimOptions withModel(String m) {
    return new SimOptions(host, port, m, maxModelLen, strict, ttftMs, tokensPerSecond, defaultWords, adminPort);
  }

  public SimOptions withMaxModelLen(int n) {
    return new SimOptions(host, port, model, n, strict, ttftMs, tokensPerSecond, defaultWords, adminPort);
  }

  public SimOptions withStrict(boolean s) {
    return new SimOptions(host, port, model, maxModelLen, s, ttftMs, tokensPerSecond, defaultWords, adminPort);
  }

  public SimOptions withTtftMs(int t) {
    return new SimOptions(host, port, model, maxModelLen, strict, t, tokensPerSecond, defaultWords, adminPort);
  }

  public SimOptions withTokensPerSecond(int tps) {
    return new SimOptions(host, port, model, maxModelLen, strict, ttftMs, tps, defaultWords, adminPort);
  }

  public SimOptions withDefaultWords(int w) {
    return new SimOptions(host, port, model, maxModelLen, strict, ttftMs, tokensPerSecond, w, adminPort);
  }

  public SimOptions withAdminPort(int p) {
    return new SimOptions(host, port, model, maxModelLen, strict, ttftMs, tokensPerSecond, defaultWords, p);
  }
}
