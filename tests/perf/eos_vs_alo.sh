#!/usr/bin/env bash
# Quick side-by-side: txform passthrough in exactly-once vs at-least-once mode, same broker, same
# input, one run. Prints records/s for each and the exactly-once commit latency p50/p99
# (send_offsets_to_transaction + commit_transaction, from txform's debug log).
#
#   tests/perf/eos_vs_alo.sh [RECORDS] [RECORD_SIZE] [PARTITIONS]     default 1000000 1024 6
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
records=${1:-1000000}
size=${2:-1024}
partitions=${3:-6}
build=build/release
kafka=deploy/kafka/kafka-local.sh
work=$(mktemp -d /tmp/txform-perf.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bootstrap=127.0.0.1:$port
export TXFORM_KAFKA_DATA_DIR=$work/kafka

cleanup() { $kafka stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
$kafka start --port "$port" --controller-port "$((port + 1))" >/dev/null

topic() { $kafka tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
  --topic "$1" --partitions "$partitions" >/dev/null 2>&1; }
topic input
echo "pre-filling $records records of $size bytes into $partitions partitions"
$kafka tool org.apache.kafka.tools.ProducerPerformance --topic input --num-records "$records" \
  --record-size "$size" --throughput -1 \
  --producer-props bootstrap.servers="$bootstrap" acks=all linger.ms=20 batch.size=1000000 \
  >/dev/null 2>&1

run_mode() {  # MODE -> prints "records/s seconds"
  local mode=$1 config=$work/$1.yaml
  topic "out-$mode"
  cat >"$config" <<YAML
bootstrap_servers: "$bootstrap"
group_id: perf-$mode
transactional_id: perf-$mode
input_topics: [input]
output_topic: out-$mode
plugin_dir: $root/$build/plugins
plugins: [{name: passthrough}]
processing_guarantee: $mode
metrics: {enabled: false}
log: {level: debug}
kafka: {producer: {linger.ms: "5", batch.size: "1000000"}}
YAML
  local start end
  start=$(date +%s.%N)
  "$build/host/txform" run --config "$config" >"$work/$mode.log" 2>&1 &
  local pid=$!
  "$build/plugins/bank-enrich/txform-bank-demo" wait --bootstrap "$bootstrap" --group "perf-$mode" \
    --topic input --timeout-s 900 >/dev/null
  end=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid"
  python3 -c "s=$end-$start; print(f'{$records/s:.0f} {s:.2f}')"
}

eos=$(run_mode exactly_once)
alo=$(run_mode at_least_once)
python3 - "$work/exactly_once.log" "$eos" "$alo" <<'PY'
import re, sys
durations = sorted(float(m) for m in re.findall(r"committed \d+ records, \d+ bytes in ([\d.]+) ms", open(sys.argv[1]).read()))
eos_rate, eos_s = sys.argv[2].split(); alo_rate, alo_s = sys.argv[3].split()
q = lambda p: durations[min(len(durations) - 1, int(p * len(durations)))]
print(f"exactly_once : {float(eos_rate):>10,.0f} records/s ({eos_s} s)")
print(f"at_least_once: {float(alo_rate):>10,.0f} records/s ({alo_s} s)")
print(f"ratio eos/alo: {float(eos_rate) / float(alo_rate):.3f}")
print(f"commits: {len(durations)}, commit latency p50 {q(0.50):.2f} ms, p99 {q(0.99):.2f} ms")
PY
