#!/usr/bin/env bash
# What the isolation attacks did to svmhv before issue 11: build svmhv at an older
# revision (default 197c174, main before isolation) and run each attack of
# tests/guest/isoattack.c against it, one boot each (isoattack.control=1), on the
# machine tests/suites/70-isolation.sh uses (q35, amd-iommu, edu, vmcoreinfo); the
# guest boots with amd_iommu=off, as an attacker would, so the old svmhv's only
# guard would be its own. Prints one line per attack; not part of `make test`.
#
#   tests/platform/iso-control.sh [REVISION]
# Environment: ISO_CONTROL_ATTACKS="edu-read-pool ..." to run fewer.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
rev=${1:-197c174}
out=build/iso-control
src=$out/src-$rev
QEMU_LOGDIR=$(mkdir -p "$out" && cd "$out" && pwd)
QEMU_TIMEOUT=180
attacks=${ISO_CONTROL_ATTACKS:-edu-read-pool edu-write-pool fwcfg-read-into-pool fwcfg-msi-window ioapic-init msi-init dma-msi-init}

if [ ! -f "$src/build/svmhv.efi" ]; then
	rm -rf "$src" && mkdir -p "$src"
	git archive "$rev" | tar -x -C "$src" || exit 1
	make -C "$src" -s build/svmhv.efi >"$out/build.log" 2>&1 || { tail "$out/build.log"; exit 1; }
fi
[ -f build/guest-iso/initrd.img ] || { echo "run tests/suites/70-isolation.sh once first (it builds the guest)"; exit 1; }

for a in $attacks; do
	printf '%s\n' serial=0x3f8 log=info 'next=\vmlinuz' \
		"args=initrd=\\initrd.img console=ttyS0,115200 panic=-1 svmhv.batch=1 amd_iommu=off iomem=relaxed svmhv.run=isoattack isoattack.control=1 isoattack.only=$a isoattack.repeat=20 isoattack.dmarepeat=3" \
		> "$out/$a.cfg"
	scripts/image.sh "$out/$a.img" "$src/build/svmhv.efi:EFI/BOOT/BOOTX64.EFI" \
		"$out/$a.cfg:EFI/BOOT/svmhv.cfg" build/guest/vmlinuz:vmlinuz \
		build/guest-iso/initrd.img:initrd.img >/dev/null
	SMP=2 QEMU_EXTRA="-device amd-iommu,intremap=on -device edu,dma_mask=0xffffffffffffffff -device vmcoreinfo" \
		qemu_boot "$a" "$out/$a.img" 'SVMHV-LINUX-DONE|PANIC|Kernel panic' >/dev/null
	effect=$(grep -a -m1 "ISOATTACK-CONTROL: $a:" "$QEMU_TXT" | sed "s/.*$a: //")
	starts=$(grep -ac 'boot: svmhv 0.1.0 starting' "$QEMU_TXT")
	if qemu_has -F PANIC; then
		effect="svmhv PANIC: $(grep -a -m1 -o 'PANIC: .*' "$QEMU_TXT")"
	elif [ "$starts" -gt 1 ]; then
		effect="CPU 0 was reset under svmhv: the firmware and svmhv started again ($starts starts)"
	elif ! qemu_has -F 'SVMHV-LINUX-DONE'; then
		effect="${effect:+$effect; }the guest died (no SVMHV-LINUX-DONE; QEMU end: $QEMU_END)"
	fi
	echo "$rev $a: ${effect:-no result}"
done
