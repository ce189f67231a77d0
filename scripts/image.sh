#!/usr/bin/env bash
# Build a FAT disk image (mkfs.fat + mtools; no vvfat) from (source, destination) pairs.
#
#   scripts/image.sh [--size MiB] OUT.img SRC:DEST [SRC:DEST ...]
#
# DEST is a path on the FAT volume, '/' or '\' separated, e.g. EFI/BOOT/BOOTX64.EFI
# or '\EFI\BOOT\svmhv.cfg'; parent folders are created. The size defaults to the
# files' total plus slack (at least 40 MiB, so mkfs.fat picks FAT32 as firmware
# likes). The image is written to OUT.img.tmp and renamed, so a failed build
# never leaves a half image behind.
set -euo pipefail

usage() { echo "usage: $0 [--size MiB] OUT.img SRC:DEST [SRC:DEST ...]" >&2; exit 2; }

size_mib=""
if [ "${1:-}" = "--size" ]; then size_mib=${2:?}; shift 2; fi
[ $# -ge 2 ] || usage
out=$1; shift

total=0
for pair in "$@"; do
	src=${pair%%:*}
	[ "$src" != "$pair" ] || { echo "image.sh: '$pair' is not SRC:DEST" >&2; exit 2; }
	[ -f "$src" ] || { echo "image.sh: missing source file $src" >&2; exit 1; }
	total=$((total + $(stat -c %s "$src")))
done
if [ -z "$size_mib" ]; then
	size_mib=$(( total * 11 / 10 / 1048576 + 8 ))
	[ "$size_mib" -ge 40 ] || size_mib=40
fi

mkdir -p "$(dirname "$out")"
tmp=$out.tmp
rm -f "$tmp"
mkfs.fat -C -n SVMHV "$tmp" $((size_mib * 1024)) >/dev/null

declare -A made=()
for pair in "$@"; do
	src=${pair%%:*}
	dest=${pair#*:}
	dest=${dest//\\//}            # backslashes -> slashes
	dest=${dest#/}
	dir=""
	IFS=/ read -r -a parts <<<"$dest"
	for ((i = 0; i < ${#parts[@]} - 1; i++)); do
		dir=$dir/${parts[i]}
		if [ -z "${made[$dir]:-}" ]; then
			mmd -i "$tmp" "::$dir" 2>/dev/null || true
			made[$dir]=1
		fi
	done
	mcopy -o -i "$tmp" "$src" "::/$dest"
done
mv -f "$tmp" "$out"
