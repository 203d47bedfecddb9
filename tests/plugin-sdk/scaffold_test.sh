#!/usr/bin/env bash
# `txform plugin new` for each language, as a new plugin author uses it: installs the plugin SDK
# to a temporary prefix, scaffolds a project, runs exactly the commands it prints (build, the
# sample test through `txform plugin test`, `txform plugins --dir`), and checks the listing.
# C and C++ are built with warnings as errors.
#   usage: scaffold_test.sh BUILD_DIR TXFORM_BINARY CARGO RUSTC RUSTDOC
set -euo pipefail
build_dir=$1 txform=$2 cargo=$3 rustc=$4 rustdoc=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 022

cmake --install "$build_dir" --prefix "$work/prefix" --component txform-plugin-sdk >/dev/null
# The printed commands say `txform` and `cargo`: this build's, and the toolchain CMake chose.
mkdir "$work/bin"
ln -s "$txform" "$work/bin/txform"
ln -s "$cargo" "$work/bin/cargo"
export PATH="$work/bin:$PATH" RUSTC=$rustc RUSTDOC=$rustdoc CARGO_NET_OFFLINE=true
unset CARGO_TARGET_DIR
export CFLAGS="-Wall -Wextra -Werror" CXXFLAGS="-Wall -Wextra -Werror"

fail() { echo "FAIL: $*" >&2; exit 1; }

for lang in c cpp rust; do
  name=hello-$lang
  echo "== $lang"
  txform plugin new "$name" --lang "$lang" --dir "$work/$name" --sdk-prefix "$work/prefix" \
    | tee "$work/$name.out"
  commands=$(sed -n 's/^  \$ //p' "$work/$name.out")
  [ -n "$commands" ] || fail "$lang: txform plugin new printed no commands"
  while IFS= read -r command; do
    echo "+ $command"
    bash -euo pipefail -c "$command" >"$work/$name.step" 2>&1 || {
      cat "$work/$name.step" >&2
      fail "$lang: printed command failed: $command"
    }
  done <<<"$commands"
  # The last command lists the plugin directory: the plugin must be in it, by its name.
  cat "$work/$name.step"
  grep -Eq "^$name +0\.1\.0 +1\.0 +$name\.so" "$work/$name.step" ||
    fail "$lang: $name not listed by the printed txform plugins command"
done

# The sample test must be able to fail: a transform that changed makes it exit 2.
sed -i 's/HELLO, TXFORM/HELLO, SOMETHING ELSE/' "$work/hello-cpp/test/expected.jsonl"
if ctest --test-dir "$work/hello-cpp/build" --output-on-failure >"$work/negative.log" 2>&1; then
  fail "the C++ sample test passed against a wrong expected.jsonl"
fi
grep -q 'the output differs from' "$work/negative.log" ||
  { cat "$work/negative.log" >&2; fail "the failing sample test does not say what differs"; }

echo "scaffold: c, cpp and rust projects built against the installed SDK, tested and listed"
