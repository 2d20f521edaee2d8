#!/usr/bin/env bash
# Soak: CLIENTS (default 16) clients fetch WORDS-token (default 2,000) streamed answers back to back for
# MINUTES (default 3) from the instant backend through a clawbus node with default flags. Every
# SAMPLE_SECONDS (default 30) it prints the relayed tokens/s of the interval, the node's RSS and its live
# heap after a full GC (jcmd GC.run, then GC.heap_info). At the end it checks that the soak's first answer
# is still replayable in full: GET /v1/requests/{id} must hold the same text the client got, and
# GET /v1/requests/{id}/events the same data: lines, byte for byte. Needs curl, jcmd and python3.
# Extra arguments go to clawbus serve.
source "$(dirname "$0")/lib.sh"
CLIENTS="${CLIENTS:-16}" WORDS="${WORDS:-2000}" MINUTES="${MINUTES:-3}" SAMPLE_SECONDS="${SAMPLE_SECONDS:-30}"
DURATION=$(( MINUTES * 60 ))
machine
start_instant --words "$WORDS"
start_serve gw "$@"
echo "serve: $(tr '\0' ' ' <"/proc/$GW_PID/cmdline" | sed 's/ -jar .*//') $(tr '\0' '\n' <"/proc/$GW_PID/environ" | grep '^MALLOC_ARENA_MAX=' || true)"
echo "clawbus idle: RSS $(( $(rss_kb "$GW_PID") / 1024 )) MB, live heap $(live_heap_mb "$GW_PID") MB"

# The soak's first answer, read as a client reads it.
body='{"model":"clawbus-sim","messages":[{"role":"user","content":"soak: the first answer"}],"stream":true,'
body+='"stream_options":{"include_usage":true},"max_tokens":'"$WORDS"'}'
curl -sS -N -D "$WORK/first.headers" -H 'content-type: application/json' -d "$body" --max-time 120 \
  "$GW_URL/v1/chat/completions" >"$WORK/first.sse"
FIRST_ID="$(awk 'tolower($1) == "x-request-id:" {gsub("\r", "", $2); print $2}' "$WORK/first.headers")"
echo "first answer: request $FIRST_ID, $(grep -c '^data: ' "$WORK/first.sse") data lines"

timeout $(( DURATION + 300 )) java -jar "$JAR" bench --target "$GW_URL" --concurrency "$CLIENTS" --words "$WORDS" \
  --duration-seconds "$DURATION" --progress-seconds "$SAMPLE_SECONDS" --warmup 0 --timeout-seconds 120 \
  >"$WORK/bench.out" 2>"$WORK/bench.err" &
BENCH_PID=$!; PIDS+=("$BENCH_PID")
start=$(date +%s)
printf '%8s %14s %10s %16s %18s\n' "time" "tokens/s" "RSS MB" "live heap MB" "committed heap MB"
k=0
for (( t = SAMPLE_SECONDS; t <= DURATION; t += SAMPLE_SECONDS )); do
  k=$(( k + 1 ))
  # the load generator's k-th progress line (its clock starts when its JVM is up), at most 15 s late
  while (( $(grep -c '^progress' "$WORK/bench.err" || true) < k && $(date +%s) < start + t + 15 )); do
    kill -0 "$BENCH_PID" 2>/dev/null || break 2
    kill -0 "$GW_PID" 2>/dev/null || break 2
    sleep 0.5
  done
  rate="$(grep '^progress' "$WORK/bench.err" | tail -1 | awk '{print $(NF-1)}' || true)"
  live="$(live_heap_mb "$GW_PID")"
  kill -0 "$GW_PID" 2>/dev/null || break
  printf '%7ss %14s %10s %16s %18s\n' "$t" "${rate:-?}" "$(( $(rss_kb "$GW_PID") / 1024 ))" "$live" \
    "$(committed_heap_mb "$GW_PID")"
done
if ! kill -0 "$GW_PID" 2>/dev/null; then
  echo "clawbus exited after $(( $(date +%s) - start )) s of load; the end of its log:"
  tail -5 "$WORK/gw.log" | cut -c1-300
  echo "the load generator: $(grep '^progress' "$WORK/bench.err" | tail -1 || true)"
  stop_pid "$BENCH_PID"
  exit 1
fi
if ! kill -0 "$BENCH_PID" 2>/dev/null && ! grep -q '^tokens/s' "$WORK/bench.out"; then
  echo "the load generator stopped early:"; tail -5 "$WORK/bench.err" "$WORK/bench.out"
fi
wait "$BENCH_PID" || true
echo
grep -E 'requests per side|^tokens/s|^requests/s|^errors|^first error' "$WORK/bench.out" || cat "$WORK/bench.err"
echo "at the end: RSS $(( $(rss_kb "$GW_PID") / 1024 )) MB (peak $(( $(hwm_kb "$GW_PID") / 1024 )) MB), live heap $(live_heap_mb "$GW_PID") MB"

# Is the first answer still there, whole?
curl -sS --max-time 60 "$GW_URL/v1/requests/$FIRST_ID" >"$WORK/first.json"
curl -sS -N --max-time 60 "$GW_URL/v1/requests/$FIRST_ID/events" >"$WORK/replay.sse"
python3 - "$WORK/first.sse" "$WORK/first.json" "$WORK/replay.sse" <<'PY'
import json, sys
def data_lines(path):
    return [l[6:] for l in open(path, encoding="utf-8").read().split("\n") if l.startswith("data: ")]
got = data_lines(sys.argv[1])
text = "".join(json.loads(d)["choices"][0]["delta"].get("content") or ""
               for d in got if d != "[DONE]" and json.loads(d).get("choices"))
try:
    state = json.load(open(sys.argv[2], encoding="utf-8"))
    stored = state["response"]["choices"][0]["message"]["content"]
except Exception as e:
    stored = None
replay = data_lines(sys.argv[3])
print("first answer via GET /v1/requests/{id}: %s (%d chars the client got, %s stored)"
      % ("SAME TEXT" if stored == text else "DIFFERENT OR MISSING", len(text),
         "none" if stored is None else "%d" % len(stored)))
print("first answer via GET /v1/requests/{id}/events: %s (%d data lines the client got, %d replayed)"
      % ("SAME EVENTS" if replay == got else "DIFFERENT OR MISSING", len(got), len(replay)))
PY
