#!/usr/bin/env bash
# Isolation from devices and interrupts (issue 11): attacks from a Linux guest
# (tests/guest/isoattack.c, run by /init for svmhv.run=isoattack) on svmhv in QEMU
# TCG, each ending with svmhv alive and its memory unchanged (INTEGRITY hypercall).
#
#   iommu      q35 + amd-iommu,intremap=on + edu + vmcoreinfo: svmhv owns the IOMMU.
#              edu DMA from/to svmhv's pool blocked (an I/O page fault logged), into
#              guest memory works; the IOMMU's registers, PCI config (0xCFC, ECAM)
#              and IVRS out of reach; fw_cfg DMA into/from svmhv, into the MSI window
#              and with a descriptor in svmhv refused while the firmware's and
#              Linux's fw_cfg DMA works; ISA DMA toward svmhv refused; an INIT IOAPIC
#              entry raised by the edu's INTx and an INIT MSI from the edu, each
#              ISO_REPEAT times (default 1000), and an edu DMA of INIT into the MSI
#              window: no reset, Linux keeps running; a fixed MSI still arrives.
#   noiommu    the same machine without amd-iommu: svmhv warns loudly, and every
#              guard that does not need an IOMMU holds (fw_cfg, ISA DMA, IOAPIC, MSI
#              capability); device DMA into svmhv is NOT blocked there (documented).
#   required   dma_protect=required without an IOMMU: svmhv refuses, starts nothing
#              (no memory reserved), the firmware goes on (the payload finds no svmhv).
#   park       -smp 3, test_fail_cpu=1: that AP's takeover fails; svmhv parks it (INIT,
#              hidden in the MADT) and Linux boots on the other two, both under svmhv.
#   smp, kvm   tests/suites/45-smp.sh and 60-kvm.sh again with the IOMMU owned
#              (ISO_SUITES="smp kvm"; lines prefixed "iommu: ").
#
# Before isolation (main at 197c174) the same attacks, one per boot
# (isoattack.only=NAME), did: edu-read-pool read svmhv's canary page; edu-write-pool,
# fwcfg-read-into-pool/-code changed svmhv's memory (checksum differs); ioapic-init,
# msi-init, dma-msi-init and fwcfg-msi-window sent INIT to CPU 0 (QEMU then reset
# that CPU under svmhv: the guest died). See BENCHMARKS.md, "Isolation".
#
# Environment: ISO_REPEAT=1000 ISO_DMAREPEAT=10 ISO_TIMEOUT=400 ISO_SUITES="smp kvm"
# Logs: build/test-logs/iso/<boot>.{log,txt,cfg,img}, iso-smp/, iso-kvm/.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh

dir=build/test-logs/iso
gdir=build/guest-iso
repeat=${ISO_REPEAT:-1000}
dmarepeat=${ISO_DMAREPEAT:-10}
QEMU_TIMEOUT=${ISO_TIMEOUT:-400}
IOMMU_DEV="-device amd-iommu,intremap=on"
EDU_DEV="-device edu,dma_mask=0xffffffffffffffff -device vmcoreinfo"
mkdir -p "$dir" "$gdir"
QEMU_LOGDIR=$(cd "$dir" && pwd)

build_step "iso: guest kernel + initramfs build (scripts/guest.sh)" "$dir/guest-build.log" \
	scripts/guest.sh || exit 1
build_step "iso: svmhv.efi and payload.efi build" "$dir/build.log" \
	make -s build/svmhv.efi build/payload.efi || exit 1

# The guest: build/guest/initrd.img + a cpio with isoattack and qemu_fw_cfg.ko.
build_iso_initrd() {
	local tree=$gdir/tree kver ko
	kver=$(cat build/guest/kernel.version)
	ko=$(find "build/guest/kernel/lib/modules/$kver" -name 'qemu_fw_cfg.ko*' | head -1)
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -I. -Itests/guest \
		tests/guest/isoattack.c tests/guest/isoirq.c tests/guest/isoctl.c tests/guest/isodev.c \
		-o "$gdir/isoattack" || return 1
	strip "$gdir/isoattack"
	rm -rf "$tree"
	mkdir -p "$tree/usr/bin" "$tree/lib/isoattack"
	install -m 755 "$gdir/isoattack" "$tree/usr/bin/isoattack"
	case $ko in
	*.xz) xz -dc "$ko" > "$tree/lib/isoattack/qemu_fw_cfg.ko" ;;
	*) cp "$ko" "$tree/lib/isoattack/qemu_fw_cfg.ko" ;;
	esac
	(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$gdir/iso.cpio.gz" &&
	cat build/guest/initrd.img "$gdir/iso.cpio.gz" > "$gdir/initrd.img.tmp" &&
	mv -f "$gdir/initrd.img.tmp" "$gdir/initrd.img"
}
if (flock 9 && build_iso_initrd) 9>"$gdir/.lock" >"$dir/iso-build.log" 2>&1; then
	tap_ok "iso: isoattack initramfs builds"
else
	sed 's/^/# /' "$dir/iso-build.log" | tail -30
	tap_fail "iso: isoattack initramfs builds"
	exit 1
fi

# linux_image NAME "svmhv.cfg lines" "kernel args": svmhv chain-loads Linux.
linux_image() {
	local name=$1 cfg=$2 kargs="console=ttyS0,115200 panic=-1 svmhv.batch=1 $3"
	{
		echo "# svmhv.cfg written by tests/suites/70-isolation.sh"
		# hypercalls=all: isoattack reads INTEGRITY and ISO_COUNTER at CPL 3
		# shellcheck disable=SC2086  # $cfg holds whole lines, one per word
		printf '%s\n' serial=0x3f8 log=info hypercalls=all $cfg 'next=\vmlinuz' \
			"args=initrd=\\initrd.img $kargs"
	} > "$dir/$name.cfg"
	scripts/image.sh "$dir/$name.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$dir/$name.cfg:EFI/BOOT/svmhv.cfg" build/guest/vmlinuz:vmlinuz \
		"$gdir/initrd.img:initrd.img" >/dev/null
}

attack_args="iomem=relaxed svmhv.run=isoattack isoattack.repeat=$repeat isoattack.dmarepeat=$dmarepeat"
linux_image iommu "" "$attack_args isoattack.iommu=1"
linux_image noiommu "" "$attack_args isoattack.iommu=0"
linux_image park "test_fail_cpu=1" "svmhv.run=isoattack isoattack.parked=1"
printf '%s\n' '# dma_protect=required on a machine without an IOMMU' serial=0x3f8 log=info \
	dma_protect=required 'next=\payload.efi' args=mode=svmhv > "$dir/required.cfg"
printf '%s\r\n' '@echo -off' 'fs0:' '\payload.efi bare' > "$dir/required.nsh"
scripts/image.sh "$dir/required.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
	"$dir/required.cfg:EFI/BOOT/svmhv.cfg" build/payload.efi:payload.efi \
	"$dir/required.nsh:startup.nsh" >/dev/null

end_re='SVMHV-LINUX-DONE|PANIC|Kernel panic|not virtualizing'
# shellcheck disable=SC2086  # device lists are word-split on purpose
{
	SMP=2 QEMU_EXTRA="$IOMMU_DEV $EDU_DEV" qemu_boot iommu "$dir/iommu.img" "$end_re" >/dev/null &
	SMP=2 QEMU_EXTRA="$EDU_DEV" qemu_boot noiommu "$dir/noiommu.img" "$end_re" >/dev/null &
	wait
	SMP=3 QEMU_EXTRA="$IOMMU_DEV" qemu_boot park "$dir/park.img" "$end_re" >/dev/null &
	QEMU_EXTRA="" qemu_boot required "$dir/required.img" 'PAYLOAD: done|PANIC' >/dev/null &
	wait
}

. tests/qemu/iso-checks.sh
check_iommu
check_noiommu
check_required
check_park
for s in ${ISO_SUITES-smp kvm}; do
	case $s in
	smp) run_suite smp tests/suites/45-smp.sh build/test-logs/iso-smp smp2 \
		SMP_LOGDIR=build/test-logs/iso-smp SMP_CONTROL=0 "SMP_CONFIGS=2 4" ;;
	kvm) run_suite kvm tests/suites/60-kvm.sh build/test-logs/iso-kvm plain/linux \
		KVM_LOGDIR=build/test-logs/iso-kvm KVM_CONFIGS=plain ;;
	esac
done
exit "$TAP_FAILED"
