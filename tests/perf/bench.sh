#!/usr/bin/env bash
# The benchmark: txform (exactly-once with 1 and 2 workers, at-least-once) side by side with Kafka
# Streams EOS v2, Kafka's TransactionalMessageCopier, the article's Python loop and the broker's
# produce/consume ceilings, sweeping commit interval, record size and partitions, plus end-to-end
# latency at half saturation. Installs what it needs (tests/perf/setup.sh), builds txform in
# release, starts a private broker on free loopback ports, and writes report.md, CSVs and charts.
#
#   tests/perf/bench.sh                      the full run (prints its plan and time estimate first)
#   tests/perf/bench.sh --publish            ... and copy the report to docs/perf/ (the README links it)
#   tests/perf/bench.sh --smoke              every system on tiny inputs: checks validity, not speed
#   tests/perf/bench.sh --estimate-only      the plan and its estimate only
#   tests/perf/bench.sh --help               every option (sizes, sweeps, systems, ...)
#
# Options of this script (the rest go to harness/bench.py):
#   --bootstrap HOST:PORT   use this broker instead of starting one
#   --build-dir DIR         use this build instead of building build/release
#   --out DIR               where the report goes (default build/perf/<UTC time>)
#   --publish               copy the report to docs/perf/ afterwards
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
command_line="$*"
bootstrap="" build_dir="" out="" publish=0 smoke=0 estimate=0 harness_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) bootstrap=$2; shift 2 ;;
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    --out) out=$2; shift 2 ;;
    --publish) publish=1; shift ;;
    --smoke) smoke=1; harness_args+=("$1"); shift ;;
    --estimate-only | -h | --help) estimate=1; harness_args+=("$1"); shift ;;
    *) harness_args+=("$1"); shift ;;
  esac
done

step() { printf '\n==== perf: %s\n' "$*"; }
. "$here/lib.sh"
out=${out:-build/perf/$(date -u +%Y%m%dT%H%M%SZ)}
harness() {
  "$perf_cache/perf-venv/bin/python" "$here/harness/bench.py" --bootstrap "${bootstrap:-127.0.0.1:0}" \
    --build-dir "${build_dir:-$root/build/release}" --out "$out" --cache-dir "$perf_cache" \
    --kafka-version "$perf_kafka_version" --root "$root" --command="$command_line" "${harness_args[@]}"
}

step "setup (Python venv, Kafka Streams peer, Kafka tools)"
"$here/setup.sh"
if [ "$estimate" = 1 ]; then harness; exit; fi

if [ -z "$build_dir" ]; then
  step "build: preset release (txform, passthrough, bare-copy)"
  perf_build_release txform passthrough txform-bare-copy
fi
if [ -z "$bootstrap" ]; then
  step "Kafka broker on free loopback ports"
  perf_start_broker perf
fi

step "$([ "$smoke" = 1 ] && echo "smoke run" || echo "benchmark") against $bootstrap"
harness

if [ "$publish" = 1 ]; then
  # The report's files are replaced; profile.md (written by hand from profile.sh) stays.
  mkdir -p docs/perf
  find docs/perf -maxdepth 1 -type f ! -name profile.md -delete
  cp "$out"/report.md "$out"/*.csv docs/perf/
  cp "$out"/*.png docs/perf/ 2>/dev/null || true
  echo "published to docs/perf/"
fi
