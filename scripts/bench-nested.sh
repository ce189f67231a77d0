#!/usr/bin/env bash
# Nested round trips (L2 VMMCALL -> L1 -> VMRUN -> L2) under svmhv, side by
# side in one run: the TLB contract with L1's GIF on the CPU's VGIF (the
# default), the same with vgif=off (STGI/CLGI emulated: the exits VGIF saves),
# force_tlb_flush, and bare: the same l1hv loop directly on QEMU's own SVM (no
# svmhv; OVMF's shell starts l1hv), for the ratio svmhv / bare. l1hv (the
# project's guest hypervisor, tests/l1hv/) runs only its round-trip loop
# (run=bench): 1000 round trips, with svmhv's counters for them under svmhv.
# Figures go to BENCHMARKS.md with this command.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/qemu/lib.sh
make -s build/svmhv.efi build/l1hv.efi
IMG=build/bench
mkdir -p "$IMG"
REPS=${BENCH_REPS:-3}
HV_MODES="contract vgif_off force_tlb_flush"
MODES="$HV_MODES bare"
declare -A line cycles
for mode in $HV_MODES; do
	flag=0; vgif=on
	[ "$mode" = force_tlb_flush ] && flag=1
	[ "$mode" = vgif_off ] && vgif=off
	printf 'log=warn\nnested=1\nforce_tlb_flush=%s\nvgif=%s\nnext=\\l1hv.efi\nargs=expect=svmhv run=bench\n' \
		"$flag" "$vgif" > "$IMG/$mode.cfg"
	scripts/image.sh "$IMG/$mode.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$IMG/$mode.cfg:EFI/BOOT/svmhv.cfg" build/l1hv.efi:l1hv.efi >/dev/null
done
# bare: as tests/suites/50-l1hv.sh runs l1hv without svmhv (the shell's startup.nsh).
printf '%s\r\n' '@echo -off' 'fs0:' '\l1hv.efi expect=bare run=bench' > "$IMG/bare.nsh"
scripts/image.sh "$IMG/bare.img" build/l1hv.efi:l1hv.efi "$IMG/bare.nsh:startup.nsh" >/dev/null
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
printf '%-34s %10s %10s %16s %10s\n' "per nested round trip ($rt runs)" contract vgif=off \
	force_tlb_flush bare
for f in l2_flushes l1_flushes l0_exits stgi_exits clgi_exits cycles_per_round_trip; do
	row=()
	for mode in $MODES; do
		x=$(field "$mode" "$f")
		if [ "$f" = cycles_per_round_trip ]; then row+=("$x")
		elif [ "$mode" = bare ]; then row+=("-")
		else row+=("$(awk -v x="$x" -v n="$rt" 'BEGIN{printf "%.2f", x/n}')"); fi
	done
	label=$f; [ "$f" = cycles_per_round_trip ] && label="TSC cycles, median of $REPS"
	printf '%-34s %10s %10s %16s %10s\n' "$label" "${row[@]}"
done
# The ratio of issue 13 (goal <= 3): each mode's median over bare's median, and per repetition.
bare=$(field bare cycles_per_round_trip)
row=()
for mode in $MODES; do
	row+=("$(awk -v x="$(field "$mode" cycles_per_round_trip)" -v b="$bare" \
		'BEGIN{printf "%.2f", x/b}')")
done
printf '%-34s %10s %10s %16s %10s\n' "ratio to bare (medians)" "${row[@]}"
for mode in $MODES; do
	echo "# $mode cycles per repetition: ${cycles[$mode]}"
done
