#!/usr/bin/env bash
# Every binary this build made runs the librdkafka it was configured with: `txform --version`
# names that version, and no executable or shared object depends on a shared librdkafka at all
# (it is linked statically from TXFORM_RDKAFKA_PREFIX), so Debian's librdkafka1 2.0.2, which has
# the same soname and is on most machines, can never be the one that runs.
#   usage: librdkafka_linkage_test.sh BUILD_DIR TXFORM_BINARY EXPECTED_VERSION
set -euo pipefail
build_dir=$1 txform=$2 expected=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

line=$("$txform" --version)
echo "$line"
grep -q "librdkafka $expected\b" <<<"$line" || fail "txform --version does not name librdkafka $expected"

checked=0
while IFS= read -r -d '' file; do
  # ELF executables and shared objects only (not object files, archives or scripts).
  head -c 4 "$file" | grep -q $'\x7fELF' || continue
  case $(od -An -t x1 -j 16 -N 1 "$file" | tr -d ' ') in 02 | 03) ;; *) continue ;; esac
  checked=$((checked + 1))
  if readelf -d "$file" 2>/dev/null | grep -q 'NEEDED.*librdkafka'; then
    fail "$file needs a shared librdkafka: $(ldd "$file" | grep librdkafka)"
  fi
  if ldd "$file" 2>/dev/null | grep -q librdkafka; then
    fail "$file resolves a shared librdkafka: $(ldd "$file" | grep librdkafka)"
  fi
done < <(find "$build_dir" -path "$build_dir/CMakeFiles" -prune -o -type f -perm -u+x -print0)
[ "$checked" -gt 10 ] || fail "only $checked ELF files found under $build_dir"
echo "$checked executables and shared objects: none loads a shared librdkafka"
