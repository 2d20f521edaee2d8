#!/usr/bin/env bash
# The same TTFT and throughput load against a node with durability on (requests written to Kafka,
# acks=all, before they run) and one with durability off (handed to the dispatcher in memory).
source "$(dirname "$0")/lib.sh"
C="${C:-64}"
machine
start_sim
for mode in on off; do
  start_serve "gw-$mode" --durability "$mode" "$@"
  echo; echo "== durability $mode"
  bench --target "$GW_URL" --direct "$SIM_URL" --concurrency "$C" --requests $(( C * 6 )) --words 32 --tps 500 \
    --ttft-ms 50 --rounds 4 --warmup "$C" ${JSON:+--json} || true
  stop_pid "$GW_PID"
done
