#!/usr/bin/env bash
# Throughput cost of metrics: txform passthrough, exactly-once, with the metrics endpoint (and
# librdkafka statistics every 5 s, scraped every second) vs metrics off; same broker, same input,
# one run, alternating ROUNDS times (and which goes first) so drift hits both alike.
#
#   tests/perf/metrics_overhead.sh [RECORDS] [RECORD_SIZE] [PARTITIONS] [ROUNDS]   default 500000 512 6 3
# Needs a release build: cmake --preset release && cmake --build --preset release
# (TXFORM_PERF_BUILD=<dir> for another build directory).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
records=${1:-500000}
size=${2:-512}
partitions=${3:-6}
rounds=${4:-3}
build=$(cd "${TXFORM_PERF_BUILD:-build/release}" && pwd)
kafka=deploy/kafka/kafka-local.sh
work=$(mktemp -d /tmp/txform-perf-metrics.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
bootstrap=127.0.0.1:$port
export TXFORM_KAFKA_DATA_DIR=$work/kafka

cleanup() { $kafka stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
$kafka start --port "$port" --controller-port "$(free_port)" >/dev/null

topic() { $kafka tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
  --topic "$1" --partitions "$partitions" >/dev/null 2>&1; }
topic input
echo "pre-filling $records records of $size bytes into $partitions partitions"
$kafka tool org.apache.kafka.tools.ProducerPerformance --topic input --num-records "$records" \
  --record-size "$size" --throughput -1 \
  --producer-props bootstrap.servers="$bootstrap" acks=all linger.ms=20 batch.size=1000000 \
  >/dev/null 2>&1

run_once() {  # NAME METRICS(on|off) -> prints records/s
  local name=$1 metrics=$2 config=$work/$1.yaml metrics_line
  topic "out-$name"
  if [ "$metrics" = on ]; then
    metrics_line='metrics: {listen: "127.0.0.1:0"}'
  else
    metrics_line='metrics: {enabled: false}'
  fi
  cat >"$config" <<YAML
bootstrap_servers: "$bootstrap"
group_id: perf-$name
transactional_id: perf-$name
input_topics: [input]
output_topic: out-$name
plugin_dir: $build/plugins
plugins: [{name: passthrough}]
$metrics_line
kafka: {producer: {linger.ms: "5", batch.size: "1000000"}}
YAML
  local start end scraper=""
  start=$(date +%s.%N)
  "$build/host/txform" run --config "$config" >"$work/$name.log" 2>&1 &
  local pid=$!
  if [ "$metrics" = on ]; then  # scrape every second, as a busy Prometheus would
    (until grep -q "listening on port" "$work/$name.log"; do sleep 0.1; done
     mport=$(grep -o "listening on port [0-9]*" "$work/$name.log" | awk '{print $4}')
     while curl -sf "http://127.0.0.1:$mport/metrics" >/dev/null; do sleep 1; done) &
    scraper=$!
  fi
  "$build/plugins/bank-enrich/txform-bank-demo" wait --bootstrap "$bootstrap" --group "perf-$name" \
    --topic input --timeout-s 900 >/dev/null
  end=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid"
  [ -n "$scraper" ] && { kill "$scraper" 2>/dev/null || true; wait "$scraper" 2>/dev/null || true; }
  python3 -c "print(f'{$records/($end-$start):.0f}')"
}

on=()
off=()
for round in $(seq 1 "$rounds"); do
  # Which mode goes first alternates too: the first run of a round meets a colder page cache.
  if [ $((round % 2)) -eq 1 ]; then
    off+=("$(run_once "off-$round" off)")
    on+=("$(run_once "on-$round" on)")
  else
    on+=("$(run_once "on-$round" on)")
    off+=("$(run_once "off-$round" off)")
  fi
  echo "round $round: metrics off ${off[-1]} records/s, on ${on[-1]} records/s"
done
python3 - "${off[*]}" "${on[*]}" <<'PY'
import statistics, sys
off = [float(x) for x in sys.argv[1].split()]
on = [float(x) for x in sys.argv[2].split()]
mo, mn = statistics.median(off), statistics.median(on)
print(f"metrics off: median {mo:,.0f} records/s  {off}")
print(f"metrics on : median {mn:,.0f} records/s  {on}")
print(f"on/off ratio: {mn / mo:.3f}  (cost {100 * (1 - mn / mo):+.1f} %)")
PY
