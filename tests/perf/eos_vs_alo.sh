#!/usr/bin/env bash
# Quick side-by-side: txform passthrough in exactly-once vs at-least-once mode, same broker, same
# input, one run — the benchmark harness (tests/perf/bench.sh) restricted to those two systems at
# one point. Prints records/s, CPU and commit latency p50/p99 of each; the report lands in
# build/perf/<time>/.
#
#   tests/perf/eos_vs_alo.sh [RECORDS] [RECORD_SIZE] [PARTITIONS]     default 1000000 1024 6
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
records=${1:-1000000}
exec "$here/bench.sh" --systems txform-eos-w1,txform-alo --sweeps none \
  --base-size "${2:-1024}" --base-partitions "${3:-6}" \
  --records-1k "$records" --records-100 "$records"
