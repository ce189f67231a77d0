#!/usr/bin/env bash
# The key suites of make test again on QEMU 10 (`make platforms`): Linux under
# svmhv and its control, Linux SMP with hotplug, l1hv bare and under svmhv
# (with the differential batch), and Linux KVM as L1. QEMU 10 comes from
# Debian's bookworm-backports through scripts/qemu10.sh (private apt, build/qemu10).
# Every TAP line of a suite is repeated with a "qemu10: " prefix; the suites'
# own logs (build/test-logs/...) are overwritten, and kept per suite in
# build/test-logs/qemu10/<suite>.log.
#   QEMU10_SUITES="40-linux ..."   run only those
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
# shellcheck source=tests/qemu/lib.sh
. tests/qemu/lib.sh

dir=build/test-logs/qemu10
mkdir -p "$dir"
q10=$(scripts/qemu10.sh 2>"$dir/fetch.err" | tail -1)
if [ ! -x "$q10" ]; then
	sed 's/^/# /' "$dir/fetch.err"
	echo "not ok - qemu10: scripts/qemu10.sh provides QEMU 10"
	exit 1
fi
echo "ok - qemu10: $("$q10" --version | head -1)"

rc=0
for s in ${QEMU10_SUITES:-40-linux 45-smp 50-l1hv 60-kvm}; do
	echo "# qemu10: suite $s"
	suite_prefixed qemu10 "$dir/$s.log" "$s" env QEMU="$q10" "tests/suites/$s.sh" || rc=1
done
exit $rc
