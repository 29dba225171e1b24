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

MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
OUT=$REPO/target/image
ISO=$OUT/tabula-live.iso
CARGO=${CARGO:-cargo}

export DEBIAN_FRONTEND=noninteractive
echo "== build tools"
apt-get install -y --no-install-recommends debootstrap squashfs-tools xorriso grub-pc-bin mtools >/dev/null
EFI=no
if apt-get install -y --no-install-recommends grub-efi-amd64-bin >/dev/null 2>&1; then EFI=yes; fi

# TABULA_BIN: a tabula binary built already (make test passes the debug build it just made);
# otherwise the release build.
if [ -n "${TABULA_BIN:-}" ]; then
    BIN=$TABULA_BIN
    echo "== tabula: $BIN"
else
    echo "== tabula (release)"
    $CARGO build --release -p tabula
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
chroot "$ROOT" apt-get update >/dev/null
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    linux-image-amd64 live-boot systemd-sysv udev smartmontools util-linux e2fsprogs dmidecode \
    >"$WORK/packages.log" 2>&1 || { tail -n 30 "$WORK/packages.log" >&2; exit 1; }
chroot "$ROOT" apt-get clean
rm -f "$ROOT/usr/sbin/policy-rc.d"

echo "== tabula into the rootfs"
# without the debug info (symbols stay, for backtraces)
objcopy --strip-debug "$BIN" "$ROOT/usr/local/bin/tabula"
chmod 0755 "$ROOT/usr/local/bin/tabula"
mkdir -p "$ROOT/var/lib/tabula"

# The data partition: the stick's second partition (or any ext4 file system) labelled TABULA.
cat >"$ROOT/etc/fstab" <<'EOF'
# Tabula: the station's data directory (TABULA_DATA) lives on the partition labelled TABULA
LABEL=TABULA /var/lib/tabula ext4 defaults,nofail 0 2
EOF

# tty1: root logs in automatically and runs the TUI (not in unattended mode).
mkdir -p "$ROOT/etc/systemd/system/getty@tty1.service.d"
cat >"$ROOT/etc/systemd/system/getty@tty1.service.d/tabula.conf" <<'EOF'
[Unit]
ConditionKernelCommandLine=!tabula.unattended=1
After=var-lib-tabula.mount

[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --noclear %I $TERM
EOF
cat >"$ROOT/root/.profile" <<'EOF'
# Tabula: the TUI is the console on tty1; leaving it logs in again.
export TABULA_DATA=/var/lib/tabula
if [ "$(tty)" = /dev/tty1 ]; then
    exec /usr/local/bin/tabula
fi
EOF

# Unattended mode: `tabula.unattended=1` on the kernel command line runs the batch instead.
cat >"$ROOT/etc/systemd/system/tabula-unattended.service" <<'EOF'
[Unit]
Description=Tabula unattended wipe (tabula.unattended=1)
ConditionKernelCommandLine=tabula.unattended=1
RequiresMountsFor=/var/lib/tabula
After=systemd-udev-settle.service local-fs.target systemd-udevd.service
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
Environment=TABULA_DATA=/var/lib/tabula
ExecStart=/usr/local/bin/tabula run --unattended --data /var/lib/tabula
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOF
chroot "$ROOT" systemctl enable tabula-unattended.service >/dev/null 2>&1
: >"$ROOT/etc/machine-id"

echo "== squashfs"
STAGE=$WORK/iso
mkdir -p "$STAGE/live" "$STAGE/boot/grub"
cp -L "$ROOT/vmlinuz" "$STAGE/live/vmlinuz"
cp -L "$ROOT/initrd.img" "$STAGE/live/initrd.img"
for m in dev/pts dev proc sys; do umount "$ROOT/$m"; done
mksquashfs "$ROOT" "$STAGE/live/filesystem.squashfs" -comp zstd -noappend -no-progress \
    -e boot >/dev/null

cat >"$STAGE/boot/grub/grub.cfg" <<'EOF'
# Tabula live USB
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=10
set default=0

menuentry "Tabula" {
    linux /live/vmlinuz boot=live quiet
    initrd /live/initrd.img
}
menuentry "Tabula unattended (tabula.unattended=1)" {
    linux /live/vmlinuz boot=live tabula.unattended=1
    initrd /live/initrd.img
}
menuentry "Tabula unattended, serial console ttyS0 (tests)" --id serial-unattended {
    linux /live/vmlinuz boot=live tabula.unattended=1 console=tty0 console=ttyS0,115200
    initrd /live/initrd.img
}
EOF

echo "== ISO (BIOS i386-pc, UEFI x86_64-efi: $EFI)"
mkdir -p "$OUT"
# without -d, grub-mkrescue puts in every platform under /usr/lib/grub (i386-pc, x86_64-efi)
grub-mkrescue -o "$ISO.tmp" "$STAGE" -- -volid TABULA_LIVE >"$WORK/mkrescue.log" 2>&1 || {
    cat "$WORK/mkrescue.log" >&2; exit 1; }
mv "$ISO.tmp" "$ISO"
ls -l "$ISO"
