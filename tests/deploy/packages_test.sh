#!/usr/bin/env bash
# Builds the Debian packages from a configured, built tree, checks their metadata and contents,
# installs them on this machine with dpkg -i, and uses them as an operator and a plugin author
# would: `txform --version`, the example plugins, the unit, the default configuration, and an
# out-of-tree plugin built against the installed SDK (CMake and pkg-config). Both packages are
# purged on exit, pass or fail.
#
# It changes the machine, so it runs only when asked: TXFORM_TEST_INSTALL_PACKAGES=1 (tests/run.sh
# sets it for `ctest -L package`); otherwise it reports itself skipped.
#   usage: packages_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1 source_dir=$2
skip=77  # the test's SKIP_RETURN_CODE in tests/CMakeLists.txt

if [ "${TXFORM_TEST_INSTALL_PACKAGES:-0}" != 1 ]; then
  echo "SKIP: installs packages on this machine; set TXFORM_TEST_INSTALL_PACKAGES=1 to run it"
  exit $skip
fi
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
fail() { echo "FAIL: $*" >&2; exit 1; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

packages=(txform txform-plugin-sdk-dev)
for p in "${packages[@]}"; do
  # Not ours to replace and then purge: an operator's real installation.
  if installed "$p"; then fail "$p is already installed here; remove it first (dpkg --purge $p)"; fi
done

work=$(mktemp -d)
cleanup() {
  local status=$?
  for p in "${packages[@]}"; do
    if installed "$p" || dpkg-query -W "$p" >/dev/null 2>&1; then
      "${sudo[@]}" dpkg --purge "$p" >/dev/null || status=1
    fi
  done
  [ ! -e /usr/bin/txform ] || { echo "FAIL: /usr/bin/txform left behind" >&2; status=1; }
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

echo "== cpack"
cpack --config "$build_dir/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
server=$(ls "$work"/packages/txform_*.deb)
sdk=$(ls "$work"/packages/txform-plugin-sdk-dev_*_all.deb)
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
echo "$server"$'\n'"$sdk"

echo "== metadata"
field() { dpkg-deb -f "$1" "$2"; }
[ "$(field "$server" Package)" = txform ] || fail "server package name"
[ "$(field "$server" Version)" = "$version-1" ] || fail "server version $(field "$server" Version)"
[ "$(field "$server" Architecture)" = "$(dpkg --print-architecture)" ] || fail "server architecture"
depends=$(field "$server" Depends)
echo "Depends: $depends"
# librdkafka is linked statically (cmake/TxformDependencies.cmake); the libraries it uses are
# Debian 12's, found by dpkg-shlibdeps like the rest.
for lib in libprotobuf32 libyaml-cpp0.7 libssl3 libsasl2-2 libzstd1 liblz4-1 libcurl4; do
  grep -q "$lib" <<<"$depends" || fail "Depends lacks $lib (dpkg-shlibdeps)"
done
if grep -q librdkafka <<<"$depends"; then fail "Depends names a librdkafka package: $depends"; fi
[ "$(field "$sdk" Package)" = txform-plugin-sdk-dev ] || fail "SDK package name"
[ "$(field "$sdk" Architecture)" = all ] || fail "SDK architecture"
conffiles=$(dpkg-deb --ctrl-tarfile "$server" | tar -xO ./conffiles)
[ "$conffiles" = /etc/txform/txform.yaml ] || fail "conffiles: $conffiles"

echo "== contents"
dpkg-deb -c "$server" | awk '{print $6}' >"$work/server.list"
dpkg-deb -c "$sdk" | awk '{print $6}' >"$work/sdk.list"
for path in ./usr/bin/txform ./etc/txform/txform.yaml ./usr/lib/systemd/system/txform.service \
    ./usr/lib/txform/plugins/passthrough.so ./usr/lib/txform/plugins/filter.so \
    ./usr/lib/txform/plugins/fanout.so ./usr/lib/txform/plugins/bank-enrich.so \
    ./usr/share/doc/txform/examples/full.yaml ./usr/share/doc/txform/copyright; do
  grep -qxF "$path" "$work/server.list" || fail "txform lacks $path"
done
# The chaos tools and test plugins are for the test suite, not for production hosts.
if grep -E 'loadgen|verify|testkit|include/' "$work/server.list"; then
  fail "txform ships test tools or headers"
fi
for path in ./usr/include/txform/plugin.h ./usr/include/txform/plugin.hpp \
    ./usr/include/txform/status.hpp \
    ./usr/lib/cmake/txform-plugin-sdk/txform-plugin-sdkConfig.cmake \
    ./usr/lib/cmake/txform-plugin-sdk/TxformAddPlugin.cmake \
    ./usr/share/pkgconfig/txform-plugin-sdk.pc \
    ./usr/share/txform-plugin-sdk/rust/Cargo.toml ./usr/share/txform-plugin-sdk/rust/src/lib.rs; do
  grep -qxF "$path" "$work/sdk.list" || fail "txform-plugin-sdk-dev lacks $path"
done

echo "== dpkg -i"
"${sudo[@]}" dpkg -i "$server" "$sdk"

echo "== the installed server, with the librdkafka build prefix hidden"
# A clean Debian 12 has no $rdkafka_prefix: run the installed binary in a mount namespace
# where an empty tmpfs covers it, so nothing can come from there.
rdkafka_prefix=$(sed -n 's/^TXFORM_RDKAFKA_PREFIX:PATH=//p' "$build_dir/CMakeCache.txt")
rdkafka_version=$(sed -n 's/^RDKAFKA_VERSION:INTERNAL=//p' "$build_dir/CMakeCache.txt")
[ -d "$rdkafka_prefix" ] || fail "the build's TXFORM_RDKAFKA_PREFIX '$rdkafka_prefix' is not a directory"
without_prefix() {
  "${sudo[@]}" unshare --mount --propagation private -- bash -c \
    'mount -t tmpfs none "$1" && [ -z "$(ls -A "$1")" ] && shift && exec "$@"' _ "$rdkafka_prefix" "$@"
}
without_prefix /usr/bin/txform --version | tee "$work/version"
grep -q "$version" "$work/version" || fail "--version does not say $version"
grep -q "librdkafka $rdkafka_version" "$work/version" || fail "--version does not say librdkafka $rdkafka_version"
if ldd /usr/bin/txform | grep librdkafka; then fail "the installed txform loads a shared librdkafka"; fi
listing=$(without_prefix /usr/bin/txform plugins --dir /usr/lib/txform/plugins)
echo "$listing"
for plugin in passthrough filter fanout bank-enrich; do
  grep -Eq "^$plugin " <<<"$listing" || fail "$plugin not listed from /usr/lib/txform/plugins"
done
without_prefix /usr/bin/txform check --config /etc/txform/txform.yaml >"$work/check.log" 2>&1 ||
  { cat "$work/check.log" >&2; fail "the default configuration does not pass txform check"; }
if [ -n "${TXFORM_TEST_BOOTSTRAP:-}" ]; then
  # The statically linked client talks to the test broker (metadata and the group admin API).
  without_prefix /usr/bin/txform describe --group txform-package-test \
    --bootstrap "$TXFORM_TEST_BOOTSTRAP" >"$work/describe.log" 2>&1 ||
    { cat "$work/describe.log" >&2; fail "txform describe against $TXFORM_TEST_BOOTSTRAP"; }
fi
unit_warnings=$(systemd-analyze verify /usr/lib/systemd/system/txform.service 2>&1) ||
  fail "systemd-analyze verify: $unit_warnings"
[ -z "$unit_warnings" ] || fail "systemd-analyze verify warns: $unit_warnings"

echo "== an out-of-tree plugin against the installed SDK"
# CMake finds the package under /usr, pkg-config in /usr/share/pkgconfig: no paths given.
cmake -S "$source_dir/tests/plugin-sdk/out-of-tree" -B "$work/cmake-build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release >"$work/oot.log" 2>&1 || { cat "$work/oot.log" >&2; fail "configure"; }
grep -q "/usr/lib/cmake/txform-plugin-sdk" "$work/cmake-build/CMakeCache.txt" ||
  fail "find_package did not use the installed SDK"
cmake --build "$work/cmake-build" >>"$work/oot.log" 2>&1 || { cat "$work/oot.log" >&2; fail "build"; }
mkdir "$work/pkg-config-build"
# shellcheck disable=SC2046 # pkg-config output is meant to split into flags
cc -std=c99 -shared -fPIC $(pkg-config --cflags txform-plugin-sdk) \
  "$source_dir/plugins/filter/filter.c" -o "$work/pkg-config-build/filter.so" \
  $(pkg-config --libs txform-plugin-sdk)
chmod -R go-w "$work"
/usr/bin/txform plugins --dir "$work/cmake-build/plugins" | grep -Eq '^upper ' ||
  fail "upper (CMake) not loadable"
/usr/bin/txform plugins --dir "$work/pkg-config-build" | grep -Eq '^filter ' ||
  fail "filter (pkg-config) not loadable"

echo "packages: txform and txform-plugin-sdk-dev $version built, installed, used; purging"
