#!/usr/bin/env bash
# Renders docs/metrics-demo.png: txform (passthrough, exactly-once) fed at a steady rate, scraped by
# a real Prometheus with deploy/prometheus/prometheus.yml, charted from Prometheus' HTTP API with
# gnuplot (apt-get install gnuplot-nox).
#
#   BOOTSTRAP=127.0.0.1:9092 docs/render-metrics-demo.sh [BUILD_DIR] [SECONDS] [RATE]
#   default build/release 90 2000
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=$(cd "${1:-build/release}" && pwd)
seconds=${2:-90}
rate=${3:-2000}
bootstrap=${BOOTSTRAP:?the broker, e.g. BOOTSTRAP=127.0.0.1:9092}
kafka=deploy/kafka/kafka-local.sh
work=$(mktemp -d /tmp/txform-metrics-demo.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

suffix=$(date +%s)
for t in "demo-in-$suffix" "demo-out-$suffix"; do
  $kafka tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --topic "$t" --partitions 6 >/dev/null 2>&1
done
cat >"$work/txform.yaml" <<YAML
bootstrap_servers: "$bootstrap"
group_id: demo-$suffix
transactional_id: demo-$suffix
input_topics: [demo-in-$suffix]
output_topic: demo-out-$suffix
plugin_dir: $build/plugins
plugins: [{name: passthrough}]
metrics: {listen: "127.0.0.1:0"}
YAML
"$build/host/txform" run --config "$work/txform.yaml" >"$work/txform.log" 2>&1 &
pids+=($!)
until grep -q "listening on port" "$work/txform.log"; do
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/txform.log"; exit 1; }
  sleep 0.2
done
mport=$(grep -o "listening on port [0-9]*" "$work/txform.log" | awk '{print $4}')

pport=$(free_port)
sed -e "s/localhost:9464/127.0.0.1:$mport/" -e "s/15s/2s/" deploy/prometheus/prometheus.yml >"$work/prometheus.yml"
cp deploy/prometheus/*.rules.yml "$work/"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$pport" >"$work/prometheus.log" 2>&1 &
pids+=($!)

start=$(date +%s)
$kafka tool org.apache.kafka.tools.ProducerPerformance --topic "demo-in-$suffix" \
  --num-records $((seconds * rate)) --record-size 256 --throughput "$rate" \
  --producer-props bootstrap.servers="$bootstrap" acks=all >/dev/null 2>&1
sleep 10  # let the last transactions commit and be scraped
end=$(date +%s)

query() {  # PROMQL FILE: a range query, one "unix-seconds value" line per step
  curl -sfG "http://127.0.0.1:$pport/api/v1/query_range" --data-urlencode "query=$1" \
    --data-urlencode "start=$start" --data-urlencode "end=$end" --data-urlencode "step=2" |
    python3 -c 'import json,sys
r = json.load(sys.stdin)["data"]["result"]
for t, v in (r[0]["values"] if r else []):
    print(t, v)' >"$2"
}
q() { echo "histogram_quantile($1, sum by (le) (rate(txform_transaction_commit_duration_seconds_bucket[20s]))) * 1000"; }
query "$(q 0.5)" "$work/p50"
query "$(q 0.99)" "$work/p99"
query "sum(rate(txform_records_consumed_total[20s]))" "$work/rate"
query "sum(rate(txform_transaction_records_sum[20s])) / sum(rate(txform_transaction_records_count[20s]))" "$work/size"

gnuplot <<GP
set terminal pngcairo size 1100,700 font ",11" noenhanced
set output "$root/docs/metrics-demo.png"
set multiplot layout 2,1 title "txform demo run: passthrough, exactly-once, $rate records/s offered (Prometheus, 2 s scrapes)"
set xdata time; set timefmt "%s"; set format x "%H:%M:%S"; set grid
set ylabel "commit latency (ms)"
plot "$work/p50" using 1:2 with lines lw 2 title "p50 txform_transaction_commit_duration_seconds", \
     "$work/p99" using 1:2 with lines lw 2 title "p99"
set ylabel "records/s"; set y2label "records per transaction"; set y2tics; set ytics nomirror
plot "$work/rate" using 1:2 with lines lw 2 title "rate(txform_records_consumed_total)", \
     "$work/size" using 1:2 axes x1y2 with lines lw 2 title "mean txform_transaction_records"
unset multiplot
GP
echo "wrote docs/metrics-demo.png"
