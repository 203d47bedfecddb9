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
cache="${XDG_CACHE_HOME:-$HOME/.cache}/txform"
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' deploy/kafka/pom.xml)
out=${out:-build/perf/profile-$(date -u +%Y%m%dT%H%M%SZ)}
"$here/setup.sh"
if [ -z "$build_dir" ]; then
  cmake --preset release >/dev/null
  nice -n 10 cmake --build --preset release --target txform passthrough discard txform-bare-copy -j2
  build_dir=$root/build/release
fi
broker_dir=""
cleanup() {
  local status=$?
  if [ -n "$broker_dir" ]; then
    deploy/kafka/kafka-local.sh stop --data-dir "$broker_dir" >/dev/null 2>&1 || true
    rm -rf "$broker_dir"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "$bootstrap" ]; then
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  broker_dir=$(mktemp -d /tmp/txform-profile-kafka.XXXXXX)
  port=$(free_port)
  TXFORM_KAFKA_HEAP=${TXFORM_KAFKA_HEAP:-1g} deploy/kafka/kafka-local.sh start --port "$port" \
    --controller-port "$(free_port)" --data-dir "$broker_dir"
  bootstrap=127.0.0.1:$port
fi
"$cache/perf-venv/bin/python" "$here/harness/profile.py" --bootstrap "$bootstrap" \
  --build-dir "$build_dir" --cache-dir "$cache" --kafka-version "$kafka_version" --root "$root" \
  --out "$out" "${args[@]}"
echo "profile: summaries in $out"
