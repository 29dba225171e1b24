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
# TABULA_BIN: the tabula binary to test (make test passes its debug build); else the release one.
BIN=${TABULA_BIN:-$REPO/target/release/tabula}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}   # seconds for the whole guest run, boot to power-off
TARGET_MIB=32
# Every kind of disk a PC has, each with the serial QEMU gives it; KEEP is listed under [keep].
KINDS="virtio sata nvme scsi usb keep"
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

[ -x "$BIN" ] || cargo build --release -p tabula
# An ISO older than the binary under test is rebuilt, so the test never boots stale code.
if [ ! -f "$ISO" ] || [ "$BIN" -nt "$ISO" ]; then TABULA_BIN=$BIN image/build.sh; fi

T=$(mktemp -d /var/tmp/tabula-image-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"

# --- the disks ----------------------------------------------------------------------------------
# One file per disk kind, every byte 0x5A ('Z'); the guest sees them as a virtio disk, a SATA disk
# on AHCI, an NVMe namespace, a SCSI disk on virtio-scsi, a USB stick, and one more virtio disk
# that the configuration keeps. The ISO is the IDE cdrom (/dev/sr0), the data disk the first
# virtio disk (/dev/vda).
for k in $KINDS; do
    head -c $((TARGET_MIB * 1024 * 1024)) /dev/zero | tr '\000' 'Z' >"$k.img"
done
serial() { echo "TAB-$(echo "$1" | tr 'a-z' 'A-Z')"; }
# data.img: the data partition, ext4 labelled TABULA, with tabula.toml (mkfs -d, no mount).
# No target list: the unattended run wipes every drive it may (not the stick, not the data
# disk, which is mounted, not the kept one).
mkdir data
cat >data/tabula.toml <<EOF
# written by image/test.sh
[station]
organisation = "Tabula image test"
site = "QEMU"
operator = "image/test.sh"

[wipe]
method = "zero"

[unattended]
enabled = true
after = "poweroff"

[keep]
serials = ["$(serial keep)"]
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
raw() { echo "id=$1,file=$1.img,if=none,format=raw"; }
timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -m 2048 -smp 2 -nographic -no-reboot \
    -cdrom test.iso -boot d \
    -drive file=data.img,if=virtio,format=raw \
    -drive "$(raw virtio)" -device "virtio-blk-pci,drive=virtio,serial=$(serial virtio)" \
    -drive "$(raw keep)" -device "virtio-blk-pci,drive=keep,serial=$(serial keep)" \
    -device ahci,id=ahci -drive "$(raw sata)" \
    -device "ide-hd,drive=sata,bus=ahci.0,serial=$(serial sata),model=TABULA-SATA" \
    -drive "$(raw nvme)" -device "nvme,drive=nvme,serial=$(serial nvme)" \
    -device virtio-scsi-pci,id=scsi -drive "$(raw scsi)" \
    -device "scsi-hd,drive=scsi,bus=scsi.0,serial=$(serial scsi)" \
    -device qemu-xhci,id=xhci -drive "$(raw usb)" \
    -device "usb-storage,drive=usb,bus=xhci.0,serial=$(serial usb)" \
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
SIZE=$((TARGET_MIB * 1024 * 1024))
for k in $KINDS; do
    [ "$(stat -c %s "$k.img")" = "$SIZE" ] || fail "$k.img changed size"
    if [ "$k" = keep ]; then
        cmp -s "$k.img" <(head -c "$SIZE" /dev/zero | tr '\000' 'Z') || fail "the kept disk was written to"
    else
        cmp -s -n "$SIZE" "$k.img" /dev/zero || fail "the $k disk is not all 0x00"
    fi
done
echo "ok: every byte of the virtio, SATA, NVMe, SCSI and USB disks is 0x00; the kept disk is untouched"

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
    "$BIN" cert show "out/$c" >>out/shown.txt || fail "tabula cert show rejects $c"
done
echo "ok: certificate(s) $CERTS verified"
for k in $KINDS; do
    if [ "$k" = keep ]; then
        grep -q "$(serial keep)" out/shown.txt && fail "the kept disk is in a certificate"
    else
        grep -q "$(serial "$k")" out/shown.txt || { cat out/shown.txt >&2; fail "no certificate names the $k disk ($(serial "$k"))"; }
    fi
done
# Debian's kernel exposes the NVMe namespace also as the hidden multipath node nvme0c0n1: it is
# no drive and must not appear.
grep -q 'nvme0c0n1' out/shown.txt && fail "the hidden NVMe node nvme0c0n1 was treated as a drive"
echo "ok: each wiped disk is named in a certificate by its serial; the kept disk and nvme0c0n1 are not"
echo "PASS: image test (guest run ${ELAPSED}s)"
