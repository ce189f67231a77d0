#!/usr/bin/env bash
# Debian's Linux booted with and without svmhv, on each QEMU, side by side in one
# run (TCG, q35, 1 GiB; scripts/run.sh --batch and --bare --batch): per boot the
# kernel's own time to "Run /init" (printk timestamp: TCG guest time) and the wall
# time from QEMU start to power-off (OVMF and the UEFI shell included).
# Three ways, alternated BENCH_REPS (3) times per QEMU and CPU count: svmhv as
# shipped; svmhv with escape=off (the guest's UART ports not intercepted, so the
# console's cost is told apart); bare. Figures are medians; ratios are against
# bare. CPU counts: BENCH_SMP (QEMU 7.2, default "1 2 4 8") and BENCH_SMP10 (QEMU
# 10, default "2"). Every boot has no_timer_check: on a loaded host Linux's IOAPIC
# timer check fails under TCG with or without svmhv (a bare -smp 8 boot panicked
# "IO-APIC + timer doesn't work!"), and its fallbacks would time the host's load.
# QEMU 10 comes from scripts/qemu10.sh (skipped if it cannot be fetched).
# BENCHMARKS.md quotes this command.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/qemu/lib.sh
REPS=${BENCH_REPS:-3}
dir=$(mkdir -p build/bench-boot && cd build/bench-boot && pwd)
scripts/guest.sh >/dev/null 2>&1
make -s build/svmhv.efi
qemus=("qemu-system-x86_64")
smps=("${BENCH_SMP:-1 2 4 8}")
if q10=$(scripts/qemu10.sh 2>"$dir/qemu10.err" | tail -1) && [ -x "$q10" ]; then
	qemus+=("$q10")
	smps+=("${BENCH_SMP10:-2}")
else
	echo "bench-boot: no QEMU 10 ($(tail -1 "$dir/qemu10.err")); QEMU 7.2 only"
fi
modes=(svmhv noesc bare)
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# One boot: QEMU binary, version, CPUs, mode. Appends to kern[mode] and wall[mode].
boot() {
	local q=$1 ver=$2 n=$3 mode=$4 flag=--batch name=linux extra=""
	case $mode in
	bare) flag="--bare --batch" name=linux-bare ;;
	noesc) extra="escape=off" ;;
	esac
	# shellcheck disable=SC2086 # flag is two words for --bare
	SMP=$n QEMU=$q SVMHV_CFG_EXTRA=$extra GUEST_ARGS=no_timer_check RUN_DIR=$dir/$ver-$n-$mode scripts/run.sh $flag \
		>"$dir/$ver-$n-$mode.out" 2>&1 || {
		echo "bench-boot: QEMU $ver, -smp $n, $mode: the boot failed:"; tail -3 "$dir/$ver-$n-$mode.out"
		exit 1
	}
	QEMU_LOGDIR=$dir/$ver-$n-$mode qemu_load "$name" >/dev/null
	kern[$mode]+="$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' "$QEMU_TXT" | head -1) "
	wall[$mode]+="$QEMU_SECS "
}

printf '%-12s %4s %-6s %20s %22s\n' "QEMU" "smp" "boot" "kernel to /init (s)" "QEMU start to off (s)"
for k in "${!qemus[@]}"; do
	q=${qemus[$k]}
	ver=$("$q" --version | awk 'NR == 1 { print $4 }')
	for n in ${smps[$k]}; do
		declare -A kern=() wall=()
		for _ in $(seq "$REPS"); do
			for mode in "${modes[@]}"; do boot "$q" "$ver" "$n" "$mode"; done
		done
		for mode in "${modes[@]}"; do
			printf '%-12s %4s %-6s %20s %22s\n' "$ver" "$n" "$mode" "$(median "${kern[$mode]}")" \
				"$(median "${wall[$mode]}")"
		done
		for mode in svmhv noesc; do
			printf '%-12s %4s %-6s %20s %22s\n' "$ver" "$n" "r.$mode" \
				"$(ratio "$(median "${kern[$mode]}")" "$(median "${kern[bare]}")")" \
				"$(ratio "$(median "${wall[$mode]}")" "$(median "${wall[bare]}")")"
		done
		unset kern wall
	done
done
echo "(medians of $REPS boots each way, alternated; r.X = X / bare; noesc = svmhv with escape=off)"
