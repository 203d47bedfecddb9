#!/usr/bin/env bash
# Builds the librdkafka txform links against from Debian's own source package and installs it into
# a fixed prefix. Called by deploy/install-deps.sh after the build dependencies are installed.
#
# Debian 12 ships librdkafka 2.0.2 (January 2023); txform needs the consumer and transaction fixes
# of later releases. The source comes from Debian's archive (testing/unstable) with `apt-get
# source`, through a sources list and apt state directories of our own under the cache directory:
# the machine's apt configuration is never touched. apt checks every file against Debian's signed
# Sources indexes; the upstream tarball is also checked against the sha256 pinned below.
#
# It is built with upstream's supported `./configure && make` from the upstream tarball as Debian
# ships it (librdkafka_<version>.orig.tar.gz). Debian's own patches are not applied: they add
# options to link Debian's cJSON and nanopb instead of the bundled copies (not packaged in Debian
# 12) and depend on sources that debian/rules regenerates.
#
# Idempotent: a prefix holding this exact build is left alone, and a downloaded source stays in
# the cache, so a later run works even once the archive has moved on to a newer version.
#
#   TXFORM_CACHE_DIR       where sources and apt state are kept (default /var/cache/txform)
#   TXFORM_RDKAFKA_PREFIX  where the library is installed (default /opt/txform/librdkafka-<version>)
set -euo pipefail

# The pin, on one line: Debian's package version and the sha256 of its upstream tarball (the
# .orig.tar.gz line of the .dsc's Checksums-Sha256). Moving to another release is this line
# (and TXFORM_RDKAFKA_PREFIX's default in cmake/TxformDependencies.cmake).
version=2.14.2-1 orig_sha256=4d53568c13717b167d12c7b2a0fe12aeb5d6bfe02de53df5b68f86d870a81b33

upstream_version=${version%-*}
prefix=${TXFORM_RDKAFKA_PREFIX:-/opt/txform/librdkafka-$upstream_version}
cache=${TXFORM_CACHE_DIR:-/var/cache/txform}/librdkafka
tarball=$cache/source/librdkafka_$upstream_version.orig.tar.gz
# Everything that decides what gets installed: a change to any of it rebuilds.
# Each feature named, so that a missing build dependency fails here rather than building a
# library without TLS; the set matches Debian's own package (GSSAPI through Cyrus SASL, OIDC
# through curl).
configure_flags=(--prefix="$prefix" --enable-ssl --enable-gssapi --enable-zlib --enable-zstd
                 --enable-lz4-ext --enable-curl)
build_id="librdkafka $version sha256:$orig_sha256 configure ${configure_flags[*]}"
stamp=$prefix/share/txform-build-id

say() { echo "install-librdkafka: $*"; }
die() { echo "install-librdkafka: error: $*" >&2; exit 1; }

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$build_id" ]; then
  say "librdkafka $upstream_version already installed in $prefix"
  exit 0
fi

sha_ok() { [ -f "$1" ] && echo "$orig_sha256  $1" | sha256sum --check --status; }

# apt with our own sources list and state: nothing outside $cache/apt is read or written, except
# Debian's archive keyring, which verifies the indexes.
apt_dir=$cache/apt
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State=$apt_dir/state" -o "Dir::State::Lists=$apt_dir/state/lists"
  -o "Dir::State::status=$apt_dir/state/status" -o "Dir::Cache=$apt_dir/cache"
  -o Debug::NoLocking=true -o APT::Get::List-Cleanup=false
)

fetch_source() {
  mkdir -p "$apt_dir/state/lists/partial" "$apt_dir/cache/archives/partial" "$cache/source"
  : >"$apt_dir/state/status"
  cat >"$apt_dir/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian testing main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian unstable main
EOF
  # apt downloads as its unprivileged user when it can write there.
  if id _apt >/dev/null 2>&1; then chown -R _apt "$apt_dir/state/lists" "$cache/source"; fi
  say "reading Debian's source indexes (testing, unstable)"
  apt-get "${apt_options[@]}" -qq update || die "apt-get update of Debian's source indexes failed"
  local offered
  offered=$(apt-cache "${apt_options[@]}" showsrc librdkafka 2>/dev/null |
    sed -n 's/^Version: //p' | sort -uV | tr '\n' ' ')
  if ! grep -qw -- "$version" <<<"$offered"; then
    local pin_line newest
    pin_line=$(grep -n '^version=' "${BASH_SOURCE[0]}" | cut -d: -f1)
    newest=$(awk '{print $NF}' <<<"$offered")
    die "Debian's archive no longer offers librdkafka $version; it offers: ${offered:-nothing}.
  To move on, change line $pin_line of ${BASH_SOURCE[0]} to
    version=${newest:-<version>} orig_sha256=<sha256 of librdkafka_${newest%-*}.orig.tar.gz from its .dsc>
  (a source already in $cache/source keeps building the pinned version meanwhile)."
  fi
  say "downloading librdkafka $version from Debian's archive"
  (cd "$cache/source" && apt-get "${apt_options[@]}" -qq source --download-only "librdkafka=$version") ||
    die "apt-get source librdkafka=$version failed"
}

if sha_ok "$tarball"; then
  say "using the cached source $tarball"
else
  fetch_source
  sha_ok "$tarball" || die "$tarball does not have the pinned sha256 $orig_sha256"
fi

build_dir=$(mktemp -d /tmp/txform-librdkafka-build.XXXXXX)
trap 'rm -rf "$build_dir"' EXIT
# GitHub's release tarball: one top directory named after the commit.
mkdir "$build_dir/src"
tar -C "$build_dir/src" --strip-components=1 -xzf "$tarball"
src=$build_dir/src
grep -q "RD_KAFKA_VERSION 0x$(printf '%02x%02x%02x' ${upstream_version//./ })" "$src/src/rdkafka.h" ||
  die "the tarball does not hold librdkafka $upstream_version (src/rdkafka.h)"
say "building librdkafka $upstream_version into $prefix (./configure && make, about a minute)"
(
  cd "$src"
  ./configure "${configure_flags[@]}" >"$build_dir/configure.log" 2>&1 ||
    { tail -40 "$build_dir/configure.log" >&2; exit 1; }
  make -j "$(nproc)" libs >"$build_dir/make.log" 2>&1 || { tail -40 "$build_dir/make.log" >&2; exit 1; }
  rm -rf "$prefix"
  make install-subdirs >"$build_dir/install.log" 2>&1 || { tail -40 "$build_dir/install.log" >&2; exit 1; }
) || die "building librdkafka failed (log above)"
mkdir -p "$(dirname "$stamp")"
echo "$build_id" >"$stamp"
say "installed librdkafka $upstream_version in $prefix"
