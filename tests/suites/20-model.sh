#!/usr/bin/env bash
# The TLB-contract model checker (tests/model/), on svmhv's own run loop,
# nested glue and svm/tlb.c (the host harness), and its mutants.
#
#   1. the rules: every TLB_RULE(name) marker in svm/, nested/, hv/
#      (scripts/tlb-rules.sh); each one has a mutant, nothing is kept by hand
#   2. the real code: MODEL_STEPS (default 5x10^6) random steps over every
#      config, and every interleaving (<= 3 preemptions) of two pCPUs'
#      requests, kicks and VMRUNs
#   3. one build per rule with that rule disabled: the checker must kill each
#      (a violation, shrunk to its shortest sequence; logs in build/test-logs)
#
# The binaries are -O2 without sanitizers, for speed; the same checker runs
# under ASan/UBSan in the unit suite (test_tlb_model).
# MODEL_SEED=random picks a fresh seed (printed, so a failure replays).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/test-logs
steps=${MODEL_STEPS:-5000000}
mutant_steps=${MODEL_MUTANT_STEPS:-2000000}
seed=${MODEL_SEED:-1}
[ "$seed" = random ] && seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
t0=$(date +%s.%N)

if ! make -s -j2 model-bins >build/test-logs/model-build.log 2>&1; then
	cat build/test-logs/model-build.log
	echo "not ok - model: build"
	exit 1
fi

mapfile -t rules < <(scripts/tlb-rules.sh)
mapfile -t files < <(scripts/tlb-rules.sh --files)
if [ "${#rules[@]}" -ge 20 ]; then
	echo "ok - model: ${#rules[@]} TLB rules found by their markers in ${files[*]}"
else
	echo "not ok - model: only ${#rules[@]} TLB_RULE markers found (${rules[*]})"
fi

build/host/model --steps "$steps" --seed "$seed"
rc=$?

# Mutants, two at a time; results printed in rule order.
# shellcheck disable=SC2317 # called through xargs
run_mutant() {
	build/host/model_mutant_"$1" --mutant --steps "$2" --seed "$3" \
		>build/test-logs/model-mutant-"$1".log 2>&1
	echo $? >build/test-logs/model-mutant-"$1".rc
}
export -f run_mutant
printf '%s\n' "${rules[@]}" | xargs -P2 -I{} bash -c "run_mutant {} $mutant_steps $seed"
killed=0
for m in "${rules[@]}"; do
	log=build/test-logs/model-mutant-$m.log
	case $(cat "build/test-logs/model-mutant-$m.rc") in
	0) echo "ok - mutant killed: $m ($(tail -1 "$log" | sed 's/^killed: mutant [a-z0-9_]*: //'))"
	   killed=$((killed + 1)) ;;
	1) echo "not ok - mutant survived: $m ($mutant_steps steps, seed $seed)"; rc=1 ;;
	*) cat "$log"; echo "not ok - mutant $m: checker error"; rc=1 ;;
	esac
done
printf '# model suite: seed %s, %d of %d mutants killed, %.1f s; traces in build/test-logs/model-mutant-*.log\n' \
	"$seed" "$killed" "${#rules[@]}" "$(echo "$(date +%s.%N) - $t0" | bc)"
exit $rc
