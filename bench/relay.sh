#!/usr/bin/env bash
# Relay throughput against an instant backend (issue 9's scenario): CONCURRENCY (default 256) streams of WORDS
# (default 200) tokens from a backend that replays one recorded vLLM answer as fast as the socket takes it, through
# clawbus (durability on, default flags) vs the same backend directly, in alternating rounds. The ratio of tokens/s
# (one token per chunk here) is the relay's efficiency. PREWARM=N: N unmeasured full-speed requests per side first
# (see prewarm in lib.sh). Extra arguments go to clawbus serve.
source "$(dirname "$0")/lib.sh"
WORDS="${WORDS:-200}"
machine
start_instant --words "$WORDS"
start_serve gw "$@"
prewarm 64
for c in ${CONCURRENCY:-256}; do
  echo
  bench --target "$GW_URL" --direct "$SIM_URL" --concurrency "$c" --requests "$(( c * 8 ))" --words "$WORDS" \
    --rounds 4 --warmup "$c" ${JSON:+--json} || true
done
