#!/usr/bin/env bash
# Half-sent requests (issue 16): CONNS (default 1,000) connections each send half a request header and
# nothing more, against a clawbus node with default flags (--request-timeout-seconds 30). Each must be
# answered 408 or closed within the timeout while a normal request, sent every second meanwhile, is served.
# Needs python3. Extra arguments go to clawbus serve.
source "$(dirname "$0")/lib.sh"
CONNS="${CONNS:-1000}" TIMEOUT="${TIMEOUT:-30}"
machine
start_sim
start_serve gw --request-timeout-seconds "$TIMEOUT" "$@"
ulimit -n 65536 2>/dev/null || true
python3 "$ROOT/bench/hostile.py" halfsent --url "$GW_URL" --conns "$CONNS" --timeout "$TIMEOUT"
