#!/usr/bin/env bash
# Linux boot under svmhv with and without the AMD IOMMU owned by svmhv, side by side
# in one run (QEMU TCG, q35, -smp 2, 1 GiB): the same svmhv.efi and guest two ways,
#   no-iommu     no amd-iommu device (svmhv warns: no DMA protection)
#   owned        -device amd-iommu,intremap=on, svmhv owns it (dma_protect=auto)
# alternated BENCH_REPS times (3). A third way, dma_protect=off with IVRS left to
# Linux, does not boot with intremap=on under svmhv (Linux 6.1 panics: "timer doesn't
# work through Interrupt-remapped IO-APIC"; BENCHMARKS.md, "Isolation"). Per boot: the kernel's own time to "Run /init"
# (printk timestamp), the wall time from QEMU start to power-off (OVMF included), and
# svmhv's #VMEXITs of vCPU 0 until svmhv-info runs (its IOIO and NPF exits show what
# the guarded ports and pages cost). Figures: medians. BENCHMARKS.md quotes this command.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/qemu/lib.sh
REPS=${BENCH_REPS:-3}
dir=build/bench-iommu
mkdir -p "$dir"
QEMU_LOGDIR=$(cd "$dir" && pwd)
QEMU_TIMEOUT=300
scripts/guest.sh >/dev/null 2>&1
make -s build/svmhv.efi
for mode in no-iommu owned; do
	# hypercalls=all: the guest's svmhv-info reads the exit counters at CPL 3
	printf '%s\n' log=info hypercalls=all 'next=\vmlinuz' \
		'args=initrd=\initrd.img console=ttyS0,115200 panic=-1 svmhv.batch=1' > "$dir/$mode.cfg"
	scripts/image.sh "$dir/$mode.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$dir/$mode.cfg:EFI/BOOT/svmhv.cfg" build/guest/vmlinuz:vmlinuz \
		build/guest/initrd.img:initrd.img >/dev/null
done
declare -A kern wall ioio npf
for _ in $(seq "$REPS"); do
	for mode in no-iommu owned; do
		dev=""
		[ $mode = no-iommu ] || dev="-device amd-iommu,intremap=on"
		SMP=2 QEMU_EXTRA="$dev" qemu_boot "$mode" "$dir/$mode.img" \
			'SVMHV-LINUX-DONE|PANIC|Kernel panic' >/dev/null
		qemu_has -F 'SVMHV-LINUX-DONE status=0' || { echo "bench-iommu: $mode failed"; qemu_tail 30; exit 1; }
		kern[$mode]+="$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' "$QEMU_TXT" | head -1) "
		wall[$mode]+="$QEMU_SECS "
		ioio[$mode]+="$(sed -n 's/.*exits vcpu0: .* ioio \([0-9]*\),.*/\1/p' "$QEMU_TXT" | head -1) "
		npf[$mode]+="$(sed -n 's/.*exits vcpu0: .* npf \([0-9]*\),.*/\1/p' "$QEMU_TXT" | head -1) "
	done
done
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
printf '%-12s %22s %24s %14s %12s\n' "boot" "kernel to /init (s)" "QEMU start to off (s)" "vCPU0 IOIO" "vCPU0 NPF"
for mode in no-iommu owned; do
	printf '%-12s %22s %24s %14s %12s\n' "$mode" "$(median "${kern[$mode]}")" \
		"$(median "${wall[$mode]}")" "$(median "${ioio[$mode]}")" "$(median "${npf[$mode]}")"
done
echo "(medians of $REPS boots each, alternated; kernel time is TCG guest time)"
