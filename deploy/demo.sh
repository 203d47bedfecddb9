#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install dependencies, build txform, start a local
# Kafka broker and run the demo pipeline (bank transactions through the bank-enrich plugin).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "==== dependencies (Debian packages)"
deploy/install-deps.sh
echo "==== build (release preset)"
cmake --preset release >/dev/null
cmake --build --preset release
echo "==== local Kafka broker"
deploy/kafka/kafka-local.sh start

echo
echo "txform $(build/release/host/txform --version | sed 's/^txform //')"
echo "The broker runs at $(deploy/kafka/kafka-local.sh bootstrap) (stop it: deploy/kafka/kafka-local.sh stop)."
echo "The demo pipeline is not built yet: the exactly-once engine is still to come."
