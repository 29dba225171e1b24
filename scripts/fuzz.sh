#!/usr/bin/env bash
# Run the cargo-fuzz targets of every crate (crates/*/fuzz) for FUZZ_SECONDS each, one at a time.
#
# Each fuzz crate is its own workspace (never part of `make test`). A target's inputs are its
# growing corpus target/corpus/<target> (git-ignored), its seeds seeds/<target>/, and the
# repository fixture directories listed in seeds/<target>.fixtures (one path from the repository
# root per line). A crash stops the run; libFuzzer writes the input to artifacts/<target>/.
# The builds share target/fuzz so that common dependencies are compiled once.
#
#   FUZZ_SECONDS=60 scripts/fuzz.sh                 every target, 60 s each
#   FUZZ_TARGETS="bundle proof" scripts/fuzz.sh      only these targets
#   FUZZ_BUILD_ARGS=--dev scripts/fuzz.sh           unoptimised builds: far quicker to compile
#                                                   (registry, station), slower to run
#
# cargo-fuzz passes nightly flags to rustc: RUSTC_BOOTSTRAP=1 lets the stable toolchain take them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
CARGO=${CARGO:-cargo}
seconds=${FUZZ_SECONDS:-30}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || $CARGO install cargo-fuzz --locked
mkdir -p target/fuzz/logs

wanted() {
    [ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $1 "* ]]
}

for dir in crates/*/fuzz; do
    for t in $(cd "$dir" && $CARGO fuzz list); do
        wanted "$t" || continue
        corpora=("target/corpus/$t")
        if [ -d "$dir/seeds/$t" ]; then corpora+=("seeds/$t"); fi
        if [ -f "$dir/seeds/$t.fixtures" ]; then
            while read -r fixtures; do corpora+=("$root/$fixtures"); done <"$dir/seeds/$t.fixtures"
        fi
        mkdir -p "$dir/target/corpus/$t"
        log="$root/target/fuzz/logs/$t.log"
        echo "fuzz: $dir $t for ${seconds}s (log: $log)"
        # shellcheck disable=SC2086 # FUZZ_BUILD_ARGS holds separate words
        (cd "$dir" && $CARGO fuzz run ${FUZZ_BUILD_ARGS:-} --target-dir "$root/target/fuzz" "$t" "${corpora[@]}" \
            -- -max_total_time="$seconds" -print_final_stats=1) >"$log" 2>&1 || {
            tail -n 40 "$log" >&2
            echo "fuzz: $t FAILED (crash input in $dir/artifacts/$t/, log in $log)" >&2
            exit 1
        }
        grep -E '^Done [0-9]+ runs' "$log" | sed "s/^/fuzz: $t: /"
    done
done
