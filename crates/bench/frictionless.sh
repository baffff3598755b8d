#!/usr/bin/env bash
# `auditor check` against `frictionless validate` in one run, on the same generated ledgers:
# installs Frictionless from PyPI into a throwaway venv, builds both binaries in release, runs
# auditor-bench with --frictionless-cmd, and removes the venv. Frictionless gets a Table Schema
# and dialect equivalent to the auditor's dataset definitions (written next to the ledgers in
# target/bench-data). Targets: check at least 15x faster on xlsx, 50x on CSV.
#
#   crates/bench/frictionless.sh                       # --rows 100000 --runs 3
#   crates/bench/frictionless.sh --rows 2000 --runs 1  # any auditor-bench options instead
#
# FRICTIONLESS_SPEC overrides what pip installs (default: Frictionless 5 with Excel support).
set -euo pipefail

cd "$(dirname "$0")/../.."
if [ "$#" -eq 0 ]; then
    set -- --rows 100000 --runs 3
fi
spec=${FRICTIONLESS_SPEC:-'frictionless[excel]>=5,<6'}

command -v python3 >/dev/null || {
    echo "frictionless.sh: python3 is not installed" >&2
    exit 1
}

cargo build --release -p auditor-cli -p auditor-bench

tmp=$(mktemp -d "${TMPDIR:-/tmp}/auditor-frictionless.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! python3 -m venv "$tmp/venv" >"$tmp/venv.log" 2>&1; then
    cat "$tmp/venv.log" >&2
    echo "frictionless.sh: python3 -m venv failed; on Debian or Ubuntu it needs python3-venv:" >&2
    echo "  apt-get install -y python3-venv" >&2
    exit 1
fi
echo "installing $spec into $tmp/venv" >&2
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "$spec"

"${CARGO_TARGET_DIR:-target}/release/auditor-bench" \
    --frictionless-cmd "$tmp/venv/bin/frictionless" "$@"
