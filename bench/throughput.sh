#!/usr/bin/env bash
# Relay throughput at high token rates: every stream is generated at TPS (default 2,000) tokens/s,
# at 16 and 256 concurrent streams, clawbus vs the simulator directly (durability on).
source "$(dirname "$0")/lib.sh"
TPS="${TPS:-2000}" WORDS="${WORDS:-500}"
machine
start_sim
start_serve gw "$@"
for c in ${CONCURRENCY:-16 256}; do
  n=$(( c * 4 ))
  echo
  bench --target "$GW_URL" --direct "$SIM_URL" --concurrency "$c" --requests "$n" --words "$WORDS" \
    --tps "$TPS" --ttft-ms 10 --rounds 4 --warmup "$c" ${JSON:+--json} || true
done
