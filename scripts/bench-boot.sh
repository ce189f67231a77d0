#!/usr/bin/env bash
# Debian's Linux booted with and without svmhv, on each QEMU, side by side in one
# run (TCG, q35, -smp ${SMP:-2}, 1 GiB; scripts/run.sh --batch and --bare --batch):
# per boot the kernel's own time to "Run /init" (printk timestamp: TCG guest time)
# and the wall time from QEMU start to power-off (OVMF and the UEFI shell included).
# The two ways alternate BENCH_REPS (3) times per QEMU; figures are medians and the
# ratio is svmhv / bare. QEMU 10 comes from scripts/qemu10.sh (skipped if it cannot
# be fetched). BENCHMARKS.md quotes this command.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/qemu/lib.sh
REPS=${BENCH_REPS:-3}
dir=$(mkdir -p build/bench-boot && cd build/bench-boot && pwd)
scripts/guest.sh >/dev/null 2>&1
make -s build/svmhv.efi
qemus=("qemu-system-x86_64")
if q10=$(scripts/qemu10.sh 2>"$dir/qemu10.err" | tail -1) && [ -x "$q10" ]; then
	qemus+=("$q10")
else
	echo "bench-boot: no QEMU 10 ($(tail -1 "$dir/qemu10.err")); QEMU 7.2 only"
fi
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '%-16s %-6s %20s %22s\n' "QEMU" "boot" "kernel to /init (s)" "QEMU start to off (s)"
for q in "${qemus[@]}"; do
	ver=$("$q" --version | awk 'NR == 1 { print $4 }')
	declare -A kern=() wall=()
	for _ in $(seq "$REPS"); do
		for mode in svmhv bare; do
			flag=--batch name=linux
			[ $mode = svmhv ] || { flag="--bare --batch"; name=linux-bare; }
			# shellcheck disable=SC2086 # flag is two words for --bare
			QEMU=$q RUN_DIR=$dir/$ver scripts/run.sh $flag >"$dir/$ver-$mode.out" 2>&1 || {
				echo "bench-boot: QEMU $ver, $mode: the boot failed:"; tail -3 "$dir/$ver-$mode.out"
				exit 1
			}
			QEMU_LOGDIR=$dir/$ver qemu_load "$name" >/dev/null
			kern[$mode]+="$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' "$QEMU_TXT" | head -1) "
			wall[$mode]+="$QEMU_SECS "
		done
	done
	for mode in svmhv bare; do
		printf '%-16s %-6s %20s %22s\n' "$ver" "$mode" "$(median "${kern[$mode]}")" "$(median "${wall[$mode]}")"
	done
	printf '%-16s %-6s %20s %22s\n' "$ver" "ratio" \
		"$(ratio "$(median "${kern[svmhv]}")" "$(median "${kern[bare]}")")" \
		"$(ratio "$(median "${wall[svmhv]}")" "$(median "${wall[bare]}")")"
	unset kern wall
done
echo "(medians of $REPS boots each way, alternated; -smp ${SMP:-2})"
