#!/usr/bin/env bash
# Nested round trips (L2 VMMCALL -> L1 -> VMRUN -> L2) under svmhv, the TLB
# contract against force_tlb_flush, side by side in one run: l1hv (the
# project's guest hypervisor, tests/l1hv/) runs 1000 round trips and reports
# svmhv's counters for them. Figures go to BENCHMARKS.md with this command.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/qemu/lib.sh
make -s build/svmhv.efi build/l1hv.efi
IMG=build/bench
mkdir -p "$IMG"
REPS=${BENCH_REPS:-3}
declare -A line cycles
for mode in contract force_tlb_flush; do
	flag=0; [ $mode = force_tlb_flush ] && flag=1
	printf 'log=warn\nnested=1\nforce_tlb_flush=%s\nnext=\\l1hv.efi\nargs=expect=svmhv\n' \
		"$flag" > "$IMG/$mode.cfg"
	scripts/image.sh "$IMG/$mode.img" build/svmhv.efi:EFI/BOOT/BOOTX64.EFI \
		"$IMG/$mode.cfg:EFI/BOOT/svmhv.cfg" build/l1hv.efi:l1hv.efi >/dev/null
done
# Alternate the modes so a busy host slows both alike; keep each one's median.
for _ in $(seq "$REPS"); do
	for mode in contract force_tlb_flush; do
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
printf '%-34s %12s %16s %8s\n' "per nested round trip ($rt runs)" contract force_tlb_flush ratio
for f in l2_flushes l1_flushes l0_exits cycles_per_round_trip; do
	a=$(field contract $f); b=$(field force_tlb_flush $f)
	case $f in
	cycles_per_round_trip) av=$a; bv=$b; label="TSC cycles, median of $REPS";;
	*) av=$(awk -v x="$a" -v n="$rt" 'BEGIN{printf "%.2f", x/n}')
	   bv=$(awk -v x="$b" -v n="$rt" 'BEGIN{printf "%.2f", x/n}'); label=$f;;
	esac
	ratio=$(awk -v x="$a" -v y="$b" 'BEGIN{ if (x > 0) printf "%.2fx", y/x; else printf "-" }')
	printf '%-34s %12s %16s %8s\n' "$label" "$av" "$bv" "$ratio"
done
