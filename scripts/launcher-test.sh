#!/usr/bin/env bash
# Checks the launcher's JVM defaults and that CLAWBUS_JAVA_OPTS wins: runs ./clawbus from a scratch copy
# with a fake `java` that prints the arguments it gets. Prints "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/app/target" "$tmp/bin"
cp "$root/clawbus" "$tmp/clawbus"
touch "$tmp/app/target/clawbus.jar" # no sources in the copy: nothing is stale, nothing is built
cat >"$tmp/bin/java" <<'J'
#!/usr/bin/env bash
echo "ARGS $*"
echo "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}"
J
chmod +x "$tmp/bin/java"
pass=0 fail=0
run() { env -u CLAWBUS_JAVA_OPTS -u CLAWBUS_JVM_DEFAULTS -u MALLOC_ARENA_MAX PATH="$tmp/bin:$PATH" "$@" "$tmp/clawbus" serve --x; }
check() { # check NAME OUTPUT PATTERN [absent]
  if { [ "${4:-}" = absent ] && ! grep -Eq -- "$3" <<<"$2"; } || { [ "${4:-}" != absent ] && grep -Eq -- "$3" <<<"$2"; }; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAILED: $1: expected ${4:+no }'$3' in: $2"
  fi
}
out="$(run)"
check "defaults" "$out" 'ARGS -Xmx[0-9]+m -Xms64m -XX:\+UseG1GC -XX:G1PeriodicGCInterval=30000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:\+ExitOnOutOfMemoryError -jar .*/app/target/clawbus.jar serve --x$'
heap="$(grep -o -- '-Xmx[0-9]*' <<<"$out" | tr -dc 0-9)"
[ -n "$heap" ] && (( heap >= 128 && heap <= 1024 )) && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAILED: heap $heap"; }
check "malloc arenas" "$out" 'MALLOC_ARENA_MAX=2'
out="$(run env CLAWBUS_MAX_HEAP_MB=256)"
check "heap cap" "$out" '-Xmx(128|[12][0-9][0-9]|25[0-6])m '
out="$(run env CLAWBUS_JAVA_OPTS='-Xmx4g -XX:+UseParallelGC')"
check "user heap wins" "$out" '-Xmx[0-9]+m' absent
check "user gc wins" "$out" 'UseG1GC|G1PeriodicGCInterval' absent
check "user flags last" "$out" 'ExitOnOutOfMemoryError -Xmx4g -XX:\+UseParallelGC -jar'
out="$(run env CLAWBUS_JAVA_OPTS='-XX:MaxRAMPercentage=75 -Xms1g -XX:MaxHeapFreeRatio=50 -XX:-ExitOnOutOfMemoryError')"
check "RAM percentage wins" "$out" '-Xmx|-Xms64m|MinHeapFreeRatio=10|\+ExitOnOutOfMemoryError' absent
check "others kept" "$out" 'UseG1GC'
out="$(run env CLAWBUS_JVM_DEFAULTS=off)"
check "off" "$out" '^ARGS -jar .*clawbus.jar serve --x$'
check "off: no malloc setting" "$out" 'MALLOC_ARENA_MAX=unset'
out="$(run env MALLOC_ARENA_MAX=8)"
check "own malloc setting" "$out" 'MALLOC_ARENA_MAX=8'
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
