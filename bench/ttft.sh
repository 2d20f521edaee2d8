#!/usr/bin/env bash
# Added time to first token at 1, 64 and 256 concurrent streams, durability on (the default).
# The simulator answers after TTFT_MS with WORDS tokens at TPS tokens/s; every figure is measured
# against the very same simulator directly, in alternating rounds. PREWARM=N: N unmeasured full-speed requests per
# side first (see prewarm in lib.sh), then PREWARM_PACED unmeasured requests per side (default 8 per stream) at the
# measured pacing: a paced answer is stored and sent as about one journal batch per token, code that full-speed
# answers (a few large batches each) leave uncompiled (the compilers took 47 % of the node's CPU in the measured
# rounds of a 64-stream, 50 tok/s run after PREWARM=3000 alone).
source "$(dirname "$0")/lib.sh"
TTFT_MS="${TTFT_MS:-50}" WORDS="${WORDS:-32}" TPS="${TPS:-500}"
machine
start_sim
start_serve gw "$@"
prewarm 64
for c in ${CONCURRENCY:-1 64 256}; do
  n=$(( c == 1 ? 200 : c * 6 ))
  if [[ "${PREWARM:-0}" -gt 0 ]]; then
    paced="${PREWARM_PACED:-$(( c * 8 ))}"
    bench --target "$GW_URL" --direct "$SIM_URL" --concurrency "$c" --requests "$paced" --words "$WORDS" \
      --tps "$TPS" --ttft-ms "$TTFT_MS" --rounds 1 --warmup 0 >/dev/null || true
    echo "prewarmed at $c streams: $paced paced requests per side"
  fi
  echo
  bench --target "$GW_URL" --direct "$SIM_URL" --concurrency "$c" --requests "$n" --words "$WORDS" \
    --tps "$TPS" --ttft-ms "$TTFT_MS" --rounds 4 --warmup "$(( c < 64 ? 64 : c ))" ${JSON:+--json} || true
done
