#!/usr/bin/env bash
# Installs the plugin SDK to a temporary prefix, builds a plugin against it two ways (CMake
# find_package + txform_add_plugin, and pkg-config with a plain C compiler), then loads both
# with the real `txform plugins`.
#   usage: out_of_tree_test.sh BUILD_DIR SOURCE_DIR TXFORM_BINARY
set -euo pipefail
build_dir=$1 source_dir=$2 txform=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" --component txform-plugin-sdk >/dev/null

# 1. CMake: find_package(txform-plugin-sdk) and txform_add_plugin().
cmake -S "$source_dir/tests/plugin-sdk/out-of-tree" -B "$work/cmake-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/cmake-build" >/dev/null

# 2. pkg-config: the C example plugin, compiled by hand.
export PKG_CONFIG_PATH="$work/prefix/share/pkgconfig"
mkdir "$work/pkg-config-build"
# shellcheck disable=SC2046 # pkg-config output is meant to split into flags
cc -std=c99 -shared -fPIC $(pkg-config --cflags txform-plugin-sdk) \
  "$source_dir/plugins/filter/filter.c" -o "$work/pkg-config-build/filter.so" \
  $(pkg-config --libs txform-plugin-sdk)

# Whatever the umask, plugin files must not be group/other-writable to load.
chmod -R go-w "$work"

for so in "$work/cmake-build/plugins/upper.so" "$work/pkg-config-build/filter.so"; do
  exported=$(nm -D --defined-only "$so" | awk '$2 != "A" {print $3}')
  if [ "$exported" != "txform_plugin_entry_v1" ]; then
    echo "FAIL: $so exports more than the entry symbol: $exported" >&2
    exit 1
  fi
done

listing=$("$txform" plugins --dir "$work/cmake-build/plugins")
echo "$listing"
grep -Eq '^upper +1\.0\.0 +1\.0 +upper\.so' <<<"$listing" || { echo "FAIL: upper not listed" >&2; exit 1; }
"$txform" plugins --dir "$work/cmake-build/plugins" --create upper

listing=$("$txform" plugins --dir "$work/pkg-config-build")
echo "$listing"
grep -Eq '^filter +1\.0\.0 +1\.0 +filter\.so' <<<"$listing" || { echo "FAIL: filter not listed" >&2; exit 1; }
"$txform" plugins --dir "$work/pkg-config-build" --create filter --set drop_key_prefix=x

echo "out-of-tree: upper (CMake) and filter (pkg-config) built against the installed SDK and loaded"
