#!/usr/bin/env bash
# Nested round trips (L2 VMMCALL -> L1 -> VMRUN -> L2) under svmhv, side by
# side in one run: the TLB contract with L1's GIF on the CPU's VGIF (the
# default), the same with vgif=off (STGI/CLGI emulated: the exits VGIF saves),
# and force_tlb_flush. l1hv (the project's guest hypervisor, tests/l1hv/)
# runs 1000 round trips and reports svmhv's counters for them. Figures go to
# BENCHMARKS.md with this command.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/qemu/lib.sh
make -s build/svmhv.efi build/l1hv.efi
IMG=build/bench
mkdir -p "$IMG"
REPS=${BENCH_REPS:-3}
MODES="contract vgif_off force_tlb_flush"
declare -A line cycles
for mode in $MODES; do
	flag=0; vgif=on
	[ "$mode" = force_tlb_flush ] && flag=1
	[ "$mode" = vgif_off ] && vgif=off
	printf 'log=warn\nnested=1\nforce_tlb_flush=%s\nvgif=%s\nnext=\\l1hv.efi\nargs=expect=svmhv\n' \
		"$flag" "$vgif" > "$IMG/$mode.cfg"
	scripts/image.sh "$IMG/$mode.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$IMG/$mode.cfg:EFI/BOOT/svmhv.cfg" build/l1hv.efi:l1hv.efi >/dev/null
done
# Alternate the modes so a busy host slows all alike; keep each one's median.
for _ in $(seq "$REPS"); do
	for mode in $MODES; do
		qemu_boot "bench-$mode" "$IMG/$mode.img" 'L1HV: done|PANIC|FATAL' >/dev/null
		line[$mode]=$(grep -m1 -o 'bench: .*' "$QEMU_TXT" || true)
		[ -n "${line[$mode]}" ] || { echo "bench-nested: no figures ($mode)"; qemu_tail 40; exit 1; }
		cycles[$mode]+="$(sed -n 's/.*cycles_per_round_trip=\([0-9]*\).*/\1/p' <<<"${line[$mode]}") "
	done
done
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
field() {
	if [ "$2" = cycles_per_round_trip ]; then median "${cycles[$1]}"; return; fi
	sed -n "s/.*$2=\([0-9]*\).*/\1/p" <<<"${line[$1]}"
}
rt=$(field contract round_trips)
printf '%-34s %10s %10s %16s\n' "per nested round trip ($rt runs)" contract vgif=off force_tlb_flush
for f in l2_flushes l1_flushes l0_exits stgi_exits clgi_exits cycles_per_round_trip; do
	row=()
	for mode in $MODES; do
		x=$(field "$mode" "$f")
		if [ "$f" = cycles_per_round_trip ]; then row+=("$x")
		else row+=("$(awk -v x="$x" -v n="$rt" 'BEGIN{printf "%.2f", x/n}')"); fi
	done
	label=$f; [ "$f" = cycles_per_round_trip ] && label="TSC cycles, median of $REPS"
	printf '%-34s %10s %10s %16s\n' "$label" "${row[@]}"
done
