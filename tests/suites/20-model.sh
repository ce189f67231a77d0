#!/usr/bin/env bash
# The TLB-contract model checker (tests/model/) and its mutants.
#
#   1. the mutant list of tests/model/model.mk is exactly TLB_RULES of svm/tlb.c
#   2. the real svm/tlb.c: MODEL_STEPS (default 10^7) steps over every config
#   3. one build per rule with that rule disabled: the checker must kill each
#      (a violation, shrunk to its shortest sequence; full log in build/test-logs)
#
# The binaries are -O2 without sanitizers, for speed (~2.5M steps/s); the same
# checker runs under ASan/UBSan in the unit suite (test_tlb_model).
# MODEL_SEED=random picks a fresh seed (printed, so a failure replays).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
steps=${MODEL_STEPS:-10000000}
mutant_steps=${MODEL_MUTANT_STEPS:-20000000}
seed=${MODEL_SEED:-1}
[ "$seed" = random ] && seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
t0=$(date +%s.%N)

if ! make -s -j2 model-bins >build/test-logs/model-build.log 2>&1; then
	cat build/test-logs/model-build.log
	echo "not ok - model: build"
	exit 1
fi

mutants=$(make -s print-tlb-mutants)
rules=$(sed -n '/^#define TLB_RULES(X)/,/^$/p' svm/tlb.c | grep -o 'X([a-z0-9_]*)' | sed 's/X(\(.*\))/\1/')
unused=""
for r in $rules; do
	grep -q "TLB_RULE($r)" svm/tlb.c || unused="$unused $r"
done
if [ "$(echo $mutants | tr ' ' '\n' | sort)" = "$(echo $rules | tr ' ' '\n' | sort)" ] && [ -z "$unused" ]; then
	echo "ok - model: mutant list = the $(echo $rules | wc -w) TLB_RULES of svm/tlb.c, each guarding code"
else
	echo "not ok - model: mutant list ($mutants) != TLB_RULES ($rules); unused:$unused"
fi

build/host/model --steps "$steps" --seed "$seed"
rc=$?

# Mutants, two at a time; results printed in list order.
run_mutant() {
	build/host/model_mutant_$1 --mutant --steps "$2" --seed "$3" >build/test-logs/model-mutant-$1.log 2>&1
	echo $? >build/test-logs/model-mutant-$1.rc
}
export -f run_mutant
echo $mutants | tr ' ' '\n' | xargs -P2 -I{} bash -c "run_mutant {} $mutant_steps $seed"
for m in $mutants; do
	log=build/test-logs/model-mutant-$m.log
	case $(cat build/test-logs/model-mutant-$m.rc) in
	0) echo "ok - mutant killed: $m ($(tail -1 "$log" | sed 's/^killed: mutant [a-z0-9_]*: //'))" ;;
	1) echo "not ok - mutant survived: $m ($mutant_steps steps, seed $seed)"; rc=1 ;;
	*) cat "$log"; echo "not ok - mutant $m: checker error"; rc=1 ;;
	esac
done
printf '# model suite: seed %s, %.1f s; shrunk mutant traces in build/test-logs/model-mutant-*.log\n' \
	"$seed" "$(echo "$(date +%s.%N) - $t0" | bc)"
exit $rc
