#!/usr/bin/env bash
# svmhv's libFuzzer targets (tests/fuzz/), built with Debian's clang
# (-fsanitize=fuzzer,address,undefined) and run from the corpus kept in the
# tree (tests/fuzz/corpus/<target>, plus tests/fuzz/seeds/<target>).
#
#   scripts/fuzz.sh --short [target...]   each target FUZZ_SECS (20) seconds, the
#                                         tree's corpus read only (make test, 25-fuzz)
#   scripts/fuzz.sh [target...]           each target at least FUZZ_RUNS (10^7)
#                                         executions (make fuzz); then the new
#                                         inputs are merged into tests/fuzz/corpus
#   scripts/fuzz.sh --list                the targets
#
# One TAP line per target: "ok - fuzz: <target>: <runs> runs ... cov <n> ft <n>
# corpus <n>", or "not ok" with the crash input (build/fuzz/artifacts/); a
# crash found becomes a unit test (tests/README.md). Logs: build/fuzz/<target>.log.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

declare -A SRCS=(
	[vmcb12]="tests/fuzz/vmcb12.c nested/check.c nested/merge.c nested/vmcb12.c nested/exit.c nested/reflect.c svm/msrpm.c"
	[insn]="tests/fuzz/insn.c hv/insn/insn.c hv/insn/store.c hv/insn/rmw.c hv/insn/cr.c"
	[config]="tests/fuzz/config.c boot/config.c hv/debug/escape.c hv/fmt.c"
	[gwalk]="tests/fuzz/gwalk.c mm/gwalk.c"
	[msr]="tests/fuzz/msr.c hv/policy.c hv/mtrr.c svm/msrpm.c"
	[gdbstub]="tests/fuzz/gdbstub.c tests/debug/fake_target.c hv/debug/rsp.c hv/debug/gdbstub.c hv/debug/gdb_data.c hv/debug/gdb_packets.c hv/debug/gdb_regs.c hv/debug/gdb_bp.c hv/fmt.c"
	[monitor]="tests/fuzz/monitor.c hv/debug/monitor.c hv/debug/mon_cmds.c hv/debug/mon_log.c hv/debug/mon_print.c hv/debug/mon_vmcb.c hv/debug/escape.c svm/tlb.c svm/asid.c hv/fmt.c tests/harness/atomic_hook.c"
	[uart]="tests/fuzz/uart.c hv/dbg/uart.c hv/debug/escape.c hv/fmt.c"
	[ucode]="tests/fuzz/ucode.c hv/ucode/container.c hv/ucode/errata.c"
)
ORDER=(vmcb12 insn config gwalk msr gdbstub monitor uart ucode)
declare -A ARGS=(
	[gdbstub]="-max_len=4096 -dict=tests/fuzz/gdbstub.dict"
	[monitor]="-max_len=4096 -dict=tests/fuzz/monitor.dict"
	[uart]="-max_len=4096"
	[vmcb12]="-max_len=8400"
	[gwalk]="-max_len=66000"
	[config]="-max_len=2048"
	[ucode]="-max_len=16384"
)
CLANG=${CLANG:-clang}
FLAGS="-g -O1 -std=c11 -Wall -Wextra -Wno-unused-parameter -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=all -I. -D_DEFAULT_SOURCE -DSVMHV_HOST_TEST"
mode=long
targets=()
for a in "$@"; do
	case $a in
	--short) mode=short ;;
	--list) printf '%s\n' "${ORDER[@]}"; exit 0 ;;
	-*) echo "fuzz.sh: unknown option $a" >&2; exit 2 ;;
	*) [ -n "${SRCS[$a]:-}" ] || { echo "fuzz.sh: no target $a" >&2; exit 2; }; targets+=("$a") ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${ORDER[@]}")
out=build/fuzz
mkdir -p "$out/artifacts"
rc=0

# run TARGET: build, fuzz, one TAP line.
run() {
	local t=$1 bin=$out/$1 log=$out/$1.log corpus=$out/corpus/$1 tree=tests/fuzz/corpus/$1
	local seeds=() stats runs cov ft corp crash
	# shellcheck disable=SC2086  # word lists
	if ! $CLANG $FLAGS ${SRCS[$t]} -o "$bin" >"$log" 2>&1; then
		sed 's/^/# /' "$log" | tail -20
		echo "not ok - fuzz: $t builds with $CLANG"
		return 1
	fi
	mkdir -p "$corpus" "$tree"
	[ -d "tests/fuzz/seeds/$t" ] && seeds+=("tests/fuzz/seeds/$t")
	if [ $mode = short ]; then
		# shellcheck disable=SC2086
		"$bin" ${ARGS[$t]:-} -max_total_time="${FUZZ_SECS:-20}" -print_final_stats=1 \
			-artifact_prefix="$out/artifacts/$t-" "$corpus" "$tree" "${seeds[@]}" >"$log" 2>&1
	else
		# shellcheck disable=SC2086
		"$bin" ${ARGS[$t]:-} -runs="${FUZZ_RUNS:-10000000}" -print_final_stats=1 \
			-artifact_prefix="$out/artifacts/$t-" "$corpus" "$tree" "${seeds[@]}" >"$log" 2>&1
	fi
	local status=$?
	stats=$(grep -aE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
	runs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
	cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$stats")
	ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$stats")
	corp=$(sed -n 's/.*corp: \([0-9]*\).*/\1/p' <<<"$stats")
	crash=$(grep -ao "Test unit written to [^ ]*" "$log" | head -1)
	if [ $status -ne 0 ] || [ -n "$crash" ] || [ -z "$runs" ]; then
		grep -aE 'ERROR|SUMMARY|==[0-9]+==|runtime error' "$log" | head -10 | sed 's/^/# /'
		echo "not ok - fuzz: $t: ${crash:-status $status}"
		return 1
	fi
	if [ $mode = long ] && [ "$runs" -lt "${FUZZ_RUNS:-10000000}" ]; then
		echo "not ok - fuzz: $t: only $runs runs"
		return 1
	fi
	[ $mode = short ] || "$bin" -merge=1 "$tree" "$corpus" >"$log.merge" 2>&1
	echo "ok - fuzz: $t: $runs runs, cov $cov ft $ft corpus $corp, no crash"
}

if ! command -v "$CLANG" >/dev/null; then
	echo "not ok - fuzz: $CLANG is installed (scripts/deps.sh: clang, libclang-rt-dev)"
	exit 1
fi
for t in "${targets[@]}"; do
	run "$t" || rc=1
done
exit $rc
