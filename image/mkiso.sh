#!/usr/bin/env bash
# Make the hybrid ISO from a staged tree: image/mkiso.sh STAGE OUT.iso
# (used by image/build.sh, and by image/test.sh for its copy with another grub.cfg).
#
# STAGE holds live/, boot/grub/grub.cfg, .disk/info and EFI/boot/{bootx64.efi,grubx64.efi}
# (Debian's signed shim and the signed GRUB for CDs, gcdx64.efi). This script adds
# - boot/grub/bios.img: GRUB for legacy BIOS (i386-pc El Torito, every module it needs built
#   in), started from the CD or, on a stick, through GRUB's hybrid MBR;
# - a FAT image with EFI/boot/, appended behind the ISO 9660 file system (not a file in it): the
#   UEFI El Torito image, and the EFI system partition of the stick's GPT (layout below).
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

# The EFI system partition's image lives outside the ISO tree: it is appended behind the ISO
# (an image made before this layout may still carry boot/grub/efi.img in the tree: dropped).
rm -f "$STAGE/boot/grub/efi.img"
EFIIMG=$(mktemp /tmp/tabula-efi.XXXXXX.img)
trap 'rm -f "$EFIIMG"' EXIT
rm -f "$EFIIMG"
kib=$(( $(du -k -c "$STAGE/EFI/boot"/* | tail -n1 | cut -f1) + 512 ))
mkfs.vfat -n TABULA_EFI -C "$EFIIMG" "$kib" >/dev/null
mmd -i "$EFIIMG" ::/EFI ::/EFI/boot
mcopy -i "$EFIIMG" "$STAGE/EFI/boot"/* ::/EFI/boot/

# The layout, as the stick sees it (GPT, MBR protective):
#   partition 1: the ISO 9660 file system, from 32 KiB (-partition_offset 16: a second superblock
#                and directory tree there, so the partition mounts on its own, and the image
#                still mounts from its start as a CD);
#   partition 2: the EFI system partition (the FAT image above, appended behind the ISO; also
#                the UEFI El Torito image for CDs).
# live-boot tries a disk's partitions before the disk itself, so it mounts the medium from
# partition 1, not from the whole stick: the kernel then lets the first-boot setup open a data
# partition behind the image exclusively (mkfs.ext4, mount). GRUB's hybrid MBR starts the BIOS
# El Torito image from a stick.
xorriso -as mkisofs -quiet -r -iso-level 3 -V TABULA_LIVE \
    --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img \
    -partition_offset 16 \
    -append_partition 2 C12A7328-F81F-11D2-BA4B-00A0C93EC93B "$EFIIMG" -appended_part_as_gpt \
    -iso_mbr_part_type EBD0A0A2-B9E5-4433-87C0-68B6B72699C7 \
    -b boot/grub/bios.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
    -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
    -o "$OUT" "$STAGE"
