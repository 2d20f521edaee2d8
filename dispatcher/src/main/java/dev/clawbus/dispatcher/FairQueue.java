package dev.clawbus.dispatcher;

import dev.clawbus.infra.tenancy.Tenant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order in which waiting requests go to vLLM. Priority bands first: a job of a higher {@link Tenant#priority()} is
 * always started before any job of a lower one. Inside a band, start-time fair queueing over tenants weighted by
 * {@link Tenant#weight()}: each tenant has a virtual finish tag that grows by {@code cost / weight} for every job it
 * starts, and the tenant with the smallest start tag {@code max(band virtual time, finish tag)} goes next, so under
 * backlog tenants receive tokens in proportion to their weights and a tenant that was idle cannot bank credit. Within a
 * tenant, first come first served. A tenant never has more than {@link Tenant#maxConcurrent()} jobs running.
 *
 * <p>Cost is the job's estimated tokens (prompt + max_tokens) charged when it starts; {@link #release(String, long)}
 * corrects the tenant's tag by the actual tokens. The node-wide (or cluster-wide) cap is applied from outside:
 * {@link #next()} gives one job, {@link #next(int)} at most as many as there are free slots.
 *
 * <p>Not thread-safe: owned by the dispatcher's event loop. Deterministic: the same calls give the same order (ties go
 * to the tenant that has been waiting longest, then the name).
 *
 * @param <J> the job type
 */
public final class FairQueue<J> {
  private static final class Item<J> {
    final String id;
    final J job;
    final long cost;
    final Flow<J> flow;

    Item(String id, J job, long cost, Flow<J> flow) {
      this.id = id;
      this.job = job;
      this.cost = cost;
      this.flow = flow;
    }
  }

  private static final class Flow<J> {
    Tenant tenant;
    final Band<J> band;
    final ArrayDeque<Item<J>> queue = new ArrayDeque<>();
    double finish;
    int running;
    long backloggedSince;

    Flow(Tenant tenant, Band<J> band) {
      this.tenant = tenant;
      this.band = band;
    }

    boolean eligible() {
      return !queue.isEmpty() && (tenant.maxConcurrent() == 0 || running < tenant.maxConcurrent());
    }

    double start() {
      return Math.max(band.virtualTime, finish);
    }
  }

  private static final class Band<J> {
    double virtualTime;
    final Map<String, Flow<J>> flows = new LinkedHashMap<>();
  }

  /** Highest priority first. */
  private final TreeMap<Integer, Band<J>> bands = new TreeMap<>(Collections.reverseOrder());
  private final Map<String, Flow<J>> flows = new HashMap<>();
  private final Map<String, Item<J>> queuedById = new HashMap<>();
  private final Map<String, Item<J>> runningById = new HashMap<>();
  private long arrivals;

  /**
   * Queues {@code job} of {@code tenant} under {@code id} (a request id) with its estimated token cost ({@code ≥ 1}
   * counted). A tenant's settings are taken from its latest job; a tenant whose priority changed keeps its old band
   * until its queue is empty. Returns false (and queues nothing) when the id is queued or running already.
   */
  public boolean add(String id, Tenant tenant, J job, long estimatedCost) {
    if (queuedById.containsKey(id) || runningById.containsKey(id)) return false;
    Flow<J> flow = flows.get(tenant.name());
    if (flow == null || (flow.queue.isEmpty() && flow.running == 0 && flow.band != band(tenant.priority()))) {
      if (flow != null) flow.band.flows.remove(tenant.name());
      flow = new Flow<>(tenant, band(tenant.priority()));
      flow.band.flows.put(tenant.name(), flow);
      flows.put(tenant.name(), flow);
    }
    flow.tenant = tenant;
    if (flow.queue.isEmpty()) flow.backloggedSince = arrivals;
    arrivals++;
    Item<J> item = new Item<>(id, job, Math.max(1, estimatedCost), flow);
    flow.queue.addLast(item);
    queuedById.put(id, item);
    return true;
  }

  private Band<J> band(int priority) {
    return bands.computeIfAbsent(priority, p -> new Band<>());
  }

  /** The next job to start (now counted as running), or null when no tenant has an eligible job. */
  public J next() {
    for (Band<J> band : bands.values()) {
      Flow<J> best = null;
      double bestStart = 0;
      for (Flow<J> f : band.flows.values()) {
        if (!f.eligible()) continue;
        double s = f.start();
        if (best == null || s < bestStart || (s == bestStart && (f.backloggedSince < best.backloggedSince
            || (f.backloggedSince == best.backloggedSince && f.tenant.name().compareTo(best.tenant.name()) < 0)))) {
          best = f;
          bestStart = s;
        }
      }
      if (best != null) return start(best, bestStart);
    }
    return null;
  }

  /** At most {@code freeSlots} jobs in the order {@link #next()} would give them. */
  public List<J> next(int freeSlots) {
    List<J> out = new ArrayList<>(Math.max(0, Math.min(freeSlots, queuedById.size())));
    while (out.size() < freeSlots) {
      J j = next();
      if (j == null) break;
      out.add(j);
    }
    return out;
  }

  private J start(Flow<J> f, double startTag) {
    Item<J> item = f.queue.pollFirst();
    f.band.virtualTime = startTag;
    f.finish = startTag + (double) item.cost / f.tenant.weight();
    f.running++;
    if (!f.queue.isEmpty()) f.backloggedSince = arrivals++;
    queuedById.remove(item.id);
    runningById.put(item.id, item);
    return item.job;
  }

  /**
   * A running job ended (done, failed or cancelled): its tenant's slot is free, and its tag is corrected by the
   * difference between the actual cost (prompt + completion tokens; 0 when vLLM never ran it) and the estimate.
   * Returns false for an id that is not running.
   */
  public boolean release(String id, long actualCost) {
    Item<J> item = runningById.remove(id);
    if (item == null) return false;
    Flow<J> f = item.flow;
    f.running--;
    f.finish += (double) (Math.max(0, actualCost) - item.cost) / f.tenant.weight();
    forgetIfIdle(f);
    return true;
  }

  /** A queued job leaves the queue without running (cancelled). Returns false when it is not queued. */
  public boolean remove(String id) {
    Item<J> item = queuedById.remove(id);
    if (item == null) return false;
    item.flow.queue.remove(item);
    forgetIfIdle(item.flow);
    return true;
  }

  /**
   * Drops everything of a tenant that is idle: its virtual tag would not matter any more (a returning tenant starts at
   * the band's virtual time), and the map stays as small as the set of active tenants.
   */
  private void forgetIfIdle(Flow<J> f) {
    if (f.queue.isEmpty() && f.running == 0 && f.finish <= f.band.virtualTime) {
      f.band.flows.remove(f.tenant.name());
      flows.remove(f.tenant.name());
    }
  }

  /** Whether {@code id} is waiting in the queue. */
  public boolean isQueued(String id) {
    return queuedById.containsKey(id);
  }

  /** The queued job with this id, or null. */
  public J queuedJob(String id) {
    Item<J> i = queuedById.get(id);
    return i == null ? null : i.job;
  }

  public int queued() {
    return queuedById.size();
  }

  public int running() {
    return runningById.size();
  }

  public int queued(String tenant) {
    Flow<J> f = flows.get(tenant);
    return f == null ? 0 : f.queue.size();
  }

  public int running(String tenant) {
    Flow<J> f = flows.get(tenant);
    return f == null ? 0 : f.running;
  }

  /** Tenant → {queued, running} for every tenant with a job queued or running (for metrics and admission). */
  public Map<String, int[]> counts() {
    Map<String, int[]> out = new LinkedHashMap<>();
    for (Iterator<Flow<J>> it = flows.values().iterator(); it.hasNext(); ) {
      Flow<J> f = it.next();
      if (!f.queue.isEmpty() || f.running > 0) out.put(f.tenant.name(), new int[] {f.queue.size(), f.running});
    }
    return out;
  }
}
