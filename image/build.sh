#!/usr/bin/env bash
# Build the Tabula live USB image: target/image/tabula-live.iso (see image/README.md).
#
# Debian 12, as root, with network access to deb.debian.org. Run from the repository root
# (`make image`). Installs its own build tools with apt-get, works in a directory under /var/tmp
# and removes it at the end.
set -euo pipefail

REPO=$(pwd)
[ -f image/build.sh ] && [ -d crates/tabula ] || { echo "run from the repository root" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "image/build.sh must run as root (debootstrap, chroot)" >&2; exit 2; }

SUITE=bookworm
# The Debian mirror: MIRROR=, else the one this machine's apt already uses for $SUITE main (and
# the same for $SUITE-security, SECURITY_MIRROR=); no host name is written into the build.
apt_uri() {
    apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' "Release: $1" \
        'Component: main' 2>/dev/null | head -n1
}
MIRROR=${MIRROR:-$(apt_uri "$SUITE")}
SECURITY_MIRROR=${SECURITY_MIRROR:-$(apt_uri "$SUITE-security")}
[ -n "$MIRROR" ] || { echo "no apt source for $SUITE main on this machine: set MIRROR=" >&2; exit 2; }
OUT=$REPO/target/image
ISO=$OUT/tabula-live.iso
MAX_MIB=250
CARGO=${CARGO:-cargo}
START=$(date +%s)

export DEBIAN_FRONTEND=noninteractive
echo "== build tools (mirror $MIRROR)"
apt-get install -y --no-install-recommends debootstrap squashfs-tools xorriso grub-pc-bin mtools \
    dosfstools b3sum >/dev/null

# TABULA_BIN: a tabula binary built already (make test passes the debug build it just made);
# otherwise the release build, built like `make build` so that its crates are reused.
if [ -n "${TABULA_BIN:-}" ]; then
    BIN=$TABULA_BIN
    echo "== tabula: $BIN"
else
    echo "== tabula (release, as make build)"
    $CARGO build --workspace --release
    BIN=$REPO/target/release/tabula
fi

WORK=$(mktemp -d /var/tmp/tabula-image.XXXXXX)
ROOT=$WORK/rootfs
cleanup() {
    for m in dev/pts dev proc sys; do
        mountpoint -q "$ROOT/$m" 2>/dev/null && umount -l "$ROOT/$m"
    done
    rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

echo "== debootstrap $SUITE (minbase) into $ROOT"
debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
    tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }

mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount -t proc proc "$ROOT/proc"
mount -t sysfs sysfs "$ROOT/sys"

echo "tabula" >"$ROOT/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttabula\n' >"$ROOT/etc/hosts"
# no services start inside the chroot while packages install
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"

echo "== packages"
{
    echo "deb $MIRROR $SUITE main non-free-firmware"
    echo "deb $MIRROR $SUITE-updates main non-free-firmware"
    [ -z "$SECURITY_MIRROR" ] || echo "deb $SECURITY_MIRROR $SUITE-security main non-free-firmware"
} >"$ROOT/etc/apt/sources.list"
chroot "$ROOT" apt-get update >/dev/null
# Debian's signed shim and GRUB, unpacked (not installed: their scripts set up a disk's ESP)
mkdir -p "$ROOT/tmp/efi"
chroot "$ROOT" sh -c "cd /tmp/efi && apt-get download shim-signed grub-efi-amd64-signed" \
    >"$WORK/efi.log" 2>&1 || { cat "$WORK/efi.log" >&2; exit 1; }
for deb in "$ROOT"/tmp/efi/*.deb; do dpkg-deb -x "$deb" "$WORK/efi"; done
install_pkgs() {
    chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
        >>"$WORK/packages.log" 2>&1 || { tail -n 30 "$WORK/packages.log" >&2; exit 1; }
}
# linux-image-amd64 is Debian's signed kernel; zstd compresses its initrd.
# kbd and console-data: the console keymaps (German by default). fdisk: sfdisk, with which the
# first-boot setup adds the data partition.
install_pkgs zstd
install_pkgs linux-image-amd64 live-boot systemd-sysv udev smartmontools util-linux \
    e2fsprogs dmidecode kbd console-data fdisk
# the keyboard layouts the setup screen offers (the list the TUI is built with) must be here
for map in $(awk '!/^#/ && NF {print $1}' "$REPO/crates/station/src/setup/keymaps.txt"); do
    [ -n "$(find "$ROOT/usr/share/keymaps" -name "$map.kmap.gz" | head -n1)" ] ||
        { echo "console-data has no keymap $map (crates/station/src/setup/keymaps.txt)" >&2; exit 1; }
done
# The firmware common office NICs (Realtek, Intel) load when the interface comes up, from the
# root file system: kept out of the initrd, which would otherwise carry a copy of it.
sed -i 's/^update_initramfs=.*/update_initramfs=no/' "$ROOT/etc/initramfs-tools/update-initramfs.conf"
install_pkgs firmware-realtek firmware-misc-nonfree
# wget: a network boot's configuration over HTTP (tabula-netconfig); after the initrd, which
# keeps live-boot's busybox wget for the squashfs
install_pkgs wget
# last: it replaces /etc/resolv.conf, so apt in the chroot resolves no names after it
install_pkgs systemd-resolved
chroot "$ROOT" apt-get clean
rm -rf "$ROOT/tmp/efi" "$ROOT/usr/sbin/policy-rc.d"

echo "== tabula into the rootfs"
# without the debug info (symbols stay, for backtraces)
objcopy --strip-debug "$BIN" "$ROOT/usr/local/bin/tabula"
chmod 0755 "$ROOT/usr/local/bin/tabula"
mkdir -p "$ROOT/var/lib/tabula"
cp -r "$REPO/image/rootfs/." "$ROOT/"
chmod 0755 "$ROOT"/usr/local/lib/tabula/*
chroot "$ROOT" systemctl enable tabula-data.service tabula-tui.service tabula-keymap.service \
    tabula-diag.service tabula-unattended.service tabula-netconfig.service systemd-networkd.service \
    systemd-resolved.service systemd-networkd-wait-online.service >/dev/null 2>&1
# tty1 belongs to the TUI: no getty, no login banner on it
ln -sf /dev/null "$ROOT/etc/systemd/system/getty@tty1.service"
ln -sf /dev/null "$ROOT/etc/systemd/system/autovt@tty1.service"
: >"$ROOT/etc/machine-id"

echo "== trimming"
# apt's lists, documentation, and the translations except German; no Wi-Fi (out of scope),
# sound or video capture drivers.
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/usr/share/doc/* \
    "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/*
find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'de*' ! -name locale.alias -exec rm -rf {} +
KVER=$(basename "$(readlink -f "$ROOT/vmlinuz")" | sed 's/^vmlinuz-//')
MODS=$ROOT/usr/lib/modules/$KVER/kernel
rm -rf "$MODS/sound" "$MODS/drivers/media" "$MODS/drivers/net/wireless" "$MODS/net/wireless" \
    "$MODS/net/mac80211" "$MODS/drivers/infiniband" "$MODS/drivers/bluetooth" "$MODS/net/bluetooth"
chroot "$ROOT" depmod -a "$KVER"

echo "== squashfs"
STAGE=$WORK/iso
mkdir -p "$STAGE/live" "$STAGE/boot/grub" "$STAGE/EFI/boot" "$STAGE/.disk"
cp -L "$ROOT/vmlinuz" "$STAGE/live/vmlinuz"
cp -L "$ROOT/initrd.img" "$STAGE/live/initrd.img"
for m in dev/pts dev proc sys; do umount "$ROOT/$m"; done
mksquashfs "$ROOT" "$STAGE/live/filesystem.squashfs" -comp zstd -Xcompression-level 19 \
    -noappend -no-progress -e boot >/dev/null

cp "$WORK/efi/usr/lib/shim/shimx64.efi.signed" "$STAGE/EFI/boot/bootx64.efi"
cp "$WORK/efi/usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed" "$STAGE/EFI/boot/grubx64.efi"
echo "Tabula live $SUITE $(date -u +%Y-%m-%d)" >"$STAGE/.disk/info"
cp "$REPO/image/grub.cfg" "$STAGE/boot/grub/grub.cfg"

mkdir -p "$OUT"
# Network boot from the same files: kernel, initrd, the squashfs that live-boot's fetch= loads
# over HTTP, the iPXE script, and for UEFI with Secure Boot shim, Debian's signed network GRUB and
# its grub.cfg (image/mkpxe.sh; docs/image.md, "PXE batches").
echo "== PXE artefacts: $OUT/pxe"
image/mkpxe.sh "$STAGE/live" "$WORK/efi" "$OUT/pxe"

echo "== ISO (BIOS; UEFI through Debian's signed shim and GRUB)"
image/mkiso.sh "$STAGE" "$ISO.tmp"
mv "$ISO.tmp" "$ISO"
SIZE=$(stat -c %s "$ISO")
echo "== $ISO: $((SIZE / 1048576)) MiB, built in $(($(date +%s) - START)) s"
echo "BLAKE3 $(b3sum --no-names "$ISO")"
[ "$SIZE" -le $((MAX_MIB * 1048576)) ] || { echo "the image is larger than $MAX_MIB MiB" >&2; exit 1; }
