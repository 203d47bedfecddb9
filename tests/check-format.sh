#!/usr/bin/env bash
# Fails when a tracked C or C++ file is not formatted with the repository's .clang-format, or a
# Rust file with its rustfmt.toml (Debian's rustfmt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' '*.cpp' '*.hpp')
[ ${#files[@]} -gt 0 ] || { echo "check-format: no source files found" >&2; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
mapfile -t rust_files < <(git ls-files -co --exclude-standard -- '*.rs')
[ ${#rust_files[@]} -gt 0 ] || { echo "check-format: no Rust files found" >&2; exit 1; }
rustfmt --edition 2021 --check "${rust_files[@]}"
echo "check-format: ${#files[@]} C/C++ and ${#rust_files[@]} Rust files formatted"
