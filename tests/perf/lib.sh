# Shared by bench.sh and profile.sh (sourced, not run): the cache directory, the Kafka version the
# harness downloads, the release build and a private broker on free loopback ports that is stopped
# and removed on exit.

perf_cache="${XDG_CACHE_HOME:-$HOME/.cache}/txform"
perf_kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' deploy/kafka/pom.xml)

# perf_build_release TARGET...: builds the release preset's targets at low priority and sets
# build_dir to it.
perf_build_release() {
  cmake --preset release >/dev/null
  nice -n 10 cmake --build --preset release --target "$@" -j2
  build_dir=$PWD/build/release
}

perf_broker_dir=""
perf_cleanup() {
  local status=$?
  if [ -n "$perf_broker_dir" ]; then
    deploy/kafka/kafka-local.sh stop --data-dir "$perf_broker_dir" >/dev/null 2>&1 || true
    rm -rf "$perf_broker_dir"
  fi
  exit $status
}

# perf_start_broker NAME: starts a broker for this run and sets bootstrap. The benchmark's broker
# gets more heap than the tests' default: it holds gigabytes of input.
perf_start_broker() {
  trap perf_cleanup EXIT
  trap 'exit 130' INT TERM
  local free_port='import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
  local port
  perf_broker_dir=$(mktemp -d "/tmp/txform-$1-kafka.XXXXXX")
  port=$(python3 -c "$free_port")
  TXFORM_KAFKA_HEAP=${TXFORM_KAFKA_HEAP:-1g} deploy/kafka/kafka-local.sh start --port "$port" \
    --controller-port "$(python3 -c "$free_port")" --data-dir "$perf_broker_dir"
  bootstrap=127.0.0.1:$port
}
