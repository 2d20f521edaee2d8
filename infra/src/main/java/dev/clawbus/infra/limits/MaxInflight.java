package dev.clawbus.infra.limits;

import dev.clawbus.infra.config.ConfigException;
import java.util.OptionalInt;

/**
 * {@code --max-inflight N|auto}: the cluster-wide cap on requests in flight at vLLM. With {@code auto} the cap starts
 * at {@link #AUTO_START} (vLLM's default {@code max_num_seqs}) and follows {@link VllmSaturation.Snapshot#capacityHint()}
 * as vLLM's {@code /metrics} is polled.
 */
public record MaxInflight(int fixed, boolean auto) {
  public static final int AUTO_START = 256;

  public static MaxInflight parse(String raw) {
    String v = raw == null ? "" : raw.trim();
    if (v.equalsIgnoreCase("auto")) return new MaxInflight(AUTO_START, true);
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) return new MaxInflight(n, false);
    } catch (NumberFormatException e) {
      // below
    }
    throw new ConfigException("--max-inflight must be a whole number ≥ 1 or 'auto', got '" + raw + "'");
  }

  /** The cap to use now, given the latest reading (or the current cap when the reading tells nothing). */
  public int resolve(int current, VllmSaturation.Snapshot reading) {
    if (!auto) return fixed;
    OptionalInt hint = reading.capacityHint();
    return hint.isPresent() ? Math.max(1, hint.getAsInt()) : current;
  }
}
