#!/usr/bin/env bash
# Boot target/image/tabula-live.iso in QEMU (TCG) in unattended mode and check the result from the
# host (see image/README.md). Debian 12, as root; run from the repository root (`make image-test`).
# Builds the ISO first (image/build.sh) if it does not exist.
#
# Touches no device: the guest gets only files this script creates in its own temporary
# directory (a target disk, a data disk, a copy of the ISO), and no loop device or mount is used.
set -euo pipefail

REPO=$(pwd)
[ -f image/test.sh ] && [ -d crates/tabula ] || { echo "run from the repository root" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "image/test.sh must run as root (apt-get)" >&2; exit 2; }
ISO=$REPO/target/image/tabula-live.iso
BIN=$REPO/target/release/tabula
BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}   # seconds for the whole guest run, boot to power-off
TARGET_MIB=64
export DEBIAN_FRONTEND=noninteractive

# --- QEMU from bookworm-backports --------------------------------------------------------------
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" \
        >/etc/apt/sources.list.d/bookworm-backports.list
    apt-get update >/dev/null
fi
apt-get install -y -t bookworm-backports qemu-system-x86 >/dev/null || {
    apt-get update >/dev/null
    apt-get install -y -t bookworm-backports qemu-system-x86 >/dev/null
}
apt-get install -y --no-install-recommends xorriso grub-pc-bin mtools e2fsprogs >/dev/null

[ -f "$ISO" ] || image/build.sh
[ -x "$BIN" ] || cargo build --release -p tabula

T=$(mktemp -d /var/tmp/tabula-image-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"

# --- the disks ----------------------------------------------------------------------------------
# target.img: the drive to wipe, every byte 0x5A ('Z')
head -c $((TARGET_MIB * 1024 * 1024)) /dev/zero | tr '\000' 'Z' >target.img
# data.img: the data partition, ext4 labelled TABULA, with tabula.toml (mkfs -d, no mount)
# Guest disks: the ISO is the IDE cdrom (/dev/sr0); virtio disks are named in -drive order,
# so data.img is /dev/vda and target.img is /dev/vdb.
mkdir data
cat >data/tabula.toml <<'EOF'
# written by image/test.sh
[station]
organisation = "Tabula image test"
site = "QEMU"
operator = "image/test.sh"

[wipe]
method = "zero"

[unattended]
enabled = true
targets = ["/dev/vdb"]
after = "poweroff"
EOF
truncate -s 64M data.img
mkfs.ext4 -q -F -L TABULA -d data data.img

# --- a copy of the ISO whose GRUB boots the serial unattended entry at once ---------------------
# The ISO's files, with only grub.cfg changed, made into an ISO again with grub-mkrescue (the way
# image/build.sh makes it; xorriso's boot-image replay fails on grub-mkrescue's GPT).
xorriso -osirrox on -indev "$ISO" -extract / iso >xorriso.log 2>&1 || { cat xorriso.log >&2; exit 1; }
chmod -R u+w iso
sed -i -e 's/^set timeout=.*/set timeout=1/' -e 's/^set default=.*/set default=serial-unattended/' \
    iso/boot/grub/grub.cfg
grep -q -- '--id serial-unattended' iso/boot/grub/grub.cfg || { echo "no serial-unattended entry in the ISO" >&2; exit 1; }
grub-mkrescue -o test.iso iso -- -volid TABULA_LIVE >mkrescue.log 2>&1 || { cat mkrescue.log >&2; exit 1; }
rm -rf iso
ISO_SUM=$(sha256sum <test.iso)

# --- boot ---------------------------------------------------------------------------------------
echo "== booting the ISO (TCG, timeout ${BOOT_TIMEOUT}s); serial console kept in target/image/image-test-serial.log"
START=$(date +%s)
set +e
timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -m 2048 -smp 2 -nographic -no-reboot \
    -cdrom test.iso -boot d \
    -drive file=data.img,if=virtio,format=raw \
    -drive file=target.img,if=virtio,format=raw \
    </dev/null >serial.log 2>&1
RC=$?
set -e
ELAPSED=$(($(date +%s) - START))
cp serial.log "$REPO/target/image/image-test-serial.log"   # kept for a look afterwards
echo "== guest ran ${ELAPSED}s, qemu exit status $RC"
fail() {
    echo "--- last lines of the serial console:" >&2
    tail -n 60 serial.log | tr -d '\r' >&2
    echo "FAIL: $*" >&2
    exit 1
}
[ "$RC" = 124 ] && fail "the guest did not power off within ${BOOT_TIMEOUT}s"
[ "$RC" = 0 ] || fail "qemu exited with status $RC"

# --- checks -------------------------------------------------------------------------------------
[ "$(stat -c %s target.img)" = $((TARGET_MIB * 1024 * 1024)) ] || fail "target.img changed size"
cmp -s -n $((TARGET_MIB * 1024 * 1024)) target.img /dev/zero || fail "target.img is not all 0x00"
echo "ok: every byte of the target is 0x00"

[ "$(sha256sum <test.iso)" = "$ISO_SUM" ] || fail "the boot medium changed"
echo "ok: the boot medium is untouched"

mkdir out
CERTS=$(debugfs -R "ls -p /certificates" data.img 2>/dev/null | awk -F/ '$6 ~ /\.tabula\.json$/ {print $6}')
[ -n "$CERTS" ] || fail "no certificates/*.tabula.json on the data disk"
debugfs -R "dump /keys/station.pem out/station.pem" data.img >/dev/null 2>&1
for c in $CERTS; do
    debugfs -R "dump /certificates/$c out/$c" data.img >/dev/null 2>&1
    [ -s "out/$c" ] || fail "could not read certificates/$c"
    "$BIN" verify "out/$c" || fail "tabula verify rejects $c"
    if [ -s out/station.pem ]; then
        "$BIN" verify --key out/station.pem "out/$c" || fail "tabula verify --key rejects $c"
    fi
done
echo "ok: certificate(s) $CERTS verified"
echo "PASS: image test (guest run ${ELAPSED}s)"
