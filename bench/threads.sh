#!/usr/bin/env bash
# Where the node's CPU and thread wakes go per paced request (issue 9's TTFT load: 64 streams, simulator pacing
# 50 tok/s, 200-word answers, TTFT 50 ms). After PREWARM (default 3000) full-speed requests and two unmeasured paced
# rounds of 256, it reads every thread's CPU time and context switches from /proc before and after one measured
# round of 512, and prints them per request by thread group (event loops, Hazelcast, Kafka, the JIT, GC, ...); with
# LOOPS=1 also the busiest event-loop and Hazelcast threads (the kernel cuts thread names to 15 characters). The
# seventh and eighth sessions' "context switches per paced request" and "CPU per paced request" (bench/README.md)
# were measured this way. Takes about 3.5 minutes. Extra arguments go to clawbus serve. Needs python3.
source "$(dirname "$0")/lib.sh"
PREWARM="${PREWARM:-3000}"
machine
start_sim
start_serve gw "$@"
prewarm 64
paced() {
  bench --target "$GW_URL" --concurrency 64 --requests "$1" --words 200 --tps 50 --ttft-ms 50 --rounds 1 --warmup 0 \
    > "$WORK/round" || true
}
paced 256
paced 256
# One line per thread: tid, name, CPU ticks (user + system), context switches (voluntary + not).
snapshot() {
  for t in /proc/"$GW_PID"/task/*; do
    local name ticks switches
    name=$(tr ' ' '_' < "$t/comm" 2>/dev/null) || continue
    ticks=$(sed 's/^.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    switches=$(awk '/ctxt_switches/ {s += $2} END {print s}' "$t/status" 2>/dev/null) || continue
    echo "${t##*/} $name $ticks $switches"
  done
}
snapshot > "$WORK/threads.before"
paced 512
snapshot > "$WORK/threads.after"
grep -E "requests/s|errors" "$WORK/round" | head -2
python3 - "$WORK/threads.before" "$WORK/threads.after" 512 "$(getconf CLK_TCK)" "${LOOPS:-0}" <<'PY'
import sys, collections
before, after, requests, hz, loops = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
def read(path):
    return {p[0]: (p[1], int(p[2]), int(p[3])) for p in (l.split() for l in open(path)) if len(p) == 4}
a, b = read(before), read(after)
groups = [("vert.x-eventloo", "event loops"), ("hz-callback", "Hazelcast callback pool"), ("hz.", "Hazelcast"),
          ("C1_", "JIT"), ("C2_", "JIT"), ("GC_", "GC"), ("G1", "GC"), ("vert.x-worker", "Vert.x workers"),
          ("vert.x-internal", "Vert.x workers"), ("kafka", "Kafka"), ("data-plane", "Kafka"), ("broker", "Kafka"),
          ("controller", "Kafka"), ("raft", "Kafka"), ("quorum", "Kafka"), ("group-coordinat", "Kafka"),
          ("clawbus-event-l", "event log")]
def group(name):
    for prefix, g in groups:
        if name.startswith(prefix) or prefix in name:
            return g
    return "other"
cpu, wakes = collections.Counter(), collections.Counter()
per_thread = []
for tid, (name, ticks, switches) in b.items():
    t0, s0 = a.get(tid, (name, 0, 0))[1:]
    g = group(name)
    cpu[g] += ticks - t0
    wakes[g] += switches - s0
    if g in ("event loops", "Hazelcast"):
        per_thread.append((name, ticks - t0, switches - s0))
ms = lambda ticks: 1000.0 * ticks / hz / requests
print("per paced request (%d requests): context switches %.0f, CPU %.2f ms (of it JIT %.2f ms)"
      % (requests, sum(wakes.values()) / requests, ms(sum(cpu.values())), ms(cpu["JIT"])))
for g, ticks in sorted(cpu.items(), key=lambda x: -x[1]):
    print("  %-26s CPU %6.2f ms   context switches %6.1f" % (g, ms(ticks), wakes[g] / requests))
if loops:
    print("threads with at least one context switch per request (busiest 12):")
    for name, ticks, switches in sorted(per_thread, key=lambda x: -x[2])[:12]:
        if switches >= requests:
            print("  %-26s CPU %6d ticks  context switches %7d" % (name, ticks, switches))
PY
