#!/usr/bin/env bash
# Starts `./clawbus serve --sim` on free ports with a throwaway data dir, runs the README's curl lines
# against it (streamed and not), checks the answers, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
data=$(mktemp -d)
log="$data/serve.log"
./clawbus serve --sim --port "$port" --data-dir "$data" --cluster-port 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do
  grep -q "listening on" "$log" && break
  kill -0 $pid 2>/dev/null || { cat "$log"; echo "smoke: clawbus exited before it was ready"; exit 1; }
  sleep 0.5
done
grep -q "listening on" "$log" || { cat "$log"; echo "smoke: not ready after 60 s"; exit 1; }
base="http://127.0.0.1:$port"

health=$(curl -sf "$base/health")
echo "health: $health"
echo "$health" | grep -q '"status":"ok"'

json=$(curl -sf "$base/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model":"clawbus-sim","messages":[{"role":"user","content":"Say hello"}]}')
echo "json: ${json:0:300}"
echo "$json" | grep -q '"object":"chat.completion"'
echo "$json" | grep -q '"finish_reason":"stop"'

sse=$(curl -sfN "$base/v1/chat/completions" -H 'content-type: application/json' \
  -d '{"model":"clawbus-sim","stream":true,"messages":[{"role":"user","content":"Say hello"}]}')
echo "sse: $(echo "$sse" | sed -n 1,3p)"
echo "$sse" | grep -q '^data: {"id":"chatcmpl-'
echo "$sse" | tail -2 | grep -q '^data: \[DONE\]'

tool=$(curl -sf "$base/v1/chat/completions" -H 'content-type: application/json' -d '{
  "model":"clawbus-sim",
  "messages":[{"role":"user","content":"list files [[sim tool=exec args={\"command\":\"ls -la\"} mode=xml]]"}],
  "tools":[{"type":"function","function":{"name":"exec","parameters":{"type":"object",
           "properties":{"command":{"type":"string"}}}}}]}')
echo "tool: ${tool:0:300}"
echo "$tool" | grep -q '"finish_reason":"tool_calls"'
echo "$tool" | grep -q '"arguments":"{\\"command\\":\\"ls -la\\"}"'

bad=$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/chat/completions" -H 'content-type: application/json' -d '{nope')
[ "$bad" = 400 ] || { echo "smoke: malformed JSON gave $bad"; exit 1; }
echo "smoke: ok"
