#!/usr/bin/env bash
# deploy/systemd/txform.service passes `systemd-analyze verify` without a single warning (verify
# exits 0 on unknown keys and unparsable values, so any output fails the test), scores at most
# 2.0 on `systemd-analyze security` (0 = locked down, 10 = exposed), and keeps the settings the
# operator's guide relies on.
#   usage: systemd_unit_test.sh SOURCE_DIR TXFORM_BINARY
set -euo pipefail
source_dir=$1 txform=$2
unit=$source_dir/deploy/systemd/txform.service
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# verify checks that ExecStart's program exists: point it at this build's binary. The installed
# path itself is verified by tests/deploy/packages_test.sh once the package put it there.
sed "s|/usr/bin/txform|$txform|" "$unit" >"$work/txform.service"
output=$(systemd-analyze verify "$work/txform.service" 2>&1) || fail "verify failed: $output"
[ -z "$output" ] || fail "systemd-analyze verify warns:"$'\n'"$output"

systemd-analyze security --offline=yes --threshold=20 "$work/txform.service" >"$work/security" ||
  fail "exposure above 2.0: $(tail -1 "$work/security")"
tail -1 "$work/security"

# Directives the guide and the issue promise, each on a line of its own.
for directive in 'Restart=on-failure' 'RestartPreventExitStatus=1' \
    'ExecReload=/bin/kill -HUP $MAINPID' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
    'DynamicUser=yes' 'KillSignal=SIGTERM'; do
  grep -qxF "$directive" "$unit" || fail "$unit lacks '$directive'"
done
grep -Eq '^ReadOnlyPaths=.*/usr/lib/txform/plugins( |$)' "$unit" ||
  fail "the plugin directory is not read-only"

# SIGKILL must not come before txform's own shutdown deadline in the shipped configuration:
# shutdown_timeout_ms, then 5 s to close (engine/workers.cpp) before it exits by itself.
stop_s=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)s$/\1/p' "$unit")
shutdown_ms=$(sed -n 's/^shutdown_timeout_ms: *\([0-9]*\).*/\1/p' "$source_dir/deploy/config/txform.yaml")
[ -n "$stop_s" ] && [ -n "$shutdown_ms" ] || fail "TimeoutStopSec or shutdown_timeout_ms not found"
[ $((stop_s * 1000)) -gt $((shutdown_ms + 5000)) ] ||
  fail "TimeoutStopSec=${stop_s}s does not exceed shutdown_timeout_ms=$shutdown_ms + 5 s"

echo "systemd unit: verify clean, exposure within 2.0, stop timeout ${stop_s}s > ${shutdown_ms}ms"
