#!/usr/bin/env bash
# Installs every build, test and runtime dependency of txform from Debian 12 packages.
# Idempotent: packages already present are left alone. Runs as root, or through sudo otherwise.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format git ca-certificates
  # libraries the host, SDK and tests link against
  librdkafka-dev libboost-dev libboost-filesystem-dev libprotobuf-dev protobuf-compiler
  prometheus-cpp-dev libcivetweb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libssl-dev
  # the real Kafka broker (fetched by Maven from Maven Central) and the tools tests use
  openjdk-17-jre-headless maven kcat prometheus
)

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# The prometheus package would start a system-wide server on :9090; tests run their own instance.
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
  "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
echo "install-deps: done"
