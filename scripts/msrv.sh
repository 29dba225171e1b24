#!/usr/bin/env bash
# Check the workspace's minimum supported Rust version (`rust-version` in Cargo.toml).
#
# 1. Always (needs only cargo and jq): every workspace crate declares the workspace's
#    rust-version, and no locked dependency built for Linux declares a newer one. This catches a
#    `cargo update` that raises the real minimum, but not our own code using a newer language or
#    library feature.
# 2. Only when rustup has that toolchain installed (or MSRV_INSTALL=1 lets rustup install it):
#    `cargo check --workspace --all-targets --locked` with it. This is the check
#    for our own code. Without the toolchain the script says that it skipped this step.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO=${CARGO:-cargo}

host=$(rustc -vV | sed -n "s/^host: //p")
meta=$($CARGO metadata --format-version 1 --locked --filter-platform "$host")
declared=$(jq -r '.workspace_members as $w
    | [.packages[] | select(.id as $id | $w | index($id)) | .rust_version] | unique | .[]' <<<"$meta")
if [ "$(wc -l <<<"$declared")" -ne 1 ] || [ -z "$declared" ] || [ "$declared" = null ]; then
    echo "msrv: workspace crates disagree on rust-version (or lack one): $(tr '\n' ' ' <<<"$declared")" >&2
    exit 1
fi
echo "msrv: workspace rust-version $declared"

# Dependencies in the resolved graph (for Linux) whose rust-version is newer than ours.
newer=$(jq -r --arg msrv "$declared" '
    def v: split(".") | map(tonumber) + [0, 0, 0] | .[0:3];
    . as $m
    | [$m.resolve.nodes[].id] as $used
    | $m.packages[]
    | select(.id as $id | $used | index($id))
    | select(.rust_version != null and (.rust_version | v) > ($msrv | v))
    | "\(.name) \(.version) needs \(.rust_version)"' <<<"$meta")
if [ -n "$newer" ]; then
    echo "msrv: locked dependencies need a newer Rust than $declared:" >&2
    echo "$newer" >&2
    exit 1
fi
echo "msrv: no locked dependency declares a rust-version above $declared"

if ! command -v rustup >/dev/null; then
    echo "msrv: rustup not found: SKIPPED the build with Rust $declared (only the metadata was checked)"
    exit 0
fi
if ! rustup run "$declared" rustc --version >/dev/null 2>&1; then
    if [ "${MSRV_INSTALL:-0}" = 1 ]; then
        rustup toolchain install "$declared" --profile minimal
    else
        echo "msrv: toolchain $declared not installed: SKIPPED the build (MSRV_INSTALL=1 installs it)"
        exit 0
    fi
fi
echo "msrv: cargo +$declared check --workspace --all-targets --locked"
rustup run "$declared" cargo check --workspace --all-targets --locked
