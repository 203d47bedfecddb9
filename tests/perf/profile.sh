#!/usr/bin/env bash
# Profiles txform (exactly-once, at-least-once, drop-all) and bare-copy while each is saturated:
# on-CPU (cpu-clock) and off-CPU (sched_switch) with DWARF call graphs, summed per thread and per
# symbol. docs/perf/profile.md is written from these summaries.
#
#   tests/perf/profile.sh [--out DIR] [--build-dir DIR] [--bootstrap HOST:PORT] [profile.py options]
#
# Without --bootstrap it starts its own broker on free loopback ports, as bench.sh does.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
bootstrap="" build_dir="" out="" args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) bootstrap=$2; shift 2 ;;
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
command -v perf >/dev/null || { echo "profile: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
. "$here/lib.sh"
out=${out:-build/perf/profile-$(date -u +%Y%m%dT%H%M%SZ)}
"$here/setup.sh"
[ -n "$build_dir" ] || perf_build_release txform passthrough discard txform-bare-copy
[ -n "$bootstrap" ] || perf_start_broker profile
"$perf_cache/perf-venv/bin/python" "$here/harness/profile.py" --bootstrap "$bootstrap" \
  --build-dir "$build_dir" --cache-dir "$perf_cache" --kafka-version "$perf_kafka_version" --root "$root" \
  --out "$out" "${args[@]}"
echo "profile: summaries in $out"
