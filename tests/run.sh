#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: dependencies, build, a private Kafka broker on
# free loopback ports, every test in the dev preset (unit, integration, then the Debian packages,
# installed and purged again), then the unit tests again under ASan/UBSan. The broker is stopped
# and its data removed on exit, pass or fail.
#
#   tests/run.sh                 everything
#   TXFORM_TEST_PRESETS=dev tests/run.sh     skip the sanitizer pass
#   tests/run.sh -R Transactions           extra arguments go to every ctest run
#   TXFORM_TEST_CHAOS=0 tests/run.sh       skip the chaos scenario (tests/chaos/ci.sh)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
presets=${TXFORM_TEST_PRESETS:-dev asan}

step() { printf '\n==== %s\n' "$*"; }

step "dependencies (Debian packages)"
deploy/install-deps.sh

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

broker_dir=$(mktemp -d /tmp/txform-test-kafka.XXXXXX)
cleanup() {
  local status=$?
  step "stopping the test broker"
  deploy/kafka/kafka-local.sh stop --data-dir "$broker_dir" || true
  rm -rf "$broker_dir"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Kafka broker (real Apache Kafka, KRaft) on free loopback ports"
port=$(free_port)
controller_port=$(free_port)
deploy/kafka/kafka-local.sh start --port "$port" --controller-port "$controller_port" --data-dir "$broker_dir"
export TXFORM_TEST_BOOTSTRAP="127.0.0.1:$port"
export TXFORM_KAFKA_DATA_DIR="$broker_dir"

for preset in $presets; do
  step "build: preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  # Unit tests mostly wait on librdkafka's mock cluster: run them side by side. Integration tests
  # share the one broker and run one at a time.
  step "tests: preset $preset, unit"
  ctest --preset "$preset" -L unit -j4 "$@"
  if [ "$preset" = dev ]; then
    step "tests: preset dev, integration (real broker)"
    ctest --preset dev -L integration "$@"
    # Builds the Debian packages from this tree and installs them here (dpkg -i); the test
    # purges them again on exit, pass or fail (tests/deploy/packages_test.sh).
    step "tests: preset dev, Debian packages (installed on this machine, then purged)"
    TXFORM_TEST_INSTALL_PACKAGES=1 ctest --preset dev -L package "$@"
  fi
done

# Exactly-once under faults: its own 3-node cluster, every fault kind, and the at_least_once
# negative control that must fail (tests/chaos/ci.sh, about 5 minutes).
if [ "${TXFORM_TEST_CHAOS:-1}" = 1 ] && [[ " $presets " == *" dev "* ]]; then
  step "chaos: exactly-once under faults, 3-node cluster (tests/chaos/ci.sh)"
  tests/chaos/ci.sh "$root/build/dev"
fi

# The benchmark harness must not rot: every system it compares (tests/perf/bench.sh --smoke) runs
# on a tiny input against this broker with the dev build, and each run must be exactly-once by
# count. It measures nothing; about 1.5 minutes.
if [[ " $presets " == *" dev "* ]]; then
  step "perf smoke: every benchmarked system on a tiny input (tests/perf/bench.sh --smoke)"
  tests/perf/bench.sh --smoke --bootstrap "$TXFORM_TEST_BOOTSTRAP" --build-dir build/dev \
    --out build/dev/perf-smoke
fi
