package dev.clawbus.infra.journal;

import com.hazelcast.partition.PartitionAware;
import com.hazelcast.partition.PartitioningStrategy;

/**
 * Places every journal batch of one response ({@code tenant/id#n}, see {@link Journal#batchKey}) in the partition of
 * its request key ({@code tenant/id}), so that what is done to a whole answer is one partition operation instead of
 * one per batch: reading it back ({@code getAll}) and giving all its batches the memory tail once it is archived
 * ({@link Journal#spill}). An answer paced at 50 tokens/s is stored as about one batch per token; spread over the
 * partitions, its end alone cost a {@code getAll} touching every partition it had reached plus one {@code setTtl}
 * per batch.
 *
 * <p>It is the member's partitioning strategy ({@code hazelcast.partitioning.strategy.class}, set by {@code
 * ClusterSetup}), not the journal map's own: Hazelcast 5.6 routes {@code setAsync} and {@code getAsync} by the
 * member's strategy even for a map configured with another, so a map-level strategy put a batch where {@code get},
 * {@code getAll} and entry processors did not look. Every other key is placed as by Hazelcast's default ({@link
 * PartitionAware} keys by their partition key, anything else by itself). All members must run it.
 */
public final class JournalPartitioning implements PartitioningStrategy<Object> {
  private static final long serialVersionUID = 1L;

  @Override
  public Object getPartitionKey(Object key) {
    if (key instanceof PartitionAware<?> aware) return aware.getPartitionKey();
    return key instanceof String s ? requestKeyOfBatch(s) : null;
  }

  /** The request key of a journal batch key ({@code tenant/id#n}); null for any other string. */
  static String requestKeyOfBatch(String key) {
    int hash = key.lastIndexOf('#');
    if (hash < 0 || hash == key.length() - 1 || key.lastIndexOf('/', hash) < 0) return null;
    for (int i = hash + 1; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') return null;
    }
    return key.substring(0, hash);
  }
}
