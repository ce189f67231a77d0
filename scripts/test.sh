#!/usr/bin/env bash
# Run every test suite of a tier and print one summary line:
#   scripts/test.sh                  tests/suites/NN-*.sh (make test)
#   scripts/test.sh tests/platform/suites  the platform tier (make platforms)
# Each suite prints "ok - name" / "not ok - name" lines; see tests/README.md.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
tier=${1:-tests/suites}
[ -d "$tier" ] || { echo "test.sh: no such tier: $tier" >&2; exit 2; }
mkdir -p build/test-logs
passed=0 failed=0
failures=()
for suite in "$tier"/*.sh; do
	[ -x "$suite" ] || continue
	name=$(basename "$suite" .sh)
	log=build/test-logs/$name.log
	echo "=== suite $name"
	"$suite" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok( |$)' "$log")
	f=$(grep -cE '^not ok( |$)' "$log")
	while IFS= read -r line; do failures+=("$name: ${line#not ok }"); done \
		< <(grep -E '^not ok( |$)' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1; failures+=("$name: suite exited with status $rc")
	fi
	passed=$((passed + p)); failed=$((failed + f))
done
echo "==="
for x in "${failures[@]}"; do echo "FAILED: $x"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
