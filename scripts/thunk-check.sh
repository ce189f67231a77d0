#!/usr/bin/env bash
# Speculation hygiene of svmhv's own code (README "Security"): every indirect
# CALL/JMP and every RET in the objects of hv/, svm/, mm/, nested/ goes
# through gcc's thunks (-mindirect-branch=thunk -mfunction-return=thunk), so
# no guest-trained branch target or return prediction steers svmhv (Spectre
# v2, Retbleed). Allowed exceptions, each reviewed: the thunks themselves,
# svm/world.asm (its RET follows the RSB fill; svm_world_start's JMP runs
# once, before any guest), and interrupt handlers (IRET, no RET).
# Prints the offending instructions; exit status 1 if there is any.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
bad=0
for o in build/efi/hv/*.o build/efi/hv/*/*.o build/efi/svm/*.o build/efi/mm/*.o build/efi/nested/*.o; do
	[ -e "$o" ] || continue
	case $o in build/efi/svm/world.o) continue ;; esac
	out=$(objdump -d --no-show-raw-insn "$o" | awk -v obj="$o" '
		/^[0-9a-f]+ <.*>:$/ { fn = $2 }
		fn ~ /__x86_(indirect|return)_thunk/ { next }
		/\t(call|jmp) +\*/ || /\tret *$/ { print obj ": " fn " " $0 }')
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
done
exit $bad
