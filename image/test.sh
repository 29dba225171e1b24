#!/usr/bin/env bash
# Boot target/image/tabula-live.iso in QEMU, unattended, and check the result from the host
# (see image/README.md). Debian 12, as root; run from the repository root (`make image-test`).
# Builds the ISO first (image/build.sh) if it is missing or older than the binary under test.
#
#   image/test.sh [bios] [uefi] [secureboot] [upload] [vt] [pxe] [pxe-uefi] [setup]   (no argument: all)
#
# bios:       SeaBIOS, the ISO as a CD.
# uefi:       OVMF without Secure Boot, the ISO written to a USB stick (a disk file).
# secureboot: OVMF with Secure Boot on and Microsoft's keys enrolled, the ISO as a CD; the guest's
#             SecureBoot variable and `tabula audit --json` must both say it is on.
# upload:     a tabula-registry on the host's 127.0.0.1, the guest reaching it through QEMU user
#             networking (guestfwd to a relay, restrict=on). The bios boot runs with the registry
#             unreachable (its certificates stay in the outbox), the uefi boot reuses that data
#             disk with the registry reachable (it uploads the outbox and its own certificates),
#             and the secureboot boot uploads directly.
# vt:         the normal entry (the TUI on tty1), SeaBIOS: QEMU's monitor types the keys (sendkey)
#             through drive selection, method, the confirmation word and the result; a helper on
#             the test's copy of the ISO copies tty1's text (/dev/vcs1) to the serial port, and
#             the test asserts what a person sees and keeps a screendump PNG of each screen.
# pxe:        network boot, SeaBIOS, no boot medium and no data disk: QEMU's iPXE loads a script
#             from QEMU user networking's TFTP that chains the build's target/image/pxe/tabula.ipxe;
#             kernel, initrd and the squashfs (live-boot's fetch=) come from an HTTP server on the
#             host's 127.0.0.1, and so do the station's tabula.toml and key (tabula.config=); the
#             guest wipes a virtio and an NVMe disk, keeps a third, uploads to the registry and
#             powers off; the host finds the certificates in the registry (by station name).
# pxe-uefi:   network boot as pxe, but OVMF with Secure Boot on and Microsoft's keys (as
#             secureboot) and its own virtio-net driver: TFTP (bootfile shimx64.efi) serves the
#             build's shim, Debian's signed network GRUB and grub/grub.cfg, GRUB loads the signed
#             kernel and the initrd over TFTP, the rest as pxe; the guest must report SecureBoot on.
# setup:      first boot: the ISO on a 1 GiB USB stick without a data partition, SeaBIOS, the TUI
#             on tty1; the monitor types through the setup (data partition, organisation, site,
#             operator, registry URL, enrolment token); the host checks the new TABULA partition
#             behind the image's (whose partitions are byte-identical), the answers in its
#             tabula.toml, and the station enrolled in the registry with the fingerprint shown.
#             live-boot mounts the medium from the stick's partition 1 (image/mkiso.sh's
#             -partition_offset layout), not from the whole disk, so the partition behind the
#             image can be opened exclusively (mkfs.ext4) and mounted.
# Every boot attaches one disk of each kind a PC has (virtio, SATA, NVMe, SCSI, USB, and one the
# configuration keeps) and checks that the wipeable ones are wiped and named in a signed
# certificate, that the kept disk and the boot medium are untouched, and that the drives' own
# Identify / IDENTIFY DEVICE answers (sent through Tabula's ioctl code) name QEMU's serials.
# The bios boot (and the uefi boot on its data disk) wipes only the NVMe and SATA disks, with
# method = "auto": the NVMe drive by Format NVM (Purge, all zero), the SATA disk by one random
# pass (Clear); the other boots zero every kind.
#
# Touches no device: the guests get only files this script creates in its own temporary
# directory; no loop device or mount is used. Serial logs and the guests' boot reports are kept in
# target/test-artifacts/image/.
set -euo pipefail

REPO=$(pwd)
[ -f image/test.sh ] && [ -d crates/tabula ] || { echo "run from the repository root" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "image/test.sh must run as root (apt-get)" >&2; exit 2; }
ISO=$REPO/target/image/tabula-live.iso
ART=$REPO/target/test-artifacts/image
# TABULA_BIN: the tabula binary to test (make test passes its debug build); else the release one.
BIN=${TABULA_BIN:-$REPO/target/release/tabula}
BIN=$(realpath -m "$BIN")           # the checks run in the temporary directory
REGISTRY_BIN=${REGISTRY_BIN:-$(dirname "$BIN")/tabula-registry}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-900}   # seconds for one guest run, boot to power-off
ACCEL=${ACCEL:-tcg}                 # kvm on real hardware
CPU=${CPU:-max}
OVMF=/usr/share/OVMF
TARGET_MIB=32
REGISTRY_PORT_GUEST=8080            # the guest's registry: http://10.0.2.100:8080
# Every kind of disk a PC has, each with the serial QEMU gives it; KEEP is listed under [keep].
KINDS="virtio sata nvme scsi usb keep"
SATA_MODEL=TABULA-SATA-SSD          # rotation_rate=1: a SATA SSD, as auto's flash path needs
AUTO_KINDS="nvme sata"              # what a method = "auto" boot wipes (its targets)
SELECTED=${*:-bios uefi secureboot upload vt pxe pxe-uefi setup}
for s in $SELECTED; do
    case $s in bios | uefi | secureboot | upload | vt | pxe | pxe-uefi | setup) ;; *) echo "unknown test: $s" >&2; exit 2 ;; esac
done
selected() { [[ " $SELECTED " == *" $1 "* ]]; }
export DEBIAN_FRONTEND=noninteractive

# --- QEMU from bookworm-backports, OVMF, the relay -----------------------------------------------
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" \
        >/etc/apt/sources.list.d/bookworm-backports.list
    apt-get update >/dev/null
fi
apt-get install -y -t bookworm-backports qemu-system-x86 >/dev/null || {
    apt-get update >/dev/null
    apt-get install -y -t bookworm-backports qemu-system-x86 >/dev/null
}
apt-get install -y --no-install-recommends xorriso grub-pc-bin mtools dosfstools e2fsprogs ovmf \
    socat jq curl >/dev/null

[ -x "$BIN" ] || cargo build --release -p tabula
# An ISO older than the binary under test is rebuilt, so the test never boots stale code.
# The PXE files come from the same build (target/image/pxe/).
PXE=$REPO/target/image/pxe
if [ ! -f "$ISO" ] || [ "$BIN" -nt "$ISO" ] || { selected pxe && [ ! -f "$PXE/filesystem.squashfs" ]; } ||
    { selected pxe-uefi && [ ! -f "$PXE/grub/grub.cfg" ]; }; then
    TABULA_BIN=$BIN image/build.sh
fi

T=$(mktemp -d /var/tmp/tabula-image-test.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT
mkdir -p "$ART"
rm -f "$ART"/*.log "$ART"/*.txt "$ART"/*.json "$ART"/*.png
cd "$T"

fail() {
    local v=${V:-}
    if [ -n "$v" ] && [ -f "$T/$v/serial.log" ]; then
        echo "--- last lines of the $v guest's serial console ($ART/$v-serial.log):" >&2
        tail -n 40 "$T/$v/serial.log" | tr -d '\r' >&2
    fi
    echo "FAIL${v:+ ($v)}: $*" >&2
    exit 1
}
serial() { echo "TAB-$(echo "$1" | tr 'a-z' 'A-Z')"; }

# --- a copy of the ISO whose GRUB boots the serial unattended entry at once ---------------------
# The ISO's files with only grub.cfg changed, made into an ISO again the way image/build.sh does.
xorriso -osirrox on -indev "$ISO" -extract / iso >xorriso.log 2>&1 || { cat xorriso.log >&2; exit 1; }
chmod -R u+w iso
# no_timer_check: a TCG guest on a busy host can fail the kernel's IO-APIC timer check and
# panic; panic=5 ends a panicked guest (-no-reboot) instead of waiting for BOOT_TIMEOUT.
sed -i -e 's/^set timeout=.*/set timeout=1/' -e 's/^set default=.*/set default=serial-unattended/' \
    -e 's|boot=live|boot=live no_timer_check panic=5|' iso/boot/grub/grub.cfg
grep -q -- '--id serial-unattended' iso/boot/grub/grub.cfg || { echo "no serial-unattended entry in the ISO" >&2; exit 1; }
"$REPO/image/mkiso.sh" iso test.iso >/dev/null 2>&1
if selected vt || selected setup; then
    # vt.iso: the normal entry (TUI on tty1, no serial console) plus the boot report, and a helper
    # that systemd.run starts: tty1's text to the serial port whenever it changes (in lines of
    # the VT's width, from /dev/vcsa1's header: rows, then columns)
    mkdir -p iso/tabula-test
    cat >iso/tabula-test/vcsdump.sh <<'EOF'
#!/bin/sh
# systemd.run= makes this the boot's default unit: start the normal system (and the TUI) too
systemctl start --no-block multi-user.target
last=
while :; do
    set -- $(od -An -tu1 -N2 /dev/vcsa1)
    cur=$(fold -w "${2:-80}" /dev/vcs1)
    if [ "$cur" != "$last" ]; then
        printf '=== vcs1 ===\n%s\n=== end ===\n' "$cur" >/dev/ttyS0
        last=$cur
    fi
    sleep 2
done
EOF
    sed -i -e 's/^set default=.*/set default=vt/' iso/boot/grub/grub.cfg
    cat >>iso/boot/grub/grub.cfg <<'EOF'
menuentry "Tabula, tty1 copied to ttyS0 (tests)" --id vt {
    linux /live/vmlinuz boot=live no_timer_check panic=5 quiet loglevel=3 tabula.diag=1 systemd.run_success_action=none "systemd.run=/bin/sh /run/live/medium/tabula-test/vcsdump.sh"
    initrd /live/initrd.img
}
EOF
    "$REPO/image/mkiso.sh" iso vt.iso >/dev/null 2>&1
fi
if selected setup; then
    # setup.iso: as vt.iso without the boot report, and first a relay that makes the host's
    # registry the guest's http://127.0.0.1:8080: the station sends its enrolment token over
    # plain http only to its own machine (a real bench's registry is https://).
    cat >iso/tabula-test/setup.sh <<'EOF'
#!/bin/sh
# what the first-boot offer looks at, for the serial log
{
    echo "=== setup diag ==="
    grep ' /run/live/medium ' /proc/self/mountinfo
    lsblk -o NAME,MAJ:MIN,SIZE,TYPE,FSTYPE,LABEL
    blkid -L TABULA; echo "blkid -L TABULA: $?"
    echo "=== end diag ==="
} >/dev/ttyS0 2>&1
systemd-run --quiet --unit=tabula-test-relay --socket-property=ListenStream=127.0.0.1:8080 \
    /lib/systemd/systemd-socket-proxyd 10.0.2.100:8080
exec /bin/sh /run/live/medium/tabula-test/vcsdump.sh
EOF
    sed -i -e 's/^set default=.*/set default=setup/' iso/boot/grub/grub.cfg
    cat >>iso/boot/grub/grub.cfg <<'EOF'
menuentry "Tabula first boot, tty1 copied to ttyS0 (tests)" --id setup {
    linux /live/vmlinuz boot=live no_timer_check panic=5 quiet loglevel=3 systemd.run_success_action=none "systemd.run=/bin/sh /run/live/medium/tabula-test/setup.sh"
    initrd /live/initrd.img
}
EOF
    "$REPO/image/mkiso.sh" iso setup.iso >/dev/null 2>&1
fi
rm -rf iso
ISO_SUM=$(sha256sum <test.iso)

# --- the registry (upload) ----------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REGISTRY_PORT=""
DEAD_PORT=$(free_port)   # nothing listens there: "the registry is stopped"
if selected upload || selected pxe || selected pxe-uefi || selected setup; then
    REGISTRY_PORT=$(free_port)
    REGISTRY=http://127.0.0.1:$REGISTRY_PORT
    export TABULA_ADMIN_TOKEN="image-test-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    "$REGISTRY_BIN" serve --listen "127.0.0.1:$REGISTRY_PORT" --database "sqlite://$T/registry.db" \
        --public-read --public-url "$REGISTRY" >"$T/registry.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do curl -fsS "$REGISTRY/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    curl -fsS "$REGISTRY/healthz" >/dev/null || { cat "$T/registry.log" >&2; fail "the registry did not start"; }
fi

# data disk DIR: DIR/data.img, ext4 labelled TABULA, with tabula.toml (mkfs -d, no mount). With
# the registry, the station's key is made and enrolled here first.
# No target list: the unattended run wipes every drive it may (not the stick, not the data disk,
# which is mounted, not the kept one).
# METHOD: the [wipe] method (zero unless given; check reads it back from the data disk); with
# auto, the run's targets are the AUTO_KINDS disks (a random pass under TCG is slow).
data_disk() {
    local dir=$1 name=$2 keymap=${3:-} method=${4:-zero}
    mkdir -p "$dir/data"
    {
        cat <<EOF
# written by image/test.sh
[station]
organisation = "Tabula image test"
site = "QEMU"
operator = "image/test.sh"
${keymap:+keymap = \"$keymap\"}

[wipe]
method = "$method"

[unattended]
enabled = true
after = "poweroff"
$([ "$method" = auto ] && echo "targets = [$(for k in $AUTO_KINDS; do printf '"%s", ' "$(serial "$k")"; done | sed 's/, $//')]")

[keep]
serials = ["$(serial keep)"]
EOF
        if [ -n "$REGISTRY_PORT" ]; then
            local token
            token=$("$REGISTRY_BIN" station add --name "$name" --database "sqlite://$T/registry.db" | tail -n 1)
            "$BIN" keygen --out "$dir/data/keys" >/dev/null
            LOG_VKEY=$dir/data/keys/registry-log.vkey
            "$BIN" enroll --registry "$REGISTRY" --token "$token" --key "$dir/data/keys/station.key" \
                >"$dir/enroll.log" 2>&1 || { cat "$dir/enroll.log" >&2; fail "enrolling $name"; }
            cat <<EOF

[registry]
url = "http://10.0.2.100:$REGISTRY_PORT_GUEST"
insecure_http = true
EOF
        fi
    } >"$dir/data/tabula.toml"
    truncate -s 64M "$dir/data.img"
    mkfs.ext4 -q -F -L TABULA -d "$dir/data" "$dir/data.img"
}

# --- one guest -----------------------------------------------------------------------------------
# fw_args FIRMWARE: the machine and firmware for bios (SeaBIOS, pc), uefi (OVMF, q35) or
# secureboot (OVMF with Secure Boot on and Microsoft's keys enrolled, q35 with SMM), into the
# array FW; OVMF's variable store is copied into the current directory (vars.fd).
fw_args() {
    case $1 in
        bios) FW=(-machine pc) ;;
        uefi)
            cp "$OVMF/OVMF_VARS_4M.fd" vars.fd
            FW=(-machine q35
                -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF/OVMF_CODE_4M.fd"
                -drive "if=pflash,format=raw,unit=1,file=vars.fd") ;;
        secureboot)
            cp "$OVMF/OVMF_VARS_4M.ms.fd" vars.fd
            FW=(-machine "q35,smm=on" -global "driver=cfi.pflash01,property=secure,value=on"
                -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF/OVMF_CODE_4M.secboot.fd"
                -drive "if=pflash,format=raw,unit=1,file=vars.fd") ;;
        *) echo "fw_args: no firmware $1" >&2; return 1 ;;
    esac
}

# disk_args KIND...: for each KIND a disk backed by KIND.img in the current directory, with the
# serial TAB-KIND, on its kind's bus (virtio and keep: virtio-blk; sata: AHCI, as an SSD; nvme;
# scsi: virtio-scsi; usb: the xHCI controller every guest has), into the array DISKS.
disk_args() {
    local k dev
    DISKS=()
    for k in "$@"; do
        case $k in
            virtio | keep) dev=virtio-blk-pci ;;
            sata) DISKS+=(-device "ahci,id=ahci"); dev="ide-hd,bus=ahci.0,model=$SATA_MODEL,rotation_rate=1" ;;
            nvme) dev=nvme ;;
            scsi) DISKS+=(-device "virtio-scsi-pci,id=scsi"); dev=scsi-hd,bus=scsi.0 ;;
            usb) dev=usb-storage,bus=xhci.0 ;;
            *) echo "disk_args: no disk kind $k" >&2; return 1 ;;
        esac
        DISKS+=(-drive "id=$k,file=$k.img,if=none,format=raw" -device "$dev,drive=$k,serial=$(serial "$k")")
    done
}

# user_net PORT [OPTIONS]: QEMU user networking isolated from the host and the outside
# (restrict=on); only 10.0.2.100:8080 leads somewhere: a relay per connection to the registry on
# 127.0.0.1:PORT (or to a closed port). OPTIONS (",tftp=...,guestfwd=...") are appended.
user_net() {
    echo "user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:$REGISTRY_PORT_GUEST-cmd:socat - TCP:127.0.0.1:$1${2:-}"
}

# qemu_start FIRMWARE NET NIC ARGS...: a guest in the background, in the current directory, with
# FIRMWARE (fw_args), the user networking NET (user_net), the network card NIC (a -device without
# netdev=), an xHCI controller (xhci) and ARGS (boot medium, disks); serial console to
# serial.log, monitor on mon.sock, no reboot, ended after BOOT_TIMEOUT. Its pid in QEMU_PID.
qemu_start() {
    local -a FW
    fw_args "$1"
    local net=$2 nic=$3
    shift 3
    timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -cpu "$CPU" -m 2048 -smp 2 \
        -display none -serial stdio -no-reboot -monitor "unix:$PWD/mon.sock,server,nowait" \
        "${FW[@]}" -netdev "$net" -device "$nic,netdev=net0" -device qemu-xhci,id=xhci "$@" \
        </dev/null >serial.log 2>&1 &
    QEMU_PID=$!
}

# qemu_finish PID START NAME: waits for the guest PID (started at START, in seconds), writes
# "STATUS SECONDS" to status and keeps serial.log as $ART/NAME-serial.log.
qemu_finish() {
    local rc=0
    wait "$1" || rc=$?
    echo "$rc $(($(date +%s) - $2))" >status
    cp serial.log "$ART/$3-serial.log"
}

# boot VARIANT DATA_IMG REGISTRY_PORT_OR_DEAD: one guest run, boot to power-off, in $T/VARIANT.
boot() {
    local v=$1 data=$2 port=$3 dir=$T/$1
    mkdir -p "$dir"
    cd "$dir"
    # One file per disk kind, every byte 0x5A ('Z'): a virtio disk, a SATA disk on AHCI, an NVMe
    # namespace, a SCSI disk on virtio-scsi, a USB disk, and one more virtio disk that the
    # configuration keeps. The data disk is the first virtio disk (/dev/vda).
    for k in $KINDS; do
        head -c $((TARGET_MIB * 1024 * 1024)) /dev/zero | tr '\000' 'Z' >"$k.img"
    done
    local fw=bios medium=()
    case $v in
        bios | secureboot)
            [ "$v" = secureboot ] && fw=secureboot
            medium=(-drive "id=cd,file=$T/test.iso,if=none,media=cdrom,format=raw,readonly=on"
                -device "ide-cd,drive=cd,bootindex=0") ;;
        vt)
            medium=(-drive "id=cd,file=$T/vt.iso,if=none,media=cdrom,format=raw,readonly=on"
                -device "ide-cd,drive=cd,bootindex=0") ;;
        uefi)
            fw=uefi
            # the ISO written to a USB stick (the stick is a copy: the check compares it)
            cp "$T/test.iso" stick.img
            medium=(-drive "id=stick,file=stick.img,if=none,format=raw"
                -device "usb-storage,drive=stick,bus=xhci.0,serial=TAB-STICK,bootindex=0") ;;
    esac
    local DISKS
    disk_args virtio keep sata nvme scsi usb
    local start
    start=$(date +%s)
    set +e
    qemu_start "$fw" "$(user_net "$port")" e1000 "${medium[@]}" \
        -drive "file=$data,if=virtio,format=raw" "${DISKS[@]}"
    local qemu=$QEMU_PID
    if [ "$v" = vt ]; then
        vt_drive "$dir" >vt-drive.log 2>&1
        [ -f "$dir/vt-problem" ] && kill "$qemu" 2>/dev/null
    fi
    qemu_finish "$qemu" "$start" "$v"
    set -e
    cd "$T"
}

# Driving the TUI on tty1 (vt_drive, setup_drive): each driver sets the locals dir (the boot's
# directory: mon.sock, serial.log), n (screens so far) and who (the screens' file prefix).
# mon CMD: one QEMU monitor command; screen: tty1's text as vcsdump.sh last copied it.
mon() { echo "$1" | socat - "UNIX-CONNECT:$dir/mon.sock" >/dev/null 2>&1; }
screen() {
    tr -d '\r' <"$dir/serial.log" | awk '/^=== vcs1 ===$/ {buf = ""; on = 1; next}
        /^=== end ===$/ {last = buf; on = 0; next} on {buf = buf $0 "\n"} END {printf "%s", last}'
}
# wait_for REGEX SECONDS: until the screen matches
wait_for() {
    local i
    for i in $(seq "$2"); do screen | grep -Eq "$1" && return 0; sleep 1; done
    echo "the screen never showed /$1/ within $2 s" >"$dir/vt-problem"; return 1
}
# shot NAME: the screen's text and a screendump PNG, $ART/WHO-N-NAME.{txt,png}
shot() {
    n=$((n + 1))
    sleep 3   # let the TUI finish drawing and the helper copy it
    screen >"$ART/$who-$n-$1.txt"
    mon "screendump $ART/$who-$n-$1.png -f png"
}
keys() { local k; for k in "$@"; do mon "sendkey $k"; sleep 0.3; done; }

# vt_drive DIR: types through the TUI on tty1 with QEMU's monitor, reading the screen from the
# serial port (vcsdump.sh); keeps a screendump PNG and the text of each screen in $ART. Problems
# go to DIR/vt-problem, which check() reports.
vt_drive() {
    local dir=$1 n=0 who=vt
    wait_for 'TAB-VIRTIO' 600 || return 0
    shot select
    keys ret
    local i
    for i in 1 2 3 4; do   # method (and whatever else asks) until the confirmation word
        sleep 5
        screen | grep -q ' 3/5 ' && break   # the confirmation screen (a method's label may say ERASE)
        shot "step$i"
        keys ret
    done
    wait_for ' 3/5 ' 60 || return 0
    shot confirm
    keys shift-e shift-r shift-a shift-s shift-e ret
    wait_for '\.tabula\.json' 600 || return 0
    shot result
    keys p   # power off from the result screen
}

# dump DATA_IMG PATH OUT: one file from the data disk (debugfs, no mount).
dump() { debugfs -R "dump $2 $3" "$1" >/dev/null 2>&1; [ -s "$3" ]; }
ls_dir() { debugfs -R "ls -p $2" "$1" 2>/dev/null | awk -F/ '$6 ~ /\.tabula\.json$/ {print $6}'; }

# check VARIANT DATA_IMG: the disks, the boot medium, the certificates of this boot.
check() {
    V=$1
    DATA_OF_CHECK=$2
    local data=$2 dir=$T/$1 rc elapsed method
    read -r rc elapsed <"$dir/status"
    [ "$rc" = 124 ] && fail "the guest did not power off within ${BOOT_TIMEOUT}s"
    [ "$rc" = 0 ] || fail "qemu exited with status $rc"
    [ -f "$dir/vt-problem" ] && fail "driving the TUI: $(cat "$dir/vt-problem")"
    local size=$((TARGET_MIB * 1024 * 1024)) k c
    mkdir -p "$dir/out"
    dump "$data" /tabula.toml "$dir/out/tabula.toml" || fail "no tabula.toml on the data disk"
    method=$(sed -n 's/^method = "\(.*\)"$/\1/p' "$dir/out/tabula.toml")
    local wiped="virtio sata nvme scsi usb"
    [ "$method" = auto ] && wiped=$AUTO_KINDS
    for k in $KINDS; do
        [ "$(stat -c %s "$dir/$k.img")" = "$size" ] || fail "$k.img changed size"
        if [[ " $wiped " != *" $k "* ]]; then
            cmp -s "$dir/$k.img" <(head -c "$size" /dev/zero | tr '\000' 'Z') || fail "the $k disk (not a target) was written to"
        elif [ "$method" = auto ] && [ "$k" != nvme ]; then
            # auto overwrites these with one random pass: no sector of the 0x5A fill may remain
            c=$(pattern_sectors "$dir/$k.img")
            [ "$c" = 0 ] || fail "$c sectors of the $k disk still hold the 0x5A fill"
        else
            cmp -s -n "$size" "$dir/$k.img" /dev/zero || fail "the $k disk is not all 0x00"
        fi
    done
    # boot to a wipe-ready station: the kernel's clock at the unattended run's first line
    local ready
    ready=$(tr -d '\r' <"$dir/serial.log" | sed -n 's/^\[ *\([0-9]*\)\.[0-9]*\] tabula\[[0-9]*\]: .*/\1/p' | head -n1)
    if [ "$method" = auto ]; then
        echo "ok ($V, method auto on the NVMe and SATA disks, guest ran ${elapsed}s, kernel start to the station's first line ${ready:-?}s): the NVMe disk is all 0x00, no sector of the SATA disk holds the fill any more; the others are untouched"
    else
        echo "ok ($V, guest ran ${elapsed}s, kernel start to the station's first line ${ready:-?}s): the virtio, SATA, NVMe, SCSI and USB disks are all 0x00; the kept disk is untouched"
    fi
    [ "$(sha256sum <"$T/test.iso")" = "$ISO_SUM" ] || fail "the boot medium (CD image) changed"
    if [ -f "$dir/stick.img" ]; then
        [ "$(sha256sum <"$dir/stick.img")" = "$ISO_SUM" ] || fail "the boot stick was written to"
    fi
    echo "ok ($V): the boot medium is untouched"

    dump "$data" /keys/station.pem "$dir/out/station.pem" || true
    # this boot's certificates: in certificates/ and not there before this boot
    local certs=() c
    for c in $(ls_dir "$data" /certificates); do
        grep -qx "$c" "$dir/before.txt" 2>/dev/null || certs+=("$c")
    done
    [ "${#certs[@]}" -gt 0 ] || fail "no new certificates/*.tabula.json on the data disk"
    : >"$dir/out/shown.txt"
    for c in "${certs[@]}"; do
        dump "$data" "/certificates/$c" "$dir/out/$c" || fail "could not read certificates/$c"
        "$BIN" verify "$dir/out/$c" >/dev/null || fail "tabula verify rejects $c"
        if [ -s "$dir/out/station.pem" ]; then
            "$BIN" verify --key "$dir/out/station.pem" "$dir/out/$c" >/dev/null || fail "tabula verify --key rejects $c"
        fi
        "$BIN" cert show "$dir/out/$c" >>"$dir/out/shown.txt" || fail "tabula cert show rejects $c"
    done
    for k in $KINDS; do
        if [[ " $wiped " != *" $k "* ]]; then
            grep -q "$(serial "$k")" "$dir/out/shown.txt" && fail "the $k disk (not a target) is in a certificate"
        else
            grep -q "$(serial "$k")" "$dir/out/shown.txt" || { cat "$dir/out/shown.txt" >&2; fail "no certificate names the $k disk ($(serial "$k"))"; }
        fi
    done
    grep -q 'TAB-STICK' "$dir/out/shown.txt" && fail "the boot stick is in a certificate"
    # Debian's kernel also shows the NVMe namespace as the hidden multipath node nvme0c0n1: it is
    # no drive and must not appear.
    grep -q 'nvme0c0n1' "$dir/out/shown.txt" && fail "the hidden NVMe node nvme0c0n1 was treated as a drive"
    echo "ok ($V): ${#certs[@]} certificate(s) verified; each wiped disk is named by its serial, the others, the stick and nvme0c0n1 are not"
    printf '%s\n' "${certs[@]}" >"$dir/certs.txt"

    # the guest's boot report (tabula.diag=1): firmware, Secure Boot, and the audit's view of it
    dump "$data" /diag/boot.txt "$dir/out/boot.txt" || fail "no diag/boot.txt on the data disk"
    dump "$data" /diag/audit.json "$dir/out/audit.json" || fail "no diag/audit.json on the data disk"
    cp "$dir/out/boot.txt" "$ART/$V-boot.txt"
    cp "$dir/out/audit.json" "$ART/$V-audit.json"
    local fw sb efivar
    fw=$(sed -n 's/^firmware=//p' "$dir/out/boot.txt")
    efivar=$(sed -n 's/^secure_boot_efivar=//p' "$dir/out/boot.txt")
    sb=$(jq -r '.platform.secure_boot' "$dir/out/audit.json")
    case $V in
        bios | vt) [ "$fw" = bios ] && [ "$sb" = not_applicable ] || fail "BIOS boot reports firmware=$fw secure_boot=$sb" ;;
        uefi) [ "$fw" = uefi ] && [ "$efivar" = 0 ] && [ "$sb" = disabled ] ||
            fail "plain UEFI boot reports firmware=$fw SecureBoot=$efivar audit secure_boot=$sb" ;;
        secureboot) [ "$fw" = uefi ] && [ "$efivar" = 1 ] && [ "$sb" = enabled ] ||
            fail "Secure Boot boot reports firmware=$fw SecureBoot=$efivar audit secure_boot=$sb" ;;
    esac
    if [ "$V" = secureboot ]; then
        grep -q "secureboot: Secure boot enabled" "$dir/serial.log" || fail "the kernel did not boot under Secure Boot"
    fi
    echo "ok ($V): firmware=$fw, SecureBoot variable=${efivar:--}, tabula audit: secure_boot=$sb"
    # the keyboard: German (keycode 21, the key right of T, types z) unless tabula.toml says
    # otherwise (the secureboot boot's says keymap = "us": y)
    local kc want=z
    kc=$(sed -n 's/^keycode_21=//p' "$dir/out/boot.txt")
    [ "$V" = secureboot ] && want=y
    [[ $kc == "+$want"* || $kc == "$want"* ]] || fail "keycode 21 types '$kc', not $want"
    echo "ok ($V): the console keymap types $want on keycode 21"
    check_identify "$dir"
    [ "$method" = auto ] && check_auto "$dir"
    V=
}

# pattern_sectors FILE: how many 512-byte sectors of FILE still hold the 0x5A fill.
pattern_sectors() {
    python3 -c 'import sys
f = open(sys.argv[1], "rb"); fill = b"Z" * 512; n = 0
while (s := f.read(512)): n += s == fill
print(n)' "$1"
}

# check_identify DIR: the guest's `tabula devices --json` (diag/devices.json): the SATA disk's
# ATA IDENTIFY DEVICE, sent through Tabula's SG_IO code (ATA PASS-THROUGH(16)), gives the model
# and serial QEMU was given; the NVMe controller's Identify, through NVME_IOCTL_ADMIN_CMD on
# /dev/nvme0, gives QEMU's serial and OACS with Format NVM; the probes offer Format NVM and no
# cryptographic erase (QEMU's FNA is 0) and find no ATA Security or SANITIZE on QEMU's AHCI disk.
check_identify() {
    local dir=$1 d sata nvme
    d=$dir/out/devices.json
    dump "$DATA_OF_CHECK" /diag/devices.json "$d" || fail "no diag/devices.json on the data disk"
    cp "$d" "$ART/$V-devices.json"
    sata=$(jq -c --arg s "$(serial sata)" '[.[] | select(.serial == $s)][0]' "$d")
    nvme=$(jq -c --arg s "$(serial nvme)" '[.[] | select(.serial == $s)][0]' "$d")
    [ "$sata" != null ] && [ "$nvme" != null ] || fail "devices.json lists no SATA or no NVMe drive"
    jq -e --arg m "$SATA_MODEL" --arg s "$(serial sata)" '.identify.command == "ata-identify-device"
        and .identify.model == $m and .identify.serial == $s and .capabilities.command_set == "ata"
        and .identify.security == false and .identify.sanitize == false
        and .capabilities.supported == []' <<<"$sata" >/dev/null ||
        fail "the SATA disk's IDENTIFY DEVICE through SG_IO: $sata"
    jq -e --arg s "$(serial nvme)" '.identify.command == "nvme-identify-controller"
        and .identify.serial == $s and ((.identify.oacs / 2 | floor) % 2 == 1)
        and .capabilities.command_set == "nvme" and any(.capabilities.supported[]; . == "nvme-format")
        and all(.capabilities.supported[]; . != "nvme-format-crypto")' <<<"$nvme" >/dev/null ||
        fail "the NVMe controller's Identify through NVME_IOCTL_ADMIN_CMD: $nvme"
    echo "ok ($V): ATA IDENTIFY through SG_IO names $(jq -r '.identify.model + " / " + .identify.serial' <<<"$sata"); NVMe Identify through the admin ioctl names $(jq -r '.identify.serial' <<<"$nvme") with $(printf 'OACS %#x FNA %#x SANICAP %#x' $(jq -r '.identify | "\(.oacs) \(.fna) \(.sanicap)"' <<<"$nvme"))"
}

# check_auto DIR: with method = "auto", the certificates say what was reached: the NVMe drive
# Purge by FORMAT NVM SES=1 (QEMU offers no crypto erase, so none is sent or claimed), confirmed,
# no canary left; the SATA disk (no ATA Security or SANITIZE in QEMU) an overwrite and Clear.
check_auto() {
    local dir=$1 c drives=$dir/out/drives.jsonl nv
    : >"$drives"
    while read -r c; do
        jq -r .envelope.payload "$dir/out/$c" | base64 -d | jq -c '.drives[]' >>"$drives"
    done <"$dir/certs.txt"
    nv=$(jq -sc --arg s "$(serial nvme)" '[.[] | select(.serial == $s)][0]' "$drives")
    jq -e '.method.nist_category == "purge" and .status == "erased"
        and .firmware_erase.operation == "nvme-format" and .firmware_erase.confirmed
        and (.firmware_erase.fell_back_to_overwrite | not)
        and any(.firmware_erase.commands[]; (.command | startswith("FORMAT NVM SES=1")) and .ok)
        and all(.firmware_erase.commands[]; .command | test("SES=2|crypt"; "i") | not)
        and .firmware_erase.canaries.written > 0 and .firmware_erase.canaries.survived == 0
        and .firmware_erase.canaries.unreadable == 0
        and .firmware_erase.sampling.reads_as == "zeros"' <<<"$nv" >/dev/null ||
        fail "the NVMe drive's certificate record (auto): $nv"
    local k r
    for k in $AUTO_KINDS; do
        [ "$k" = nvme ] && continue
        r=$(jq -sc --arg s "$(serial "$k")" '[.[] | select(.serial == $s)][0]' "$drives")
        jq -e '.method.nist_category == "clear" and .status == "erased" and .method.passes >= 1
            and (.firmware_erase == null or .firmware_erase.fell_back_to_overwrite)' <<<"$r" >/dev/null ||
            fail "the $k drive's certificate record (auto): $r"
    done
    echo "ok ($V): auto: NVMe Purge by $(jq -r '[.firmware_erase.commands[].command] | join(", ")' <<<"$nv"), $(jq -r '.firmware_erase.canaries | "\(.written) canaries, \(.survived) survived"' <<<"$nv"), sampled reads as zeros; the SATA disk overwritten, Clear"
}

# registry_has DIR DATA_IMG: every certificate of DIR/certs.txt is in the registry, and its copy
# on the data disk (with the registry's receipt now) verifies against it.
registry_has() {
    local dir=$1 data=$2 c id
    while read -r c; do
        id=${c%.tabula.json}
        curl -fsS "$REGISTRY/certificates/$id" >/dev/null || fail "the registry does not serve certificate $id"
        dump "$data" "/certificates/$c" "$dir/out/uploaded-$c" || fail "could not read certificates/$c"
        "$BIN" verify "$dir/out/uploaded-$c" --registry "$REGISTRY" --log-key "$LOG_VKEY" \
            >"$dir/out/verify-$id.txt" 2>&1 || { cat "$dir/out/verify-$id.txt" >&2; fail "tabula verify --registry rejects $c"; }
    done <"$dir/certs.txt"
}
outbox_count() { debugfs -R "ls -p /outbox" "$1" 2>/dev/null | awk -F/ '$6 ~ /\.tabula\.json$/' | wc -l; }

# --- network boot (pxe, pxe-uefi) --------------------------------------------------------------
PXE_KINDS="virtio nvme keep"   # a couple of disks keep the boot short; the other boots cover every kind
PXE_HTTP_GUEST=10.0.2.101      # the guest's HTTP server: http://10.0.2.101/tabula/
# what the site sets for the network boots: a serial console (no_timer_check panic=5 as in test.iso)
PXE_EXTRA="console=tty0 console=ttyS0,115200 no_timer_check panic=5"

# boot_pxe VARIANT: the PXE server's files in $T/VARIANT (tftp/ for QEMU's TFTP, www/ for HTTP),
# with the station data_disk made in $T/VARIANT/data served at tabula/station/ instead of on a
# disk (its data.img is not attached); one guest run, network boot to power-off.
# pxe:      SeaBIOS, QEMU's iPXE ROM on an e1000: TFTP boot.ipxe sets tabula-base and -extra and
#           chains the build's tabula.ipxe, which loads kernel and initrd over HTTP.
# pxe-uefi: OVMF with Secure Boot on and Microsoft's keys, its own virtio-net driver (no option
#           ROM: QEMU's iPXE ROMs are not signed): TFTP shimx64.efi -> grubx64.efi -> grub/grub.cfg
#           (the build's), grub/site.cfg sets tabula_base and tabula_extra (with tabula.diag=1:
#           the guest reports the SecureBoot variable on the console); kernel and initrd over TFTP.
boot_pxe() {
    local v=$1 dir=$T/$1 k f fw nic bootfile
    mkdir -p "$dir/tftp" "$dir/www/tabula"
    for f in vmlinuz initrd.img filesystem.squashfs; do ln -s "$PXE/$f" "$dir/www/tabula/$f"; done
    ln -s "$dir/data" "$dir/www/tabula/station"
    case $v in
        pxe)
            fw=bios nic=e1000,bootindex=0 bootfile=boot.ipxe
            cp "$PXE/tabula.ipxe" "$dir/tftp/tabula.ipxe"
            # what a DHCP server's options would set: where the files are, and a serial console
            cat >"$dir/tftp/boot.ipxe" <<EOF
#!ipxe
set tabula-base http://$PXE_HTTP_GUEST/tabula
set tabula-extra $PXE_EXTRA
chain tabula.ipxe
EOF
            ;;
        pxe-uefi)
            fw=secureboot nic=virtio-net-pci,romfile=,bootindex=0 bootfile=shimx64.efi
            # the build's TFTP root as a server holds it, and the site's settings beside grub.cfg
            mkdir -p "$dir/tftp/grub"
            for f in shimx64.efi grubx64.efi vmlinuz initrd.img grub/grub.cfg; do ln -s "$PXE/$f" "$dir/tftp/$f"; done
            # (tabula.diag=1: the guest's SecureBoot variable on the console; loglevel=7 after
            # the command line's loglevel=3: the kernel's "Secure boot enabled" too)
            cat >"$dir/tftp/grub/site.cfg" <<EOF
set tabula_base=http://$PXE_HTTP_GUEST/tabula
set tabula_extra="$PXE_EXTRA tabula.diag=1 loglevel=7"
EOF
            ;;
    esac
    local http_port
    http_port=$(free_port)
    python3 -m http.server --bind 127.0.0.1 --directory "$dir/www" "$http_port" >"$dir/http.log" 2>&1 &
    local http=$!
    # (probing /, so that the log's lines for the boot's files are the guest's)
    for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$http_port/" 2>/dev/null && break; sleep 0.2; done
    cd "$dir"
    for k in $PXE_KINDS; do
        head -c $((TARGET_MIB * 1024 * 1024)) /dev/zero | tr '\000' 'Z' >"$k.img"
    done
    local DISKS
    # shellcheck disable=SC2086
    disk_args $PXE_KINDS
    local start
    start=$(date +%s)
    set +e
    qemu_start "$fw" "$(user_net "$REGISTRY_PORT" ",tftp=$dir/tftp,bootfile=$bootfile,guestfwd=tcp:$PXE_HTTP_GUEST:80-cmd:socat - TCP:127.0.0.1:$http_port")" \
        "$nic" "${DISKS[@]}"
    qemu_finish "$QEMU_PID" "$start" "$v"
    set -e
    kill "$http" 2>/dev/null || true
    cp http.log "$ART/$v-http.log"
    cd "$T"
}

# check_pxe VARIANT: the disks, what the guest fetched over HTTP (and for pxe-uefi the boot
# chain and Secure Boot, from the console), and the certificates in the registry.
check_pxe() {
    V=$1
    local dir=$T/$1 rc elapsed size=$((TARGET_MIB * 1024 * 1024)) k f station=image-test-$1
    read -r rc elapsed <"$dir/status"
    [ "$rc" = 124 ] && fail "the guest did not power off within ${BOOT_TIMEOUT}s"
    [ "$rc" = 0 ] || fail "qemu exited with status $rc"
    for k in $PXE_KINDS; do
        if [ "$k" = keep ]; then
            cmp -s "$dir/$k.img" <(head -c "$size" /dev/zero | tr '\000' 'Z') || fail "the kept disk was written to"
        else
            cmp -s -n "$size" "$dir/$k.img" /dev/zero || fail "the $k disk is not all 0x00"
        fi
    done
    echo "ok ($V, guest ran ${elapsed}s): the virtio and NVMe disks are all 0x00; the kept disk is untouched"
    # iPXE loaded kernel and initrd over HTTP (GRUB over TFTP), live-boot the squashfs, the
    # station its configuration
    local http="filesystem.squashfs station/tabula.toml station/keys/station.key"
    [ "$V" = pxe ] && http="vmlinuz initrd.img $http"
    for f in $http; do
        grep -q "\"GET /tabula/$f HTTP/1.[01]\" 200" "$dir/http.log" || fail "the guest never fetched tabula/$f over HTTP"
    done
    grep -aq 'tabula-netconfig: tabula.toml and the station key from' "$dir/serial.log" ||
        fail "no line of tabula-netconfig on the console"
    if [ "$V" = pxe-uefi ]; then
        # shim and GRUB from TFTP, GRUB read the build's grub.cfg, and the kernel ran under
        # Secure Boot: the kernel says so, and so does the guest's SecureBoot variable (tabula-diag)
        grep -aq 'Tabula: loading the kernel and initrd from (tftp,' "$dir/serial.log" ||
            fail "GRUB did not boot the kernel from TFTP with the build's grub.cfg"
        grep -aq 'secureboot: Secure boot enabled' "$dir/serial.log" || fail "the kernel did not boot under Secure Boot"
        grep -aq 'tabula-diag: firmware=uefi secure_boot_efivar=1 ' "$dir/serial.log" ||
            fail "the guest does not report UEFI with SecureBoot=1 ($(grep -a 'tabula-diag:' "$dir/serial.log" | tr -d '\r'))"
        echo "ok ($V): shim, GRUB, kernel and initrd over TFTP under Secure Boot; the guest reports firmware=uefi, SecureBoot=1"
        echo "ok ($V): the squashfs over HTTP; tabula.toml and the key over HTTP (tabula.config=)"
    else
        echo "ok ($V): kernel, initrd and squashfs over HTTP; tabula.toml and the key over HTTP (tabula.config=)"
    fi
    # the registry: this station's certificates, each verified with the registry's log and the key
    curl -fsS "$REGISTRY/api/v1/certificates?station=$station" >"$dir/search.json" || fail "searching the registry"
    local ids id
    ids=$(jq -r '.items[].id' "$dir/search.json")
    [ -n "$ids" ] || { cat "$dir/search.json" >&2; fail "the registry holds no certificate of $station"; }
    : >"$dir/shown.txt"
    for id in $ids; do
        curl -fsS "$REGISTRY/api/v1/certificates/$id/bundle" >"$dir/$id.tabula.json" || fail "fetching the bundle of $id"
        "$BIN" verify "$dir/$id.tabula.json" --key "$dir/data/keys/station.pem" >/dev/null || fail "tabula verify --key rejects $id"
        "$BIN" verify "$dir/$id.tabula.json" --registry "$REGISTRY" --log-key "$LOG_VKEY" >"$dir/verify-$id.txt" 2>&1 ||
            { cat "$dir/verify-$id.txt" >&2; fail "tabula verify --registry rejects $id"; }
        "$BIN" cert show "$dir/$id.tabula.json" >>"$dir/shown.txt" || fail "tabula cert show rejects $id"
    done
    for k in $PXE_KINDS; do
        if [ "$k" = keep ]; then
            grep -q "$(serial keep)" "$dir/shown.txt" && fail "the kept disk is in a certificate"
        else
            grep -q "$(serial "$k")" "$dir/shown.txt" || { cat "$dir/shown.txt" >&2; fail "no certificate names the $k disk"; }
        fi
    done
    echo "ok ($V): the registry holds $(echo "$ids" | wc -w) certificate(s) of $station naming each wiped disk; tabula verify --registry accepts each"
    V=
}

# --- first boot (setup) ------------------------------------------------------------------------
SETUP_STATION=image-test-setup
SETUP_ORG="Lecos Test"
SETUP_SITE="Bench 1"
SETUP_OPERATOR="QEMU Setup"
SETUP_URL=http://127.0.0.1:8080   # the guest's relay to the registry (setup.sh)
# the layout chosen on the form (from the list the TUI offers), loaded at once: the answers after
# it are typed on it, so a URL or token typed on the wrong layout would not enrol
SETUP_KEYMAP=us
KEYMAPS=$REPO/crates/station/src/setup/keymaps.txt

# part_sums IMG: "start size BLAKE3" of each partition of the disk file IMG (sfdisk's sectors)
part_sums() {
    local start size
    sfdisk -J "$1" 2>/dev/null | jq -r '.partitiontable.partitions[] | "\(.start) \(.size)"' | while read -r start size; do
        echo "$start $size $(dd if="$1" bs=4M iflag=skip_bytes,count_bytes skip=$((start * 512)) \
            count=$((size * 512)) status=none | b3sum --no-names)"
    done
}

# type_on KEYMAP TEXT: types TEXT with sendkey on the console's layout KEYMAP, de or us (sendkey
# names the keys of a US keyboard; on de, Z and Y change places and the punctuation moves)
type_on() {
    local map=$1 s=$2 i c k
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        k=
        case $map:$c in
            de:y) k=z ;; de:z) k=y ;; de:Y) k=shift-z ;; de:Z) k=shift-y ;;
            de::) k=shift-dot ;; de:/) k=shift-7 ;; de:-) k=slash ;; de:_) k=shift-slash ;;
            us::) k=shift-semicolon ;; us:/) k=slash ;; us:-) k=minus ;; us:_) k=shift-minus ;;
            *:[a-z0-9]) k=$c ;;
            *:[A-Z]) k=shift-$(echo "$c" | tr 'A-Z' 'a-z') ;;
            *:' ') k=spc ;; *:.) k=dot ;; *:,) k=comma ;;
        esac
        [ -n "$k" ] || { echo "type_on: no key for '$c' on $map" >"$dir/vt-problem"; return 1; }
        mon "sendkey $k"
        sleep 0.15
    done
}

# setup_drive DIR TOKEN: through the first-boot screens: the offer (Enter: make the data
# partition), the form (the keyboard: Right to SETUP_KEYMAP and Enter, which loads it; then five
# answers typed on it), the enrolment's result (Enter), the drive screen; then Ctrl-Alt-Del, a
# clean reboot that ends QEMU (-no-reboot). Screens as $ART/setup-N-*.{txt,png}; DIR/first-screen: seconds from the guest's
# start to the first screen (the TUI), boot without a data partition.
setup_drive() {
    local dir=$1 token=$2 n=0 who=setup
    wait_for 'Datenpartition anlegen' 600 || return 0
    echo $(($(date +%s) - $(cat "$dir/started"))) >"$dir/first-screen"
    shot offer
    keys ret
    wait_for 'Station einrichten' 120 || return 0
    wait_for '> Tastatur +< Deutsch \(de\) >' 5 || return 0
    shot form
    # Right as often as keymaps.txt puts SETUP_KEYMAP after de, then Enter: the TUI loads it
    local steps answer
    steps=$(awk '!/^#/ && NF {print $1}' "$KEYMAPS" | grep -nxF "$SETUP_KEYMAP" | cut -d: -f1)
    [ -n "$steps" ] || { echo "$SETUP_KEYMAP is not in $KEYMAPS" >"$dir/vt-problem"; return 0; }
    for ((answer = 1; answer < steps; answer++)); do keys right; done
    wait_for "> Tastatur +< .* \\($SETUP_KEYMAP\\) >" 60 || return 0
    shot keymap
    keys ret
    wait_for "Tastaturbelegung .*\\($SETUP_KEYMAP\\) ist aktiv" 120 || return 0
    shot keymap-loaded
    for answer in "$SETUP_ORG" "$SETUP_SITE" "$SETUP_OPERATOR" "$SETUP_URL" "$token"; do
        type_on "$SETUP_KEYMAP" "$answer" || return 0
        keys ret
    done
    wait_for 'beim Zertifikatsregister angemeldet' 120 || return 0
    shot enrolled
    keys ret
    wait_for 'TAB-VIRTIO' 120 || return 0
    shot select
    mon "sendkey ctrl-alt-delete"
}

# boot_setup: the setup ISO on a 1 GiB USB stick (the image's partitions and free space behind
# them), one virtio disk to be shown, the registry as in the other boots.
boot_setup() {
    local dir=$T/setup token
    mkdir -p "$dir"
    cd "$dir"
    token=$("$REGISTRY_BIN" station add --name "$SETUP_STATION" --database "sqlite://$T/registry.db" | tail -n 1)
    cp "$T/setup.iso" stick.img
    truncate -s 1G stick.img
    sfdisk -J stick.img >table-before.json 2>/dev/null
    part_sums stick.img >sums-before.txt
    head -c $((TARGET_MIB * 1024 * 1024)) /dev/zero | tr '\000' 'Z' >virtio.img
    local DISKS
    disk_args virtio
    local start
    start=$(date +%s)
    echo "$start" >started
    set +e
    qemu_start bios "$(user_net "$REGISTRY_PORT")" e1000 \
        -drive "id=stick,file=stick.img,if=none,format=raw" \
        -device "usb-storage,drive=stick,bus=xhci.0,serial=TAB-STICK,bootindex=1" "${DISKS[@]}"
    local qemu=$QEMU_PID
    setup_drive "$dir" "$token" >setup-drive.log 2>&1
    [ -f "$dir/vt-problem" ] && kill "$qemu" 2>/dev/null
    qemu_finish "$qemu" "$start" setup
    set -e
    cd "$T"
}

# check_setup: the stick's partitions, the data partition's tabula.toml and keys, the registry.
check_setup() {
    V=setup
    local dir=$T/setup rc elapsed
    read -r rc elapsed <"$dir/status"
    [ -f "$dir/vt-problem" ] && fail "driving the setup: $(cat "$dir/vt-problem")"
    [ "$rc" = 124 ] && fail "the guest did not end within ${BOOT_TIMEOUT}s"
    [ "$rc" = 0 ] || fail "qemu exited with status $rc"
    # live-boot took the medium from the stick's partition 1, not the whole disk (setup.sh's diag)
    grep -aEq ' /run/live/medium [^ ]+ .* - iso9660 /dev/sd[a-z]1 ' "$dir/serial.log" ||
        fail "live-boot did not mount /run/live/medium from the stick's partition 1"
    # the image's partitions: the same entries, the same bytes; one more partition behind them
    part_sums "$dir/stick.img" >"$dir/sums-after.txt"
    local before after last_end new_start new_size
    before=$(wc -l <"$dir/sums-before.txt")
    after=$(wc -l <"$dir/sums-after.txt")
    [ "$after" = $((before + 1)) ] || { cat "$dir/sums-after.txt" >&2; fail "expected one new partition, found $((after - before))"; }
    head -n "$before" "$dir/sums-after.txt" | cmp -s - "$dir/sums-before.txt" ||
        { diff "$dir/sums-before.txt" "$dir/sums-after.txt" >&2; fail "the image's own partitions changed"; }
    last_end=$(awk '{e = $1 + $2; if (e > m) m = e} END {print m}' "$dir/sums-before.txt")
    read -r new_start new_size _ < <(tail -n 1 "$dir/sums-after.txt")
    [ "$new_start" -ge "$last_end" ] || fail "the new partition starts at sector $new_start, inside the image (ends at $last_end)"
    echo "ok (setup, guest ran ${elapsed}s): the image's $before partitions are byte-identical (BLAKE3); a new one from sector $new_start"
    echo "ok (setup): the first screen (the TUI; no data partition at boot) came $(cat "$dir/first-screen") s after the guest started"
    dd if="$dir/stick.img" of="$dir/data.img" bs=4M iflag=skip_bytes,count_bytes \
        skip=$((new_start * 512)) count=$((new_size * 512)) status=none
    [ "$(blkid -p -o value -s TYPE "$dir/data.img")" = ext4 ] && [ "$(blkid -p -o value -s LABEL "$dir/data.img")" = TABULA ] ||
        fail "the new partition is not ext4 labelled TABULA ($(blkid -p "$dir/data.img"))"
    e2fsck -fn "$dir/data.img" >"$dir/fsck.log" 2>&1 || { cat "$dir/fsck.log" >&2; fail "e2fsck finds the data partition damaged"; }
    mkdir -p "$dir/out"
    dump "$dir/data.img" /tabula.toml "$dir/out/tabula.toml" || fail "no tabula.toml on the data partition"
    cp "$dir/out/tabula.toml" "$ART/setup-tabula.toml"
    local want
    for want in "keymap = \"$SETUP_KEYMAP\"" "organisation = \"$SETUP_ORG\"" "site = \"$SETUP_SITE\"" "operator = \"$SETUP_OPERATOR\"" "url = \"$SETUP_URL\""; do
        grep -qF "$want" "$dir/out/tabula.toml" || { cat "$dir/out/tabula.toml" >&2; fail "tabula.toml lacks: $want"; }
    done
    grep -q 'tbl_' "$dir/out/tabula.toml" && fail "the used enrolment token is still in tabula.toml"
    dump "$dir/data.img" /keys/station.pem "$dir/out/station.pem" || fail "no keys/station.pem"
    dump "$dir/data.img" /keys/registry-log.vkey "$dir/out/registry-log.vkey" || fail "no keys/registry-log.vkey (the pinned log key)"
    echo "ok (setup): the TABULA partition holds the answers in tabula.toml (keymap = \"$SETUP_KEYMAP\", chosen on the form; no token left), the key and the pinned log key"
    # the registry: enrolled, with the fingerprint the screen showed (wrapped or not)
    local fp
    fp=$("$REGISTRY_BIN" station list --database "sqlite://$T/registry.db" | awk -F'\t' -v n="$SETUP_STATION" '$2 == n {print $3}')
    [[ $fp == sha256:* ]] || fail "the registry lists $SETUP_STATION without a key ($fp)"
    # (tty1's text is in the console font's code page: \263 is the box's vertical line)
    tr -d ' \n\263' <"$ART"/setup-*-enrolled.txt | grep -qF "$fp" || { cat "$ART"/setup-*-enrolled.txt >&2; fail "the screen did not show the fingerprint $fp"; }
    echo "ok (setup): the registry has $SETUP_STATION enrolled with the key the screen showed ($fp)"
    V=
}

# --- the boots ----------------------------------------------------------------------------------
# bios and secureboot run side by side; uefi after bios, on bios's data disk when upload is on.
echo "== booting: $SELECTED (accel $ACCEL, timeout ${BOOT_TIMEOUT}s per boot); logs in $ART"
BOOTS=()
if selected bios; then
    mkdir -p bios && data_disk "$T/bios" image-test-bios "" auto
    (boot bios "$T/bios/data.img" "$DEAD_PORT") &
    BOOTS+=($!)
fi
if selected secureboot; then
    mkdir -p secureboot && data_disk "$T/secureboot" image-test-secureboot us
    (boot secureboot "$T/secureboot/data.img" "${REGISTRY_PORT:-$DEAD_PORT}") &
    BOOTS+=($!)
fi
for v in pxe pxe-uefi; do
    selected "$v" || continue
    mkdir -p "$v" && data_disk "$T/$v" "image-test-$v"
    (boot_pxe "$v") &
    BOOTS+=($!)
done
for p in "${BOOTS[@]}"; do wait "$p"; done
if selected bios; then
    check bios "$T/bios/data.img"
    if selected upload; then
        V=bios
        n=$(outbox_count "$T/bios/data.img")
        [ "$n" -ge 1 ] || fail "with the registry stopped, the outbox holds no certificate"
        while read -r c; do
            if curl -fsS "$REGISTRY/certificates/${c%.tabula.json}" >/dev/null 2>&1; then fail "$c reached the stopped registry"; fi
        done <"$T/bios/certs.txt"
        echo "ok (bios): the registry was unreachable; $n certificate(s) wait in the outbox"
        V=
    fi
fi
if selected secureboot; then
    check secureboot "$T/secureboot/data.img"
    if selected upload; then
        V=secureboot
        registry_has "$T/secureboot" "$T/secureboot/data.img"
        echo "ok (secureboot): the registry holds each certificate and tabula verify --registry accepts it"
        V=
    fi
fi
for v in pxe pxe-uefi; do if selected "$v"; then check_pxe "$v"; fi; done
# second round, side by side: uefi (on bios's data disk when upload is on), vt and setup
BOOTS=()
if selected uefi; then
    if selected bios && selected upload; then
        # the same station after a boot without registry: its outbox goes up on this boot
        UEFI_DATA=$T/bios/data.img
        ls_dir "$UEFI_DATA" /certificates >"$T/uefi.before"
    else
        mkdir -p uefi && data_disk "$T/uefi" image-test-uefi
        UEFI_DATA=$T/uefi/data.img
        : >"$T/uefi.before"
    fi
    mkdir -p uefi && mv "$T/uefi.before" "$T/uefi/before.txt"
    (boot uefi "$UEFI_DATA" "${REGISTRY_PORT:-$DEAD_PORT}") &
    BOOTS+=($!)
fi
if selected vt; then
    mkdir -p vt && data_disk "$T/vt" image-test-vt
    (boot vt "$T/vt/data.img" "$DEAD_PORT") &
    BOOTS+=($!)
fi
if selected setup; then
    (boot_setup) &
    BOOTS+=($!)
fi
for p in "${BOOTS[@]}"; do wait "$p"; done
if selected uefi; then
    check uefi "$UEFI_DATA"
    if selected upload; then
        V=uefi
        registry_has "$T/uefi" "$UEFI_DATA"
        if selected bios; then
            registry_has "$T/bios" "$UEFI_DATA"
            [ "$(outbox_count "$UEFI_DATA")" = 0 ] || fail "the outbox is not empty after a boot with the registry up"
            echo "ok (uefi): the certificates the bios boot left in the outbox are in the registry now"
        fi
        echo "ok (uefi): the registry holds each certificate and tabula verify --registry accepts it"
        V=
    fi
fi
if selected vt; then
    check vt "$T/vt/data.img"
    V=vt
    # what a person sees on tty1, screen by screen (text in $ART/vt-*.txt, PNGs beside it)
    first=$(ls "$ART"/vt-1-select.txt)
    for k in virtio sata nvme scsi usb; do
        grep -q "$(serial "$k")" "$first" || { cat "$first" >&2; fail "the drive screen does not show $(serial "$k")"; }
    done
    grep -Eq '32([.,]0)? ?MiB' "$first" || { cat "$first" >&2; fail "the drive screen shows no sizes"; }
    for f in "$ART"/vt-[0-9]*.txt; do
        if grep -Eq 'login:|^ *\[ *[0-9]+\.[0-9]+\]|nvme0c0n1' "$f"; then
            cat "$f" >&2; fail "$(basename "$f"): a login prompt, kernel messages or nvme0c0n1 on tty1"
        fi
    done
    grep -q 'ERASE' "$ART"/vt-*-confirm.txt || fail "the confirmation screen does not ask for ERASE"
    grep -q '\.pdf' "$ART"/vt-*-result.txt || fail "the result screen names no certificate PDF"
    for f in "$ART"/vt-[0-9]*.txt; do [ -s "${f%.txt}.png" ] || fail "no screendump ${f%.txt}.png"; done
    echo "ok (vt): drive selection, method, ERASE and the result on tty1, clean; screens in $ART/vt-*"
    V=
fi
selected setup && check_setup
echo "PASS: image test ($SELECTED)"
