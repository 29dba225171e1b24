#!/usr/bin/env bash
# Make the hybrid ISO from a staged tree: image/mkiso.sh STAGE OUT.iso
# (used by image/build.sh, and by image/test.sh for its copy with another grub.cfg).
#
# STAGE holds live/, boot/grub/grub.cfg, .disk/info and EFI/boot/{bootx64.efi,grubx64.efi}
# (Debian's signed shim and the signed GRUB for CDs, gcdx64.efi). This script adds
# - boot/grub/bios.img: GRUB for legacy BIOS (i386-pc El Torito, every module it needs built
#   in), started from the CD or, on a stick, through GRUB's hybrid MBR;
# - boot/grub/efi.img: a FAT image with EFI/boot/ (the UEFI El Torito image, and the EFI system
#   partition of the stick's GPT).
# Under UEFI, with or without Secure Boot, firmware -> shim (Microsoft-signed) -> GRUB
# (Debian-signed) -> the kernel (Debian-signed); the signed GRUB finds the medium by its
# /.disk/info and reads /boot/grub/grub.cfg, like under BIOS.
# Needs grub-pc-bin, xorriso, mtools, dosfstools.
set -euo pipefail
STAGE=$1
OUT=$2
for f in boot/grub/grub.cfg .disk/info EFI/boot/bootx64.efi EFI/boot/grubx64.efi; do
    [ -f "$STAGE/$f" ] || { echo "mkiso.sh: $STAGE/$f is missing" >&2; exit 1; }
done

grub-mkimage -O i386-pc-eltorito -p /boot/grub -o "$STAGE/boot/grub/bios.img" \
    biosdisk iso9660 part_msdos part_gpt normal configfile linux search search_fs_file echo \
    test sleep serial terminal all_video

EFIIMG=$STAGE/boot/grub/efi.img
rm -f "$EFIIMG"
kib=$(( $(du -k -c "$STAGE/EFI/boot"/* | tail -n1 | cut -f1) + 512 ))
mkfs.vfat -n TABULA_EFI -C "$EFIIMG" "$kib" >/dev/null
mmd -i "$EFIIMG" ::/EFI ::/EFI/boot
mcopy -i "$EFIIMG" "$STAGE/EFI/boot"/* ::/EFI/boot/

# The layout grub-mkrescue makes: El Torito for BIOS and UEFI, GRUB's hybrid MBR, and a GPT/MBR
# partition pointing at efi.img, so the same file boots as a CD and written to a stick.
xorriso -as mkisofs -quiet -r -iso-level 3 -V TABULA_LIVE \
    --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img \
    -b boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
    --efi-boot boot/grub/efi.img -efi-boot-part --efi-boot-image \
    --protective-msdos-label \
    -o "$OUT" "$STAGE"
