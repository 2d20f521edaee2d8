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
 */
final class StoreProcessor implements EntryProcessor<String, HazelcastJsonValue, Lifecycle.Outcome> {
  private static final long serialVersionUID = 1L;

  private final Transition transition;
  private final long ttlMillis;

  StoreProcessor(Transition transition, long ttlMillis) {
    this.transition = transition;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public Lifecycle.Outcome process(Map.Entry<String, HazelcastJsonValue> entry) {
    HazelcastJsonValue v = entry.getValue();
    RequestRecord cur = v == null ? null : RequestRecord.decode(v.getValue());
    Lifecycle.Outcome out = Lifecycle.apply(cur, transition);
    if (out.changed()) {
      // Every change restarts the retention: a finished request stays readable for the whole period.
      ((ExtendedMapEntry<String, HazelcastJsonValue>) entry)
          .setValue(new HazelcastJsonValue(out.record().encode()), ttlMillis, TimeUnit.MILLISECONDS);
    }
    return out;
  }
}
