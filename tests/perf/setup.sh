#!/usr/bin/env bash
# Everything the benchmark harness needs beyond the project's own dependencies, installed once
# and idempotently (the harness runs it every time; a finished step is skipped):
#   - a Python venv with confluent-kafka (the Python loop peer and the harness's Kafka client) and
#     matplotlib (charts), from PyPI, in ~/.cache/txform/perf-venv;
#   - Kafka Streams from Maven Central and the compiled Streams peer, in
#     ~/.cache/txform/perf-streams-<kafka version>/;
#   - the Kafka broker and tool jars (deploy/kafka/kafka-local.sh fetches them on first use).
# Prints nothing on success but one line per step it had to do.
#
#   tests/perf/setup.sh        then: ~/.cache/txform/perf-venv/bin/python, and the paths below
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/txform"
venv="$cache/perf-venv"
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/deploy/kafka/pom.xml")
streams_dir="$cache/perf-streams-$kafka_version"
# Versions are pinned so two reports compare like with like; the report names them.
python_packages=(confluent-kafka==2.16.1 matplotlib==3.11.2)

log() { echo "perf-setup: $*"; }
die() { echo "perf-setup: $*" >&2; exit 1; }

mkdir -p "$cache"

# Debian's python3 needs python3-venv for `python3 -m venv` (ensurepip).
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
  log "installing python3-venv (Debian)"
  apt-get install -y -q python3-venv >/dev/null || die "apt-get install python3-venv failed"
fi

want=$(printf '%s\n' "${python_packages[@]}")
if [ ! -f "$venv/.complete" ] || [ "$(cat "$venv/.complete")" != "$want" ]; then
  log "creating $venv with ${python_packages[*]} (PyPI)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "${python_packages[@]}" >"$cache/perf-venv.pip.log" 2>&1 ||
    { tail -n 20 "$cache/perf-venv.pip.log" >&2; die "pip install failed (log: $cache/perf-venv.pip.log)"; }
  echo "$want" >"$venv/.complete"
fi

# Kafka Streams' runtime classpath, then the peer compiled against it. The marker holds a hash of
# the pom and the source, so editing either rebuilds.
peer="$here/peers/streams"
stamp=$(cat "$peer/pom.xml" "$peer"/src/main/java/dev/txform/perf/*.java | sha256sum | cut -c1-16)
if [ ! -f "$streams_dir/.complete" ] || [ "$(cat "$streams_dir/.complete")" != "$stamp" ]; then
  command -v mvn >/dev/null || die "maven is not installed (run deploy/install-deps.sh)"
  command -v javac >/dev/null || die "javac is not installed (run deploy/install-deps.sh)"
  log "fetching Kafka Streams $kafka_version (Maven Central) and compiling the Streams peer"
  rm -rf "$streams_dir"
  mkdir -p "$streams_dir/classes"
  mvn -q -B -f "$peer/pom.xml" -Dkafka.version="$kafka_version" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$streams_dir/libs" >"$streams_dir.mvn.log" 2>&1 ||
    { tail -n 30 "$streams_dir.mvn.log" >&2; die "maven could not fetch Kafka Streams (log: $streams_dir.mvn.log)"; }
  javac --release 17 -cp "$streams_dir/libs/*" -d "$streams_dir/classes" \
    "$peer"/src/main/java/dev/txform/perf/*.java
  echo "$stamp" >"$streams_dir/.complete"
fi

# The broker and tool jars (TransactionalMessageCopier, Producer/ConsumerPerformance).
if [ ! -f "$cache/kafka-$kafka_version/libs/.complete" ]; then
  log "fetching the Kafka $kafka_version broker and tools (Maven Central)"
  "$root/deploy/kafka/kafka-local.sh" tool org.apache.kafka.tools.ProducerPerformance --help >/dev/null 2>&1 || true
  [ -f "$cache/kafka-$kafka_version/libs/.complete" ] || die "could not fetch the Kafka jars (see $cache/kafka-$kafka_version.mvn.log)"
fi
