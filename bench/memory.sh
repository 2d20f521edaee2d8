#!/usr/bin/env bash
# Resident memory of the clawbus process while STREAMS (default 1,000) clients wait for their first
# token: the simulator holds every request for a minute before answering. --max-inflight lets all of
# them reach the backend (the worst case: one vLLM connection and response run each).
source "$(dirname "$0")/lib.sh"
STREAMS="${STREAMS:-1000}"
machine
start_sim
start_serve gw --max-inflight "$STREAMS" "$@"
# A short warm-up so the figure is not just class loading.
bench --target "$GW_URL" --concurrency 32 --requests 256 --words 16 --tps 2000 --ttft-ms 5 --warmup 0 \
  --rounds 1 >/dev/null || true
echo "clawbus RSS idle after warm-up: $(( $(rss_kb "$GW_PID") / 1024 )) MB"
bench --target "$GW_URL" --concurrency "$STREAMS" --requests "$STREAMS" --words 4 --ttft-ms 60000 --warmup 0 \
  --rounds 1 --timeout-seconds 90 >"$WORK/wait.out" 2>&1 &
BENCH_PID=$!; PIDS+=("$BENCH_PID")
waiting=0
for _ in $(seq 120); do
  sleep 1
  waiting="$(curl -s "$SIM_URL/sim/stats" | grep -o '"running":[0-9]*' | cut -d: -f2)"
  [ "${waiting:-0}" -ge "$STREAMS" ] && break
done
sleep 3
echo "streams waiting for their first token (at the simulator): ${waiting:-0}"
echo "clawbus RSS with them waiting: $(( $(rss_kb "$GW_PID") / 1024 )) MB (peak $(( $(hwm_kb "$GW_PID") / 1024 )) MB)"
echo "simulator RSS, for scale: $(( $(rss_kb "$SIM_PID") / 1024 )) MB"
stop_pid "$BENCH_PID"
