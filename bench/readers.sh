#!/usr/bin/env bash
# Slow readers (issue 16): CLIENTS (default 40) clients request WORDS-token (default 60,000) streamed answers
# from the instant backend through a clawbus node with default flags, read the first 4 KB, stop reading for
# PAUSE (default 30) seconds while the node's RSS is sampled every second, then read to the end. Each stream
# must carry exactly the answer the backend gives directly. Target: at most 300 MB of RSS added. Needs python3.
# Extra arguments go to clawbus serve.
source "$(dirname "$0")/lib.sh"
CLIENTS="${CLIENTS:-40}" WORDS="${WORDS:-60000}" PAUSE="${PAUSE:-30}"
machine
start_instant --words "$WORDS" --max-model-len 262144
start_serve gw "$@"
python3 "$ROOT/bench/hostile.py" readers --url "$GW_URL" --direct "$SIM_URL" --pid "$GW_PID" \
  --clients "$CLIENTS" --words "$WORDS" --pause "$PAUSE"
