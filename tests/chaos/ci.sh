#!/usr/bin/env bash
# The chaos CI scenario: a private 3-node Kafka cluster on free ports, then
#   1. exactly_once: 3 txform instances, 100 000 records (0.1 % poison), every fault kind of
#      nemesis.py at least once, timeouts shortened for CI; txform-verify must pass;
#   2. the negative control: the same harness with at_least_once under SIGKILL must FAIL with
#      duplicates. A verifier that cannot fail proves nothing.
# The cluster is stopped on exit; the run directory is kept when something failed.
#
#   tests/chaos/ci.sh BUILD_DIR            (TXFORM_CHAOS_SEED=N reproduces a schedule,
#                                           TXFORM_CHAOS_KEEP=1 keeps logs and reports,
#                                           TXFORM_CHAOS_GROUP_PROTOCOL=consumer runs KIP-848)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:?usage: tests/chaos/ci.sh BUILD_DIR}" && pwd)
seed=${TXFORM_CHAOS_SEED:-$(($(date +%s) % 1000000))}
work=$(mktemp -d /tmp/txform-chaos.XXXXXX)
kafka_dir=$work/kafka
started=$SECONDS

# Three consecutive free ports for the clients, three for the quorum, all below the kernel's
# ephemeral range: the brokers are stopped and restarted during the run, and a port inside that
# range can be taken meanwhile as the local port of some client's outgoing connection (a broker
# once failed to restart with "Address already in use" that way).
free_port_run() {
  python3 - <<'PY'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(200):
    p = random.randrange(10000, low - 3)
    sockets = []
    try:
        for port in (p, p + 1, p + 2):
            s = socket.socket()
            s.bind(("127.0.0.1", port))
            sockets.append(s)
    except OSError:
        continue
    finally:
        for s in sockets:
            s.close()
    print(p)
    sys.exit(0)
sys.exit("ci.sh: no run of three free ports below the ephemeral range")
PY
}

status=1
cleanup() {
  "$root/deploy/kafka/kafka-local.sh" stop --data-dir "$kafka_dir" >/dev/null 2>&1 || true
  if [ "$status" = 0 ] && [ "${TXFORM_CHAOS_KEEP:-0}" = 0 ]; then rm -rf "$work"
  else echo "chaos: logs and reports kept in $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(free_port_run)
controller_port=$(free_port_run)
"$root/deploy/kafka/kafka-local.sh" start --nodes 3 --port "$port" --controller-port "$controller_port" \
  --data-dir "$kafka_dir"

nemesis=("$root/tests/chaos/nemesis.py" --kafka-data-dir "$kafka_dir" --build-dir "$build" --seed "$seed"
  --session-timeout-ms 6000 --transaction-timeout-ms 15000
  --group-protocol "${TXFORM_CHAOS_GROUP_PROTOCOL:-classic}")

echo "chaos: exactly_once under every fault kind (seed $seed; TXFORM_CHAOS_SEED=$seed reproduces it)"
if ! "${nemesis[@]}" --mode exactly_once --records 100000 --duration 60s \
  --instance-stop-s 17 --broker-down-s 10 --coordinator-stop-s 12 --all-down-s 10 \
  --scale-hold-s 3 --gap-s 1 --work-dir "$work/exactly_once" --report "$work/exactly_once.json"; then
  echo "chaos: FAILED: the exactly_once run did not verify (report $work/exactly_once.json)" >&2
  exit 1
fi

echo "chaos: negative control: at_least_once under SIGKILL must fail verification with duplicates"
set +e
"${nemesis[@]}" --mode at_least_once --faults instance_sigkill --records 20000 --duration 15s \
  --gap-s 1 --work-dir "$work/at_least_once" --report "$work/at_least_once.json"
control=$?
set -e
if [ "$control" != 1 ] || ! python3 - "$work/at_least_once.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
sys.exit(0 if report["duplicates"] > 0 and not report["ok"] else 1)
PY
then
  echo "chaos: FAILED: the negative control was not caught (nemesis exit $control): the verifier cannot fail" >&2
  exit 1
fi
echo "chaos: negative control caught its duplicates, as it must"
echo "chaos: passed in $((SECONDS - started)) s"
status=0
