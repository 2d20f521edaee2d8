package dev.clawbus.app.bench;

import java.util.Arrays;

/**
 * A growable list of long samples (nanoseconds, usually) with exact percentiles: every sample is kept
 * and sorted once, no histogram buckets, so p99 of a few hundred requests is a real request's figure.
 */
public final class Samples {
  private long[] values;
  private int size;
  private boolean sorted = true;

  public Samples() {
    this(64);
  }

  public Samples(int capacity) {
    values = new long[Math.max(1, capacity)];
  }

  public void add(long v) {
    if (size == values.length) values = Arrays.copyOf(values, size * 2);
    if (size > 0 && v < values[size - 1]) sorted = false;
    values[size++] = v;
  }

  public void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) add(other.values[i]);
  }

  public int size() {
    return size;
  }

  /**
   * The nearest-rank percentile: the smallest sample such that at least {@code p} percent of samples are
   * at or below it. {@code p} in (0, 100]; 0 when empty.
   */
  public long percentile(double p) {
    if (p <= 0 || p > 100) throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
    if (size == 0) return 0;
    sort();
    int rank = (int) Math.ceil(p / 100.0 * size);
    return values[Math.max(0, Math.min(size, rank) - 1)];
  }

  public long max() {
    if (size == 0) return 0;
    sort();
    return values[size - 1];
  }

  public long sum() {
    long s = 0;
    for (int i = 0; i < size; i++) s += values[i];
    return s;
  }

  public double mean() {
    return size == 0 ? 0 : (double) sum() / size;
  }

  private void sort() {
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
  }
}
