#!/usr/bin/env bash
# Make the network boot's files: image/mkpxe.sh LIVE EFI OUT (used by image/build.sh; see
# docs/image.md, "PXE batches").
#
# LIVE holds vmlinuz, initrd.img and filesystem.squashfs; EFI is the directory into which
# Debian's shim-signed and grub-efi-amd64-signed packages were unpacked. OUT (made anew) gets
# - vmlinuz, initrd.img, filesystem.squashfs: the same files as on the stick;
# - tabula.ipxe: the iPXE script (legacy BIOS PXE, or UEFI without Secure Boot, via iPXE);
# - shimx64.efi, grubx64.efi, grub/grub.cfg, grub/site.cfg: UEFI with Secure Boot. The
#   firmware loads shim (signed by Microsoft) over TFTP, shim loads grubx64.efi from its own TFTP
#   directory (Debian's signed grubnetx64.efi under the name shim asks for), GRUB loads Debian's
#   signed kernel. That GRUB's built-in prefix is /grub on the TFTP server it came from (its
#   memdisk's grub.cfg sources $prefix/x86_64-efi/grub.cfg if `[ -e ]` finds it, which it never
#   does over TFTP, else $prefix/grub.cfg), so OUT is laid out to be the TFTP root; grub.cfg
#   sources grub/site.cfg (image/pxe/site.cfg: the site's settings, commented out);
# - B3SUMS: every file's BLAKE3.
# tabula.ipxe and grub/grub.cfg come from image/pxe/*.in with the kernel command line of
# image/pxe/cmdline, each with its loader's variables, so both boot the same system.
set -euo pipefail
LIVE=$1
EFI=$2
OUT=$3
SRC=$(dirname "$0")/pxe
SHIM=$EFI/usr/lib/shim/shimx64.efi.signed
GRUBNET=$EFI/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed
for f in "$LIVE/vmlinuz" "$LIVE/initrd.img" "$LIVE/filesystem.squashfs" "$SHIM" "$GRUBNET"; do
    [ -f "$f" ] || { echo "mkpxe.sh: $f is missing" >&2; exit 1; }
done

# the command line without comments, on one line
CMDLINE=$(grep -v '^#' "$SRC/cmdline" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')

# render TEMPLATE BASE CONFIG MAC EXTRA: TEMPLATE with @CMDLINE@ replaced by the command line,
# whose @BASE@, @CONFIG@, @MAC@ and @EXTRA@ become the loader's variables given
render() {
    local args=$CMDLINE line
    args=${args//@BASE@/"$2"}
    args=${args//@CONFIG@/"$3"}
    args=${args//@MAC@/"$4"}
    args=${args//@EXTRA@/"$5"}
    while IFS= read -r line; do printf '%s\n' "${line//@CMDLINE@/"$args"}"; done <"$1"
}

rm -rf "$OUT.tmp" "$OUT"
mkdir -p "$OUT.tmp/grub"
cp "$LIVE/vmlinuz" "$LIVE/initrd.img" "$LIVE/filesystem.squashfs" "$OUT.tmp/"
cp "$SHIM" "$OUT.tmp/shimx64.efi"
cp "$GRUBNET" "$OUT.tmp/grubx64.efi"
cp "$SRC/site.cfg" "$OUT.tmp/grub/site.cfg"
# shellcheck disable=SC2016 # the loaders' variables, expanded at boot
render "$SRC/tabula.ipxe.in" '${tabula-base}' '${tabula-config}' '${netX/mac:hexhyp}' '${tabula-extra}' \
    >"$OUT.tmp/tabula.ipxe"
# shellcheck disable=SC2016
render "$SRC/grub.cfg.in" '${tabula_base}' '${tabula_config}' '${tabula_mac}' '${tabula_extra}' \
    >"$OUT.tmp/grub/grub.cfg"
(cd "$OUT.tmp" && b3sum vmlinuz initrd.img filesystem.squashfs tabula.ipxe shimx64.efi grubx64.efi \
    grub/grub.cfg grub/site.cfg >B3SUMS)
mv "$OUT.tmp" "$OUT"
