#!/usr/bin/env bash
# The rules of the TLB contract, found in the code: every TLB_RULE(name)
# marker in svm/, nested/ and hv/ (svm/tlb.h defines the macro).
#   scripts/tlb-rules.sh          rule names, one per line, sorted, unique
#   scripts/tlb-rules.sh --files  the source files that hold markers
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(grep -rl --include='*.c' 'TLB_RULE(' svm nested hv | sort)
if [ "${1:-}" = --files ]; then
	echo "$files"
	exit 0
fi
# shellcheck disable=SC2086 # one word per file
grep -ho 'TLB_RULE([a-z0-9_]*)' $files | sed 's/^TLB_RULE(\(.*\))$/\1/' | sort -u
