#!/usr/bin/env bash
# Linux KVM as L1 under svmhv with nested paging (kvm_amd npt=1: svmhv shadows
# KVM's nested page tables) and without (npt=0: KVM shadows L2's page tables),
# side by side in one run: the same kvmtest loops (1000 IN/OUT round trips to
# KVM's user space per mode) in two boots of tests/suites/60-kvm.sh, then
# svmhv's counts per round trip from its "# kvmtest:" lines. Counts only: the
# exits svmhv handled, the TLB flushes it applied, and its shadow fills in
# the steady-state loop and over a whole run (the guest first touches 496
# fresh pages). Figures go to BENCHMARKS.md with this command.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build/bench/kvm-npt
mkdir -p "$dir"
KVM_CONFIGS="plain npt" KVM_LOGDIR="$dir" tests/suites/60-kvm.sh >"$dir/suite.out" 2>&1 || {
	grep -E '^not ok' "$dir/suite.out" | head -20
	echo "bench-kvm-npt: 60-kvm failed (log: $dir/suite.out)"
	exit 1
}
# value CONFIG MODE REGEX: the first number REGEX captures in that boot's kvmtest line.
value() {
	grep -a -o "KVMTEST: # $2: $3" "$dir/$1/linux.txt" | head -1 | grep -o '[0-9.]*$' || echo '?'
}
printf '%-58s %10s %10s\n' "per exit to KVM's user space (1000-round loops)" "npt=0" "npt=1"
for mode in "real mode" "long mode" "long mode, migrating between CPUs"; do
	echo "$mode:"
	printf '  %-56s %10s %10s\n' "L0 exits (svmhv handled)" \
		"$(value plain "$mode" 'svmhv handled [0-9]* #VMEXITs in the loop ([0-9.]*')" \
		"$(value npt "$mode" 'svmhv handled [0-9]* #VMEXITs in the loop ([0-9.]*')"
	printf '  %-56s %10s %10s\n' "TLB flushes (L1 + L2 context)" \
		"$(value plain "$mode" 'svmhv TLB flushes in the loop: L1 context [0-9]*, L2 context [0-9]* ([0-9.]*')" \
		"$(value npt "$mode" 'svmhv TLB flushes in the loop: L1 context [0-9]*, L2 context [0-9]* ([0-9.]*')"
	printf '  %-56s %10s %10s\n' "shadow fills" \
		"$(value plain "$mode" 'svmhv shadow NPT in the loop: fills [0-9]* ([0-9.]*')" \
		"$(value npt "$mode" 'svmhv shadow NPT in the loop: fills [0-9]* ([0-9.]*')"
done
echo "whole long-mode run (page tables, 496 fresh pages, the loop):"
printf '  %-56s %10s %10s\n' "shadow fills" \
	"$(value plain "long mode" 'svmhv shadow NPT over the whole run: fills [0-9]*')" \
	"$(value npt "long mode" 'svmhv shadow NPT over the whole run: fills [0-9]*')"
printf '  %-56s %10s %10s\n' "shadow roots made" \
	"$(value plain "long mode" 'svmhv shadow NPT over the whole run: fills [0-9]* ([0-9.]* per exit to user space), roots made [0-9]*')" \
	"$(value npt "long mode" 'svmhv shadow NPT over the whole run: fills [0-9]* ([0-9.]* per exit to user space), roots made [0-9]*')"
printf '  %-56s %10s %10s\n' "NPF exits svmhv saw from L2" \
	"$(value plain "long mode" 'svmhv shadow NPT over the whole run: .*NPF exits [0-9]*')" \
	"$(value npt "long mode" 'svmhv shadow NPT over the whole run: .*NPF exits [0-9]*')"
