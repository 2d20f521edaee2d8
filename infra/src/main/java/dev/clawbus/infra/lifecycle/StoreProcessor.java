package dev.clawbus.infra.lifecycle;

import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import dev.clawbus.infra.contract.RequestRecord;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Applies one {@link Transition} where the record lives, on Hazelcast's partition thread: a compare-and-set
 * in one round trip, so two members can never both move a request (two nodes both starting it, or a cancel
 * overwritten by a start). The same processor runs on the backup copy; the transition carries its own time.
 *
 * <p>Its result is the {@link Lifecycle.Outcome} as text ({@link #reply}, read back by {@link #outcome}): Hazelcast
 * sends a String as its bytes, where the outcome object went through Java serialization on both sides, the largest
 * single cost of a state change (5 to 6 % of a node's CPU in the relay bench, with five changes per request). The
 * record's JSON in it is the very text stored, not encoded again.
 */
final class StoreProcessor implements EntryProcessor<String, HazelcastJsonValue, String> {
  private static final long serialVersionUID = 1L;

  private final Transition transition;
  private final long ttlMillis;

  StoreProcessor(Transition transition, long ttlMillis) {
    this.transition = transition;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public String process(Map.Entry<String, HazelcastJsonValue> entry) {
    HazelcastJsonValue v = entry.getValue();
    RequestRecord cur = v == null ? null : RequestRecord.decode(v.getValue());
    Lifecycle.Outcome out = Lifecycle.apply(cur, transition);
    String json;
    if (out.changed()) {
      json = out.record().encode();
      // Every change restarts the retention: a finished request stays readable for the whole period.
      ((ExtendedMapEntry<String, HazelcastJsonValue>) entry)
          .setValue(new HazelcastJsonValue(json), ttlMillis, TimeUnit.MILLISECONDS);
    } else if (out.record() == null) {
      json = null;
    } else {
      json = out.record() == cur ? v.getValue() : out.record().encode();
    }
    return reply(out.changed(), out.refused(), json);
  }

  /**
   * An outcome as text: {@code 1} or {@code 0} (changed), the refusal's length or {@code -} (none), {@code :}, the
   * refusal, then the record's JSON (nothing when there is no record).
   */
  static String reply(boolean changed, String refused, String recordJson) {
    StringBuilder sb = new StringBuilder(8 + (refused == null ? 0 : refused.length())
        + (recordJson == null ? 0 : recordJson.length()));
    sb.append(changed ? '1' : '0');
    if (refused == null) sb.append('-'); else sb.append(refused.length());
    sb.append(':');
    if (refused != null) sb.append(refused);
    if (recordJson != null) sb.append(recordJson);
    return sb.toString();
  }

  /** The outcome a {@link #reply} says. IllegalArgumentException when it is not one. */
  static Lifecycle.Outcome outcome(String reply) {
    int colon = reply.indexOf(':');
    if (colon < 2 || (reply.charAt(0) != '0' && reply.charAt(0) != '1')) {
      throw new IllegalArgumentException("not a store reply");
    }
    String len = reply.substring(1, colon);
    int at = colon + 1;
    String refused = null;
    if (!len.equals("-")) {
      int n = Integer.parseInt(len);
      refused = reply.substring(at, at + n);
      at += n;
    }
    RequestRecord record = at == reply.length() ? null : RequestRecord.decode(reply.substring(at));
    return new Lifecycle.Outcome(record, reply.charAt(0) == '1', refused);
  }
}
