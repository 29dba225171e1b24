#!/usr/bin/env bash
# make bench: tabula's wipe and verify throughput next to dd, in one run, on 1 GiB loop devices with
# direct I/O over a file on disk and a file on tmpfs; then what the check after a firmware erase
# (canaries and sampling) costs against a whole verify, on the disk-backed loop device. Writes the
# figures into docs/performance.md. Only loop devices created here are written to.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TABULA_BIN:-target/release/tabula}
CHECK_COST=${CHECK_COST_BIN:-target/release/examples/check_cost}
SIZE_MB=${BENCH_SIZE_MB:-1024}
RUNS=${BENCH_RUNS:-5}
OUT=${BENCH_OUT:-docs/performance.md}
[ "$(id -u)" = 0 ] || { echo "make bench needs root for loop devices" >&2; exit 2; }
[ -x "$BIN" ] || { echo "missing $BIN (run make build)" >&2; exit 2; }
[ -x "$CHECK_COST" ] || { echo "missing $CHECK_COST (run make bench)" >&2; exit 2; }

disk_dir=$(mktemp -d /var/tmp/tabula-bench.XXXXXX)
shm_dir=$(mktemp -d /dev/shm/tabula-bench.XXXXXX)
loops=()
cleanup() {
    for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
    rm -rf "$disk_dir" "$shm_dir"
}
trap cleanup EXIT

# dd's own seconds figure -> MB/s (10^6 bytes, as dd prints).
dd_rate() {
    local secs
    secs=$(dd "$@" bs=4M count=$((SIZE_MB / 4)) 2>&1 | awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^s,?$/) print $(i-1) }' | tr -d ',')
    python3 -c "print(f'{$SIZE_MB * 1048576 / float(\"$secs\") / 1e6:.0f}')"
}

results=$(mktemp)
for kind in disk tmpfs; do
    dir=$disk_dir; [ "$kind" = tmpfs ] && dir=$shm_dir
    dd if=/dev/zero of="$dir/dev.img" bs=4M count=$((SIZE_MB / 4)) status=none
    dev=$(losetup --direct-io=on -f --show "$dir/dev.img")
    loops+=("$dev")
    # Warm-up, then RUNS rounds, each dd and tabula back to back (so both see the same machine);
    # the table takes the median of the rounds.
    dd if=/dev/zero of="$dev" oflag=direct bs=4M count=16 status=none
    for _ in $(seq "$RUNS"); do
    dd_w=$(dd_rate if=/dev/zero of="$dev" oflag=direct)
    dd_r=$(dd_rate if="$dev" of=/dev/null iflag=direct)
    echo "$kind dd write $dd_w" >> "$results"
    echo "$kind dd read $dd_r" >> "$results"
    for method in zero random bsi-vsitr; do
        json=$("$BIN" wipe --yes --json --method "$method" --verify last "$dev" 2>/dev/null)
        python3 - "$kind" "$method" >> "$results" <<PY
import json, sys
kind, method = sys.argv[1:]
r = json.loads('''$json''')[0]
assert r["status"] == "completed", r["status"]
writes = [p["mb_per_s"] for p in r["passes"] if p["phase"] == "write"]
verify = [p["mb_per_s"] for p in r["passes"] if p["phase"] == "verify"]
print(kind, method, "write", f"{min(writes):.0f}", f"{sum(writes)/len(writes):.0f}")
print(kind, method, "verify", f"{verify[0]:.0f}")
PY
    done
    done
done

python3 - "$results" "$SIZE_MB" "$RUNS" <<'PY' | scripts/doc-section.py "$OUT" wipe "Wipe engine"
import sys, platform, subprocess, datetime, statistics
results, size, runs = sys.argv[1:4]
# Median over the rounds of every figure, keeping the order of first appearance.
groups = {}
for l in open(results):
    r = l.split()
    groups.setdefault(tuple(r[:3]), []).append([float(x) for x in r[3:]])
rows = [list(k) + [statistics.median(col) for col in zip(*v)] for k, v in groups.items()]
dd = {(r[0], r[2]): float(r[3]) for r in rows if r[1] == "dd"}
lines = [f"Measured {datetime.date.today()} by `make bench` on {subprocess.getoutput('nproc')} cores "
         f"({platform.machine()}), {size} MiB loop devices with `--direct-io=on`; MB/s = 10^6 bytes/s.",
         f"Each figure is the median of {runs} rounds, dd and tabula back to back in each round. A tabula",
         "write figure is the slowest pass of its run (mean of the passes in brackets); the ratio compares it with dd.", "",
         "| target | what | MB/s | dd MB/s | ratio |", "|---|---|---:|---:|---:|"]
for r in rows:
    kind = r[0]
    if r[1] == "dd":
        continue
    method, phase = r[1], r[2]
    base = dd[(kind, "write" if phase == "write" else "read")]
    rate = float(r[3])
    shown = f"{rate:.0f}" + (f" ({float(r[4]):.0f})" if len(r) > 4 else "")
    ref = "dd if=/dev/zero bs=4M oflag=direct" if phase == "write" else "dd of=/dev/null bs=4M iflag=direct"
    lines.append(f"| {kind} | `tabula wipe -m {method}` {phase} | {shown} | {base:.0f} | {rate / base:.2f}x |")
lines.append("")
lines.append("dd reference commands: `dd if=/dev/zero of=DEV bs=4M oflag=direct` and `dd if=DEV of=/dev/null bs=4M iflag=direct`.")
print("\n".join(lines))
PY

# Issue 11: canaries and sampling after a firmware erase, against a whole verify of the same device.
dd if=/dev/zero of="$disk_dir/check.img" bs=4M count=$((SIZE_MB / 4)) status=none
dev=$(losetup --direct-io=on -f --show "$disk_dir/check.img")
loops+=("$dev")
costs=$(mktemp)
for _ in $(seq "$RUNS"); do
    "$CHECK_COST" "$dev" >> "$costs"
done
python3 - "$costs" "$SIZE_MB" "$RUNS" <<'PY' | scripts/doc-section.py "$OUT" firmware "Firmware erase (issue 11)"
import sys, statistics, datetime
costs, size, runs = sys.argv[1:4]
cols = list(zip(*[[float(x) for x in l.split()] for l in open(costs) if l.strip()]))
plant, check, sample, sampled, verify = (statistics.median(c) for c in cols[:5])
checks = plant + check + sample
share = lambda s: f"{100 * s / verify:.1f} %"
print("\n".join([
    f"Measured {datetime.date.today()} by `make bench` ({size} MiB loop device with `--direct-io=on` over a file on disk;",
    f"median of {runs} rounds; `crates/wipe/examples/check_cost.rs`). The check after a firmware erase next to a whole",
    "verify pass of the same device (what an overwrite reads back):", "",
    "| what | seconds | share of a whole verify |", "|---|---:|---:|",
    f"| 64 canaries written (random 4 KiB blocks, fdatasync, read back) | {plant:.3f} | {share(plant)} |",
    f"| 64 canaries read back after the erase | {check:.3f} | {share(check)} |",
    f"| 1 % sampled ({sampled / 1048576:.1f} MiB in 64 KiB reads, evenly spread) | {sample:.3f} | {share(sample)} |",
    f"| canaries and sampling together | {checks:.3f} | {share(checks)} |",
    f"| whole verify pass (`tabula wipe -m zero --verify last`) | {verify:.3f} | 100 % |",
    "",
    "Sampling reads scattered 64 KiB blocks, which a real drive serves more slowly than one sequential",
    "stream: on a spinning disk the share is higher; on flash, where firmware erases are used, it is close to this.",
]))
PY

