#!/usr/bin/env bash
# Every scenario, one after the other (never two at once: they would measure each other).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for s in ttft throughput memory durability; do
  echo "=================== $s"
  "$here/$s.sh" "$@"
done
