#!/usr/bin/env bash
# Plugin upgrades while txform-loadgen keeps writing, judged by the chaos verifier
# (txform-verify check: every input exactly once in the output or the dead-letter topic, per
# partition order, values transformed, nothing hanging). One txform instance, 6 partitions,
# 100 000 records at 5 000/s, 0.1 % poison records dead-lettered. Meanwhile:
#   SIGHUP with 2.0.0 installed, SIGHUP with 1.0.0, a restart with 2.0.0 installed (SIGTERM,
#   start again: static membership, no rebalance), SIGHUP with a broken file (refused and
#   counted), SIGHUP with 1.0.0.
# Both versions are configured with the verifier's transform (value_prefix "out:"); which one
# produced a range shows in the committed offsets' metadata, read with `txform describe`.
#
#   tests/integration/reload/reload_under_load.sh BUILD_DIR    (TXFORM_TEST_BOOTSTRAP=host:port)
set -euo pipefail

build=$(cd "${1:?usage: reload_under_load.sh BUILD_DIR}" && pwd)
bootstrap=${TXFORM_TEST_BOOTSTRAP:?TXFORM_TEST_BOOTSTRAP is not set: run through tests/run.sh}
txform=$build/host/txform
loadgen=$build/tests/tools/txform-loadgen
verify=$build/tests/tools/txform-verify
first=$build/tests/plugins/testkit.so
next=$build/tests/plugins-next/testkit.so

work=$(mktemp -d /tmp/txform-reload-load.XXXXXX)
plugins=$work/plugins
mkdir -m 0700 "$plugins"
name=reload-load-$$-$(date +%s)
records=100000
pids=()
status=1
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ "$status" = 0 ]; then rm -rf "$work"; else echo "reload: logs kept in $work" >&2; fi
}
trap cleanup EXIT

fail() { echo "reload: FAILED: $*" >&2; exit 1; }
# Installs a plugin file the safe way: a hidden copy renamed over the old file.
install_plugin() { cp "$1" "$plugins/.testkit.so.new" && mv "$plugins/.testkit.so.new" "$plugins/testkit.so"; }
# Waits until `file` contains `text` (up to 120 s).
wait_for() {
  local file=$1 text=$2
  for _ in $(seq 1200); do grep -qF -- "$text" "$file" 2>/dev/null && return 0; sleep 0.1; done
  fail "'$text' never appeared in $file"
}
# GET /metrics from txform's endpoint on `port` (bash's /dev/tcp: no HTTP client needed).
scrape() {
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  cat <&3
  exec 3<&-
}
# Starts txform in the background, logging to `log`; sets txform_pid.
start_txform() {
  "$txform" run --config "$work/pipeline.yaml" >"$1" 2>&1 &
  txform_pid=$!
  pids+=("$txform_pid")
}

for topic in in out; do
  "$loadgen" create-topic --bootstrap "$bootstrap" --topic "$name-$topic" --partitions 6 \
    --replication-factor 1 >/dev/null
done
"$loadgen" create-topic --bootstrap "$bootstrap" --topic "$name-dlq" --partitions 1 \
  --replication-factor 1 >/dev/null

cat >"$work/pipeline.yaml" <<YAML
bootstrap_servers: "$bootstrap"
group_id: $name-group
transactional_id: $name-txid
input_topics: [$name-in]
output_topic: $name-out
plugin_dir: $plugins
plugins:
  - name: testkit
    config: {value_prefix: "out:", poison_prefix: "poison "}
error_policy: {on_record_error: dead_letter, dead_letter_topic: $name-dlq}
metrics: {listen: "127.0.0.1:0"}
YAML

install_plugin "$first"
"$loadgen" produce --bootstrap "$bootstrap" --topic "$name-in" --records $records --rate 5000 \
  --poison-fraction 0.001 >"$work/loadgen.log" 2>&1 &
loadgen_pid=$!
pids+=("$loadgen_pid")

start_txform "$work/txform-1.log"
wait_for "$work/txform-1.log" "assigned 6 partitions"
sleep 1.5  # the schedule: let records flow between upgrades
install_plugin "$next"
kill -HUP "$txform_pid"
wait_for "$work/txform-1.log" "generation 2 live in every worker"
sleep 1.5
install_plugin "$first"
kill -HUP "$txform_pid"
wait_for "$work/txform-1.log" "generation 3 live in every worker"
sleep 1.5
install_plugin "$next"
stop_requested=$(date +%s%N)
kill -TERM "$txform_pid"
wait "$txform_pid" || fail "txform did not exit 0 on SIGTERM"
stopped=$(date +%s%N)
start_txform "$work/txform-2.log"
wait_for "$work/txform-2.log" "plugin chain: testkit@2.0.0"
wait_for "$work/txform-2.log" "assigned 6 partitions"
resumed=$(date +%s%N)
restart_figures="SIGTERM to exit $(((stopped - stop_requested) / 1000000)) ms, start to assignment \
$(((resumed - stopped) / 1000000)) ms (polled every 100 ms)"
sleep 1.5
echo "not a shared object" >"$plugins/.testkit.so.new" && mv "$plugins/.testkit.so.new" "$plugins/testkit.so"
kill -HUP "$txform_pid"
wait_for "$work/txform-2.log" "plugin reload failed, still running testkit@2.0.0"
port=$(sed -n 's/.*metrics endpoint listening on port \([0-9]*\).*/\1/p' "$work/txform-2.log" | head -1)
metrics=$(scrape "$port")
grep -q '^txform_plugin_reload_failures_total 1' <<<"$metrics" ||
  fail "the refused reload was not counted"
install_plugin "$first"
kill -HUP "$txform_pid"
wait_for "$work/txform-2.log" "generation 2 live in every worker"

wait "$loadgen_pid" || fail "loadgen failed: $(tail -3 "$work/loadgen.log")"
"$verify" check --bootstrap "$bootstrap" --input "$name-in" --output "$name-out" --dlq "$name-dlq" \
  --group "$name-group" --records $records --value-prefix "out:" --settle-timeout 180 \
  --report "$work/verify.json" >"$work/verify.log" 2>&1 || fail "txform-verify: $(tail -20 "$work/verify.log")"
# No rebalance: each incarnation was assigned once, and revoked only by its own shutdown (the
# consumer's close, which with static membership does not leave the group).
[ "$(grep -c "assigned" "$work/txform-1.log")" = 1 ] || fail "the group rebalanced (first run)"
[ "$(grep -c "revoked" "$work/txform-1.log")" = 1 ] || fail "the group rebalanced (first run)"
[ "$(grep -c "assigned" "$work/txform-2.log")" = 1 ] || fail "the group rebalanced (restart)"
[ "$(grep -c "revoked" "$work/txform-2.log")" = 0 ] || fail "the group rebalanced (restart)"
"$txform" describe --group "$name-group" --bootstrap "$bootstrap" >"$work/describe.txt"
[ "$(grep -c "testkit@1.0.0" "$work/describe.txt")" = 6 ] ||
  fail "committed offsets do not name testkit@1.0.0: $(cat "$work/describe.txt")"
kill -TERM "$txform_pid"
wait "$txform_pid" || fail "txform did not exit 0 on the final SIGTERM"

tail -5 "$work/verify.log"
cat "$work/describe.txt"
grep -h "live in every worker\|plugin reload failed" "$work"/txform-*.log | sed 's/^/reload: /'
echo "reload: restart with 2.0.0: $restart_figures"
status=0
