package dev.clawbus.infra.limits;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster-wide cap on requests in flight at vLLM, shared out as per-member leases. Each member reports how many
 * slots it holds and how many it wants (held + waiting locally) and gets a grant; it starts a request only while it
 * holds fewer than its grant, without asking anyone.
 *
 * <p>Invariant: the sum over members of {@code max(held, grant)} never exceeds the cap, where {@code held} is an upper
 * bound of what the member may hold. A member learns a smaller grant only when its sync returns, and may start
 * requests under its old grant meanwhile, so when a grant shrinks the old grant stays counted as held until the
 * member's next report. Free slots go to members by max-min fairness over what they want; what nobody wants is spread
 * evenly over all members, so a lone member holds the whole cap and never waits for a round trip.
 *
 * <p>Pure and deterministic; changed only inside one Hazelcast entry processor at a time.
 */
public final class LeaseTable implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One member's lease. */
  public record Lease(int held, int wanted, int grant) implements Serializable {
    int committed() {
      return Math.max(held, grant);
    }
  }

  private final TreeMap<String, Lease> leases = new TreeMap<>();
  private int cap;

  /**
   * A member's report: it holds {@code held} slots now and wants {@code wanted} (≥ held to ask for more). Returns
   * its new grant. {@code cap} is the cap as the member knows it (the latest report sets it for everyone).
   */
  public int sync(String member, int held, int wanted, int cap) {
    this.cap = Math.max(0, cap);
    Lease old = leases.getOrDefault(member, new Lease(0, 0, 0));
    held = Math.max(0, held);
    wanted = Math.max(held, wanted);
    leases.put(member, new Lease(held, wanted, 0));
    int others = 0;
    for (Map.Entry<String, Lease> e : leases.entrySet()) {
      if (!e.getKey().equals(member)) others += e.getValue().committed();
    }
    int target = targets().getOrDefault(member, 0);
    int grant = Math.max(0, Math.min(target, this.cap - others));
    int heldBound = grant < old.grant() ? Math.max(held, old.grant()) : held;
    leases.put(member, new Lease(heldBound, wanted, grant));
    return grant;
  }

  /** Forgets a member that left the cluster: its slots are free for the others. */
  public boolean remove(String member) {
    return leases.remove(member) != null;
  }

  /**
   * Max-min fair shares of the cap by what each member wants, then the rest spread evenly over all members (lowest
   * ids first for the remainder).
   */
  Map<String, Integer> targets() {
    Map<String, Integer> t = new HashMap<>();
    List<Map.Entry<String, Lease>> wanting = new ArrayList<>();
    for (Map.Entry<String, Lease> e : leases.entrySet()) {
      t.put(e.getKey(), 0);
      if (e.getValue().wanted() > 0) wanting.add(e);
    }
    wanting.sort(Comparator.comparingInt((Map.Entry<String, Lease> e) -> e.getValue().wanted())
        .thenComparing(Map.Entry::getKey));
    int remaining = cap;
    for (int i = 0; i < wanting.size(); i++) {
      int left = wanting.size() - i;
      int share = remaining / left;
      Map.Entry<String, Lease> e = wanting.get(i);
      if (e.getValue().wanted() <= share) {
        t.put(e.getKey(), e.getValue().wanted());
        remaining -= e.getValue().wanted();
      } else {
        // Everyone from here wants more than an equal share: equal shares, remainder to the first ones.
        int extra = remaining - share * left;
        for (int j = i; j < wanting.size(); j++) {
          t.put(wanting.get(j).getKey(), share + (j - i < extra ? 1 : 0));
        }
        remaining = 0;
        break;
      }
    }
    if (remaining > 0 && !leases.isEmpty()) {
      int each = remaining / leases.size();
      int extra = remaining - each * leases.size();
      int i = 0;
      for (String m : leases.keySet()) {
        t.merge(m, each + (i++ < extra ? 1 : 0), Integer::sum);
      }
    }
    return t;
  }

  /** Sum over members of {@code max(held, grant)}: never above the cap. */
  public int committed() {
    int sum = 0;
    for (Lease l : leases.values()) sum += l.committed();
    return sum;
  }

  public int cap() {
    return cap;
  }

  public Map<String, Lease> leases() {
    return Map.copyOf(leases);
  }
}
