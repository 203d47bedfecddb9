#!/usr/bin/env bash
# The systemd unit's sandbox lets txform do its work. systemd cannot run the unit here, so this
# runs a real pipeline under strace (start, transactions against the test broker, a scrape of
# /metrics and /healthz, SIGTERM) and checks every system call against the unit's
# SystemCallFilter= lines and every socket family against RestrictAddressFamilies=. A call the
# filter denies would kill txform with SIGSYS in production.
#   usage: unit_sandbox_test.sh SOURCE_DIR TXFORM_BINARY PLUGIN_DIR
set -euo pipefail
source_dir=$1 txform=$2 plugin_dir=$3
bootstrap=${TXFORM_TEST_BOOTSTRAP:?TXFORM_TEST_BOOTSTRAP is not set: run through tests/run.sh}
unit=$source_dir/deploy/systemd/txform.service
work=$(mktemp -d)
tracer=
cleanup() {
  [ -z "$tracer" ] || kill "$tracer" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

topic=unit-sandbox-$$-$(date +%s)
for t in "$topic-in" "$topic-out"; do
  "$source_dir/deploy/kafka/kafka-local.sh" tool org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$bootstrap" --create --topic "$t" --partitions 2 >/dev/null
done
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/txform.yaml" <<YAML
bootstrap_servers: $bootstrap
group_id: $topic
input_topics: [$topic-in]
output_topic: $topic-out
plugin_dir: $plugin_dir
allow_insecure_plugin_dir: true
plugins: [{name: passthrough}]
metrics: {listen: "127.0.0.1:$metrics_port"}
YAML

strace -f -qq -o "$work/trace" "$txform" run --config "$work/txform.yaml" >"$work/txform.log" 2>&1 &
tracer=$!
seq 1 100 | sed 's/.*/k&:v&/' | kcat -P -b "$bootstrap" -t "$topic-in" -K:
# Returns once the 100 records are committed downstream: the loop ran transactions end to end.
timeout 120 kcat -C -b "$bootstrap" -t "$topic-out" -X isolation.level=read_committed -o beginning \
  -c 100 -q >/dev/null || { cat "$work/txform.log" >&2; fail "records not committed"; }
for path in metrics healthz readyz; do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1]).read()" \
    "http://127.0.0.1:$metrics_port/$path" || fail "/$path did not answer 200"
done
kill -TERM "$(pgrep -P "$tracer")"
status=0
wait "$tracer" || status=$?
tracer=
[ "$status" -eq 0 ] || { cat "$work/txform.log" >&2; fail "txform exited $status"; }

# Every call a set in the unit names, groups (@...) expanded by systemd itself.
resolve() {
  local item
  for item in "$@"; do
    case $item in
      @*) resolve $(systemd-analyze syscall-filter "$item" | awk '/^    [a-z0-9_@-]+$/ {print $1}') ;;
      *) echo "$item" ;;
    esac
  done
}
allowed_sets=$(sed -n 's/^SystemCallFilter=\([^~].*\)$/\1/p' "$unit")
denied_sets=$(sed -n 's/^SystemCallFilter=~\(.*\)$/\1/p' "$unit")
[ -n "$allowed_sets" ] && [ -n "$denied_sets" ] || fail "no SystemCallFilter= lines in $unit"
# shellcheck disable=SC2086 # the sets are space-separated names
resolve $allowed_sets | sort -u >"$work/allowed"
# shellcheck disable=SC2086
resolve $denied_sets | sort -u >"$work/denied"
sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p' "$work/trace" | sort -u >"$work/used"
[ -s "$work/used" ] || fail "strace recorded no system calls"
outside=$(comm -23 "$work/used" "$work/allowed")
[ -z "$outside" ] || fail "calls outside the unit's SystemCallFilter: $outside"
blocked=$(comm -12 "$work/used" "$work/denied")
[ -z "$blocked" ] || fail "calls the unit denies: $blocked"

families=$(sed -n 's/^RestrictAddressFamilies=//p' "$unit")
for family in $(grep -oE 'socket\(AF_[A-Z0-9]+' "$work/trace" | cut -d'(' -f2 | sort -u); do
  grep -qw "$family" <<<"$families" || fail "socket family $family not in RestrictAddressFamilies"
done

echo "unit sandbox: $(wc -l <"$work/used") distinct system calls, all allowed by the unit's filter"
