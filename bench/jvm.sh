#!/usr/bin/env bash
# The launcher's JVM defaults against the JVM's own (CLAWBUS_JVM_DEFAULTS=off): RSS and heap of a
# `clawbus serve --sim` node idle, under LOAD_SECONDS (default 60) of 16 streams x 500 tokens at
# 2,000 tok/s, and IDLE_AFTER seconds (default 45) after the load, when G1's periodic collection
# (30 s) has had the chance to give memory back. Live heap = used right after a full GC.
source "$(dirname "$0")/lib.sh"
LOAD_SECONDS="${LOAD_SECONDS:-60}" IDLE_AFTER="${IDLE_AFTER:-45}"
SIM_URL="http://127.0.0.1:9" # unused: --sim runs the simulator in the node
machine
heap() { echo "RSS $(( $(rss_kb "$GW_PID") / 1024 )) MB, committed heap $(committed_heap_mb "$GW_PID") MB"; }
for defaults in ${MODES:-off on}; do
  echo
  export CLAWBUS_JVM_DEFAULTS="$defaults"
  start_serve "jvm-$defaults" --sim
  echo "CLAWBUS_JVM_DEFAULTS=$defaults: $(tr '\0' ' ' <"/proc/$GW_PID/cmdline" | sed 's/ -jar .*//')"
  sleep 5
  echo "  idle after start:      $(heap), live heap $(live_heap_mb "$GW_PID") MB"
  bench --target "$GW_URL" --concurrency 16 --words 500 --tps 2000 --ttft-ms 10 --warmup 0 \
    --duration-seconds "$LOAD_SECONDS" >"$WORK/load-$defaults.out" 2>&1 &
  BENCH_PID=$!; PIDS+=("$BENCH_PID")
  sleep $(( LOAD_SECONDS - 5 ))
  echo "  under load:            $(heap) (peak RSS $(( $(hwm_kb "$GW_PID") / 1024 )) MB), live heap $(live_heap_mb "$GW_PID") MB"
  wait "$BENCH_PID" || true
  echo "  load: $(grep -E '^tokens/s' "$WORK/load-$defaults.out" | tr -s ' ') ($(grep -E '^errors' "$WORK/load-$defaults.out" | tr -s ' '))"
  sleep "$IDLE_AFTER"
  echo "  ${IDLE_AFTER} s after the load:  $(heap)"
  echo "  then after a full GC:  live heap $(live_heap_mb "$GW_PID") MB, $(heap)"
  stop_pid "$GW_PID"
done
