#!/usr/bin/env bash
# make demo: wipe three freshly created file-backed loop devices (or plain files without root) and
# show the result. Touches nothing but the devices and files it creates, and removes them again.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TABULA_BIN:-target/release/tabula}
work=$(mktemp -d /var/tmp/tabula-demo.XXXXXX)
targets=()
cleanup() {
    for t in "${targets[@]}"; do
        case "$t" in /dev/loop*) losetup -d "$t" 2>/dev/null || true ;; esac
    done
    rm -rf "$work"
}
trap cleanup EXIT

for i in 1 2 3; do
    img="$work/drive$i.img"
    # Some "old data" on each drive.
    yes "pupil laptop $i: private data" | head -c $((48 * 1024 * 1024)) > "$img"
    if [ "$(id -u)" = 0 ] && dev=$(losetup -f --show "$img" 2>/dev/null); then
        targets+=("$dev")
    else
        targets+=("$img")
    fi
done

echo "== drives on this machine (loop devices are wiped only when named) =="
"$BIN" devices
echo
echo "== wiping ${targets[*]} with BSI VSITR, verifying the last pass =="
"$BIN" wipe --method bsi-vsitr --verify last --yes --json "${targets[@]}" > "$work/result.json"
echo
echo "== result records (excerpt) =="
python3 - "$work/result.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    passes = [p for p in r["passes"] if p["phase"] == "write"]
    print(f'{r["drive"]["path"]}: {r["status"]}, method {r["method"]["name"]}, {len(passes)} passes '
          f'({", ".join(p["pattern"] for p in passes)}), verification {r["verification"]}')
PY
echo
for t in "${targets[@]}"; do
    printf '%s now holds: ' "$t"; head -c 16 "$t" | od -An -tx1
done
