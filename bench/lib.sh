# Shared by the scenario scripts: starts the simulator and clawbus on free loopback ports under a
# throwaway directory, runs the bench, and stops exactly what it started on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/app/target/clawbus.jar"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/clawbus-bench.XXXXXX")"
PIDS=()
# JVM flags of the serve process under test (see bench/README.md); override with SERVE_JAVA_OPTS. The node
# is started through the launcher, so it gets the launcher's server defaults unless these flags replace
# them (CLAWBUS_JVM_DEFAULTS=off: the JVM's own defaults, as before the launcher had any).
SERVE_JAVA_OPTS="${SERVE_JAVA_OPTS-${CLAWBUS_JAVA_OPTS-}}"

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Builds the jar if sources changed (the launcher does that), once.
"$ROOT/clawbus" --version >/dev/null

# wait_line FILE PATTERN SECONDS: the first line of FILE matching PATTERN, or fail.
wait_line() {
  local i
  for i in $(seq $((${3} * 10))); do
    if grep -q "$2" "$1" 2>/dev/null; then grep -m1 "$2" "$1"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:" >&2; tail -20 "$1" >&2; return 1
}

# start_sim [sim-vllm options]: sets SIM_URL and SIM_PID.
start_sim() {
  java -jar "$JAR" sim-vllm --host 127.0.0.1 --port 0 --strict "$@" >"$WORK/sim.log" 2>&1 &
  SIM_PID=$!; PIDS+=("$SIM_PID")
  SIM_URL="$(wait_line "$WORK/sim.log" 'listening on' 30 | grep -o 'http://[0-9.:]*')"
}

# start_instant [instant-vllm options]: the instant backend (one recorded answer, as fast as the socket
# takes it) instead of the simulator; sets SIM_URL and SIM_PID like start_sim.
start_instant() {
  java -jar "$JAR" instant-vllm --host 127.0.0.1 --port 0 "$@" >"$WORK/sim.log" 2>&1 &
  SIM_PID=$!; PIDS+=("$SIM_PID")
  SIM_URL="$(wait_line "$WORK/sim.log" 'listening on' 30 | grep -o 'http://[0-9.:]*')"
}

# start_serve NAME [serve options]: a clawbus node on a free port, backed by $SIM_URL; sets GW_URL and GW_PID.
# Started through the launcher (which execs java, so GW_PID is the JVM's); SERVE_LAUNCHER=/other/checkout/clawbus
# runs another build of clawbus under the same load (the "before" figures of bench/README.md).
start_serve() {
  local name="$1"; shift
  CLAWBUS_JAVA_OPTS="$SERVE_JAVA_OPTS" "${SERVE_LAUNCHER:-$ROOT/clawbus}" serve --host 127.0.0.1 --port 0 --cluster-port 0 --vllm-url "$SIM_URL" \
    --data-dir "$WORK/$name" "$@" >"$WORK/$name.log" 2>&1 &
  GW_PID=$!; PIDS+=("$GW_PID")
  GW_URL="$(wait_line "$WORK/$name.log" 'listening on' 90 | grep -o 'http://[0-9.:]*' | head -1)"
}

stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# bench [bench options]: runs clawbus bench bounded in time.
bench() {
  timeout 240 java -jar "$JAR" bench "$@"
}

# prewarm: with PREWARM=N (default 0), N unmeasured requests per side at full speed (instant tokens) before the
# measured rounds, so both sides are measured with their code compiled. clawbus runs far more code than the
# backend (the broker, Hazelcast, Vert.x, the parser), and the JIT compiles it for minutes: a profile of the
# relay's measured window after the default warm-up showed 20-30 % of the node's CPU in the C1/C2 compilers.
prewarm() {
  [[ "${PREWARM:-0}" -gt 0 ]] || return 0
  bench --target "$GW_URL" --direct "$SIM_URL" --concurrency "${1:-64}" --requests "$PREWARM" --words "${WORDS:-200}" \
    --tps 100000 --ttft-ms 0 --rounds 1 --warmup 0 >/dev/null || true
  echo "prewarmed: $PREWARM requests per side"
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# live_heap_mb PID: the heap in use right after a full GC (jcmd GC.run, then GC.heap_info), in MB.
live_heap_mb() {
  jcmd "$1" GC.run >/dev/null 2>&1 || { echo "?"; return; }
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/total .*used/ {
      for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/[,K]+$/, "", v); print int(v / 1024); exit } }'
}

# committed_heap_mb PID: the heap the JVM has committed (what it holds from the OS for the heap), in MB.
committed_heap_mb() {
  jcmd "$1" GC.heap_info 2>/dev/null | awk '/total .*used/ {
      for (i = 1; i <= NF; i++) if ($i == "total") { v = $(i + 1); sub(/[,K]+$/, "", v); print int(v / 1024); exit } }'
}

machine() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), \
$(free -g | awk '/^Mem:/ {print $2}') GiB RAM, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
