#!/usr/bin/env bash
# l1hv's scenarios and differential batch (tests/suites/50-l1hv.sh) on named AMD
# models rather than -cpu max (`make platforms`): a brand string and CPUID that are
# AMD's, as on real parts, so l1hv learns it is on QEMU's TCG only from host=tcg
# (under svmhv the 0x40000000 signature is svmhv's). Every TAP line is repeated
# with a "<model>: " prefix; the suite's own log is kept per model in
# build/test-logs/l1hv-models/<model>.log.
#   L1HV_MODELS="EPYC-Rome ..."   the -cpu values (default EPYC-Rome)
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
# shellcheck source=tests/qemu/lib.sh
. tests/qemu/lib.sh

dir=build/test-logs/l1hv-models
mkdir -p "$dir"
rc=0
for m in ${L1HV_MODELS:-EPYC-Rome}; do
	echo "# $m: suite 50-l1hv"
	suite_prefixed "$m" "$dir/$m.log" 50-l1hv env CPU="$m" tests/suites/50-l1hv.sh || rc=1
done
exit $rc
