#!/usr/bin/env bash
# Boot a QEMU guest whose SMBIOS values, disks, NIC and MSDM table are set on QEMU's command line,
# run `tabula audit --capture` inside it, and keep the capture as tests/fixtures/audit/qemu.
# The expected values in crates/audit/tests/qemu.rs are the arguments below.
#
# Needs (Debian 12): qemu-system-x86 busybox-static kmod cpio smartmontools, and network access to
# the Debian archive for `apt-get download linux-image-*` (the kernel is not installed, only unpacked).
# Run from the repository root: scripts/qemu-capture.sh   (ACCEL=kvm to use KVM; default tcg)
set -euo pipefail

REPO=$(pwd)
OUT=tests/fixtures/audit/qemu
ACCEL=${ACCEL:-tcg}
[ -d crates/audit ] || { echo "run from the repository root" >&2; exit 2; }
for tool in qemu-system-x86_64 busybox depmod cpio smartctl python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

cargo build -p tabula   # the guest runs this build (debug, stripped of debug info)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- what QEMU is told (the fixture's expected values) ---------------------------------------
KEY="TABUL-QEMUQ-EMUQE-MUQEM-7Q2KX"   # invented, not a Windows key
SMBIOS=(
    -smbios "type=0,vendor=Tabula Firmware,version=TQ-1.07,date=03/14/2025"
    -smbios "type=1,manufacturer=Tabula Test Lab,product=Capture PC 1,version=Rev A,serial=TABQEMU0001,uuid=5c1f2a5e-7b3d-4c2a-9e8f-0a1b2c3d4e5f,sku=TAB-QEMU-SKU,family=Tabula Capture"
    -smbios "type=2,manufacturer=Tabula Boards,product=TB-Q35,version=1.0,serial=TABBOARD01"
    -smbios "type=3,manufacturer=Tabula Cases,version=C1,serial=TABCASE01"
    -smbios "type=17,loc_pfx=SLOT,bank=BANK 0,manufacturer=Tabula RAM,serial=TABRAM01,part=TAB-2G-DDR,speed=2400"
)
MEM_MIB=2048
CPUS=2

# --- kernel and modules from Debian ---------------------------------------------------------------
cd "$WORK"
KPKG=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
apt-get download "$KPKG" >/dev/null 2>&1
dpkg-deb -x "$KPKG"_*.deb kernel
KVER=${KPKG#linux-image-}
depmod -b kernel "$KVER"
MODDIR=kernel/lib/modules/$KVER

# --- initramfs: busybox, tabula + smartctl with their libraries, the modules, init --------------
mkdir -p initrd/{bin,sbin,usr/bin,usr/sbin,lib64,lib/x86_64-linux-gnu,proc,sys,dev,run,tmp,capture}
cp /bin/busybox initrd/bin/busybox
objcopy --strip-debug "$REPO/target/debug/tabula" initrd/usr/bin/tabula
cp /usr/sbin/smartctl initrd/usr/sbin/smartctl
for bin in initrd/usr/bin/tabula initrd/usr/sbin/smartctl; do
    ldd "$bin" | awk '$3 ~ /^\// {print $3} $1 ~ /^\/lib64\// {print $1}' | while read -r lib; do
        mkdir -p "initrd$(dirname "$lib")"
        cp -L "$lib" "initrd$lib"
    done
done
mkdir -p "initrd/lib/modules/$KVER"
cp "$MODDIR"/modules.dep "$MODDIR"/modules.alias "initrd/lib/modules/$KVER/"
for mod in ahci sd_mod nvme virtio_pci virtio_blk virtio_net crct10dif_generic crc64_rocksoft_generic; do
    line=$(grep -E "/$mod\.ko:" "$MODDIR/modules.dep" || true)
    [ -n "$line" ] || continue
    for rel in ${line%%:*} ${line#*:}; do
        mkdir -p "initrd/lib/modules/$KVER/$(dirname "$rel")"
        cp "$MODDIR/$rel" "initrd/lib/modules/$KVER/$rel"
    done
done
cat > initrd/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in crct10dif_generic crc64_rocksoft_generic ahci sd_mod nvme virtio_pci virtio_blk virtio_net; do
    modprobe "$m" 2>/dev/null
done
i=0
while [ $i -lt 100 ] && ! { [ -e /sys/block/sda ] && [ -e /sys/block/nvme0n1 ] && [ -e /sys/block/vda ]; }; do
    sleep 0.2; i=$((i + 1))
done
tabula audit --capture /capture
tar -cf /dev/vda -C /capture .
sync
echo TABULA-CAPTURE-DONE
poweroff -f
INIT
chmod +x initrd/init
(cd initrd && find . | cpio -o -H newc --quiet | gzip -1) > initrd.gz

# --- the machine: an MSDM table, a SATA disk, an NVMe disk, a virtio disk that carries the capture out
python3 - "$KEY" > msdm.bin <<'PY'
import struct, sys
key = sys.argv[1].encode()
body = struct.pack("<IIIII", 1, 0, 1, 0, len(key)) + key
t = bytearray(b"MSDM" + struct.pack("<IBB", 36 + len(body), 3, 0) + b"TABULA" + b"TQ-MSDM " + struct.pack("<I", 1) + b"TBLA" + struct.pack("<I", 1) + body)
t[9] = (-sum(t)) & 0xFF
sys.stdout.buffer.write(bytes(t))
PY
truncate -s 8G sata.img
truncate -s 4G nvme.img
truncate -s 256M out.img

timeout 600 qemu-system-x86_64 -machine q35 -accel "$ACCEL" -m "$MEM_MIB" -smp "$CPUS" \
    "${SMBIOS[@]}" \
    -acpitable file=msdm.bin \
    -drive if=none,id=sata0,file=sata.img,format=raw \
    -device "ide-hd,drive=sata0,bus=ide.0,model=TABULA QEMU SATA,serial=TABSATA0001,rotation_rate=1" \
    -drive if=none,id=nvme0,file=nvme.img,format=raw \
    -device nvme,drive=nvme0,serial=TABNVME0001 \
    -drive if=virtio,file=out.img,format=raw \
    -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,mac=52:54:00:7a:b0:01 \
    -kernel "kernel/boot/vmlinuz-$KVER" -initrd initrd.gz \
    -append "console=ttyS0 panic=-1 quiet" -nographic -no-reboot -serial mon:stdio </dev/null | tee console.log
grep -q TABULA-CAPTURE-DONE console.log || { echo "guest did not finish the capture" >&2; exit 1; }

cd "$REPO"
rm -rf "$OUT"
mkdir -p "$OUT"
tar -xf "$WORK/out.img" -C "$OUT"
[ -f "$OUT/CAPTURE.json" ] || { echo "the guest wrote no capture" >&2; exit 1; }
echo "capture of QEMU $(qemu-system-x86_64 --version | head -1) with kernel $KVER, accel $ACCEL" > "$OUT/ORIGIN"
echo "wrote $OUT"
