#!/usr/bin/env bash
# deploy/install-librdkafka.sh as an operator meets it: a second run does nothing, and when
# Debian's archive does not offer the pinned version the script stops, naming the version the
# archive offers and the line to change. The second case runs a copy of the script pinned to a
# version that does not exist, with a cache and prefix of its own (it reads Debian's indexes).
#   usage: install_librdkafka_test.sh SOURCE_DIR
set -euo pipefail
source_dir=$1
script=$source_dir/deploy/install-librdkafka.sh
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== a second run"
again=$("$script" 2>&1) || fail "the installed build did not count as installed: $again"
echo "$again"
grep -q "already installed" <<<"$again" || fail "a second run did more than nothing: $again"

echo "== a pinned version the archive does not offer"
pinned=$(sed -n 's/^version=\([^ ]*\) .*/\1/p' "$script")
sed "s/^version=[^ ]*/version=0.0.1-1/" "$script" >"$work/install-librdkafka.sh"
chmod +x "$work/install-librdkafka.sh"
set +e
out=$(TXFORM_CACHE_DIR=$work/cache TXFORM_RDKAFKA_PREFIX=$work/prefix "$work/install-librdkafka.sh" 2>&1)
code=$?
set -e
echo "$out"
[ "$code" -ne 0 ] || fail "the script succeeded with a version Debian does not have"
grep -q "no longer offers librdkafka 0.0.1-1" <<<"$out" || fail "the message does not name the pinned version"
grep -q "offers: .*[0-9]" <<<"$out" || fail "the message does not name the version on offer"
grep -q "change line [0-9]* of .* to" <<<"$out" || fail "the message does not say which line to change"
grep -q "version=[0-9][^ ]* orig_sha256=" <<<"$out" || fail "the message does not give the new pin line"
[ ! -e "$work/prefix" ] || fail "something was installed"
echo "(the real script pins $pinned)"
