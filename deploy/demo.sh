#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install dependencies, build txform, start a local
# Kafka broker, and run the demo pipeline — sample bank transactions (some invalid) through the
# bank-enrich plugin, exactly once, with invalid ones dead-lettered. Then it shows the committed
# output and the dead letters. On a terminal it keeps running (a transaction a second) until
# Ctrl-C, which stops txform (committing its open transaction) and the broker.
#
#   deploy/demo.sh            full demo
#   DEMO_COUNT=50000 deploy/demo.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
count=${DEMO_COUNT:-10000}
build=build/release
bootstrap=127.0.0.1:9092
log=/tmp/txform-demo.log
step() { printf '\n==== %s\n' "$*"; }

step "dependencies (Debian packages)"
deploy/install-deps.sh
step "build (release preset)"
cmake --preset release >/dev/null
cmake --build --preset release --target txform bank-enrich txform-bank-demo
step "local Kafka broker (fresh, in /tmp/txform-demo-kafka)"
export TXFORM_KAFKA_DATA_DIR=/tmp/txform-demo-kafka
deploy/kafka/kafka-local.sh stop >/dev/null
rm -rf "$TXFORM_KAFKA_DATA_DIR"
deploy/kafka/kafka-local.sh start

topics=(bank-transactions:6 bank-transactions-enriched:6 bank-transactions-dlq:1)
for spec in "${topics[@]}"; do
  deploy/kafka/kafka-local.sh tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
    --create --if-not-exists --topic "${spec%%:*}" --partitions "${spec##*:}" >/dev/null
done
echo "topics: ${topics[*]}"

txform_pid=""
stop_all() {
  trap - INT TERM EXIT
  if [ -n "$txform_pid" ] && kill -0 "$txform_pid" 2>/dev/null; then
    step "stopping txform (SIGTERM: it commits its open transaction)"
    kill -TERM "$txform_pid"
    local code=0
    wait "$txform_pid" || code=$?
    echo "txform exited with code $code"
  fi
  deploy/kafka/kafka-local.sh stop
}
trap stop_all EXIT
trap 'exit 130' INT TERM

step "sample data: $count bank transactions, 1 in 50 invalid"
"$build/plugins/bank-enrich/txform-bank-demo" produce --bootstrap "$bootstrap" \
  --topic bank-transactions --count "$count" --invalid-every 50

step "txform run (log: $log)"
export TXFORM_PLUGIN_DIR="$root/$build/plugins" KAFKA_BOOTSTRAP="$bootstrap"
"$build/host/txform" check --config deploy/demo/bank-enrich.yaml | tail -n 3
"$build/host/txform" run --config deploy/demo/bank-enrich.yaml >"$log" 2>&1 &
txform_pid=$!
"$build/plugins/bank-enrich/txform-bank-demo" wait --bootstrap "$bootstrap" \
  --group bank-enrich-demo --topic bank-transactions --timeout-s 180 ||
  { tail -n 30 "$log"; exit 1; }

step "committed output"
"$build/plugins/bank-enrich/txform-bank-demo" show --bootstrap "$bootstrap" \
  --topic bank-transactions-enriched --kind enriched --limit 8
"$build/plugins/bank-enrich/txform-bank-demo" show --bootstrap "$bootstrap" \
  --topic bank-transactions-dlq --kind dead-letter --limit 5

echo
echo "txform log: $log"
echo "metrics:    http://127.0.0.1:9464/metrics   (health: /healthz, /readyz)"

if [ -t 0 ]; then
  step "running: one new transaction a second; Ctrl-C stops txform and the broker"
  next=$count
  while kill -0 "$txform_pid" 2>/dev/null; do
    "$build/plugins/bank-enrich/txform-bank-demo" produce --bootstrap "$bootstrap" \
      --topic bank-transactions --first "$next" --count 1 --invalid-every 0 >/dev/null
    next=$((next + 1))
    sleep 1
  done
  echo "txform stopped by itself; see $log"
  exit 1
fi
