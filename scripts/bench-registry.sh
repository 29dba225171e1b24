#!/usr/bin/env bash
# make bench-registry: a load generator uploads N signed certificates concurrently over loopback to
# a registry on SQLite and one on PostgreSQL, and reports certificates/s and latency percentiles.
# Writes the figures into docs/performance.md. Touches no device; PostgreSQL runs get a fresh schema.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_N:-5000}
CONCURRENCY=${BENCH_CONCURRENCY:-16}
OUT=${BENCH_OUT:-docs/performance.md}
CARGO=${CARGO:-cargo}

"$CARGO" build --release -q -p tabula-registry --example loadgen
loadgen=target/release/examples/loadgen
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for backend in sqlite postgres; do
    "$loadgen" "$backend" "$N" "$CONCURRENCY" | tee -a "$rows"
done

python3 - "$rows" "$N" "$CONCURRENCY" <<'PY' | scripts/doc-section.py "$OUT" registry "Registry uploads"
import datetime, platform, subprocess, sys
rows, n, conc = sys.argv[1:]
lines = [
    f"Measured {datetime.date.today()} by `make bench-registry` on {subprocess.getoutput('nproc')} cores "
    f"({platform.machine()}): {n} signed certificates uploaded over loopback HTTP by {conc} concurrent "
    "clients; the registry (2 worker threads) and the load generator (2 threads) share the machine. "
    "Every upload is verified (signature, enrolled station), stored and appended to the log before its "
    "receipt is sent; the run checks that all certificates and log leaves are there afterwards.",
    "",
    "| backend | uploads | clients | certificates/s | p50 ms | p95 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
]
lines += [l.rstrip() for l in open(rows) if l.startswith("|")]
print("\n".join(lines))
PY
