package dev.clawbus.infra.limits;

import java.util.OptionalInt;

/**
 * Reads vLLM's {@code /metrics} (Prometheus text) for what clawbus needs to hold work back: requests running and
 * waiting ({@code vllm:num_requests_running}, {@code vllm:num_requests_waiting}), KV-cache usage
 * ({@code vllm:kv_cache_usage_perc}, or {@code vllm:gpu_cache_usage_perc} before vLLM 0.10) and, when some metric
 * carries it as a label, {@code max_num_seqs}. Values of the same metric with different labels (several models or
 * engines) are summed, the cache usage takes the highest. Pure; the caller polls.
 */
public final class VllmSaturation {
  /** KV-cache usage above which new work is held back. */
  public static final double DEFAULT_KV_THRESHOLD = 0.95;

  /**
   * One reading. {@code kvCacheUsage} is NaN when vLLM did not report it; {@code maxNumSeqs} is empty unless a metric
   * labels it (stock vLLM does not).
   */
  public record Snapshot(double running, double waiting, double kvCacheUsage, OptionalInt maxNumSeqs, boolean seen) {
    /** vLLM queues work of its own, or its KV cache is (nearly) full. */
    public boolean saturated(double kvThreshold) {
      return waiting > 0 || (!Double.isNaN(kvCacheUsage) && kvCacheUsage >= kvThreshold);
    }

    /**
     * What vLLM can run at once, as far as this reading tells: {@code max_num_seqs} when labelled; otherwise, while
     * vLLM has requests waiting, the number it runs (it would run more if it could).
     */
    public OptionalInt capacityHint() {
      if (maxNumSeqs.isPresent()) return maxNumSeqs;
      if (waiting > 0 && running >= 1) return OptionalInt.of((int) running);
      return OptionalInt.empty();
    }
  }

  private VllmSaturation() {}

  public static Snapshot parse(String text) {
    double running = 0;
    double waiting = 0;
    double kv = Double.NaN;
    int maxSeqs = -1;
    boolean seen = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int end = text.indexOf('\n', i);
      if (end < 0) end = n;
      if (end > i && text.charAt(i) != '#') {
        String line = text.substring(i, end).trim();
        int brace = line.indexOf('{');
        int firstSpace = line.indexOf(' ');
        boolean hasLabels = brace > 0 && (firstSpace < 0 || brace < firstSpace);
        int nameEnd = hasLabels ? brace : firstSpace;
        int labelsEnd = hasLabels ? line.indexOf('}', brace) + 1 : nameEnd;
        if (nameEnd > 0 && labelsEnd > 0) {
          String name = line.substring(0, nameEnd);
          String labels = hasLabels ? line.substring(brace, labelsEnd) : "";
          // "name{labels} value [timestamp]"
          String[] rest = line.substring(labelsEnd).trim().split("\\s+");
          double v = value(rest[0]);
          if (!Double.isNaN(v) && name.startsWith("vllm:")) {
            switch (name) {
              case "vllm:num_requests_running" -> { running += v; seen = true; }
              case "vllm:num_requests_waiting" -> { waiting += v; seen = true; }
              case "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc" ->
                  kv = Double.isNaN(kv) ? v : Math.max(kv, v);
              default -> { }
            }
            int m = label(labels, "max_num_seqs");
            if (m > 0) maxSeqs = Math.max(maxSeqs, m);
          }
        }
      }
      i = end + 1;
    }
    return new Snapshot(running, waiting, kv, maxSeqs > 0 ? OptionalInt.of(maxSeqs) : OptionalInt.empty(), seen);
  }

  private static double value(String s) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static int label(String labels, String name) {
    int at = labels.indexOf(name + "=\"");
    if (at < 0) return -1;
    int start = at + name.length() + 2;
    int end = labels.indexOf('"', start);
    try {
      return end < 0 ? -1 : Integer.parseInt(labels.substring(start, end));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
