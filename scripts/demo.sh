#!/usr/bin/env bash
# make demo: the whole job on an embedded default.
#   1. starts a registry on SQLite on 127.0.0.1,
#   2. creates a station key and enrols it,
#   3. creates three file-backed loop devices (plain files without root) holding "old data",
#   4. runs `tabula run --unattended` with a configuration that allows exactly those targets,
#   5. verifies the uploaded certificate against the registry's transparency log,
#   6. prints where to look, and cleans up. It never touches any other device.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${TABULA_BIN_DIR:-target/release}
OUT=${DEMO_OUT:-demo-out}
work=$(mktemp -d /var/tmp/tabula-demo.XXXXXX)
targets=()
registry_pid=
cleanup() {
    [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null || true
    for t in "${targets[@]}"; do
        case "$t" in /dev/loop*) losetup -d "$t" 2>/dev/null || true ;; esac
    done
    rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$OUT" && mkdir -p "$OUT"
data="$OUT/station"

# Bold headings on a terminal only: no escape codes in a log or a pipe.
if [ -t 1 ]; then
    step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
    step() { printf '\n== %s\n' "$*"; }
fi

step "1. registry on SQLite"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
export TABULA_ADMIN_TOKEN="demo-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
"$BIN/tabula-registry" serve --listen "127.0.0.1:$port" --database "sqlite://$OUT/registry.db" \
    --public-read --public-url "$url" > "$OUT/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do curl -fsS "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
echo "registry at $url (log: $OUT/registry.log)"

step "2. station key and enrolment"
token=$("$BIN/tabula-registry" station add --name demo-bench --database "sqlite://$OUT/registry.db" | tail -n 1)
"$BIN/tabula" keygen --out "$data/keys"
"$BIN/tabula" enroll --registry "$url" --token "$token" --key "$data/keys/station.key"

step "3. three drives with old data"
for i in 1 2 3; do
    img="$work/drive$i.img"
    { yes "pupil laptop $i: private homework and photos" || true; } | head -c $((32 * 1024 * 1024)) > "$img"
    if [ "$(id -u)" = 0 ] && dev=$(losetup -f --show "$img" 2>/dev/null); then
        targets+=("$dev")
    else
        targets+=("$img")
    fi
done
printf '%s\n' "${targets[@]}"
list=$(printf '"%s", ' "${targets[@]}")
cat > "$data/tabula.toml" <<TOML
[station]
organisation = "Stadt Leipzig"
site = "Demo bench"
operator = "demo"

[registry]
url = "$url"
log_key = "$data/keys/registry-log.vkey"

[wipe]
method = "bsi-vsitr"
verify = "last"

[unattended]
enabled = true
targets = [${list%, }]
after = "exit"
TOML

step "4. tabula run --unattended"
named=()
[ "${targets[0]#/dev/loop}" = "${targets[0]}" ] && named=("${targets[@]}")   # plain files must be named
"$BIN/tabula" run --unattended --data "$data" "${named[@]}"

step "5. verify the certificate against the registry"
cert=$(ls "$data"/certificates/*.tabula.json)
"$BIN/tabula" verify "$cert" --registry "$url" --log-key "$data/keys/registry-log.vkey"
for t in "${targets[@]}"; do
    printf '%s now holds: %s\n' "$t" "$(head -c 8 "$t" | od -An -tx1)"
done

step "6. where to look"
id=$(basename "$cert" .tabula.json)
echo "certificate:  $cert"
echo "PDF:          ${cert%.tabula.json}.pdf"
echo "registry:     $url/certificates/$id  (while the registry runs)"
echo "by hand:      tabula cert show $cert"
if [ -t 0 ]; then
    read -r -p "Press Enter to stop the registry and clean up the loop devices... " _
fi
