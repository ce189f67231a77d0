#!/usr/bin/env bash
# Host unit tests: build every tests/unit/*.mk test with ASan/UBSan and run it
# with cmocka's TAP output, prefixing case names with the test binary's name.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/test-logs
if ! make -s unit-bins >build/test-logs/unit-build.log 2>&1; then
	cat build/test-logs/unit-build.log
	echo "not ok - unit tests build"
	exit 1
fi
# Debian's amd64-microcode for test_ucode_real (fetched once with a private apt
# configuration, scripts/microcode.sh); without the network that test skips.
if ! scripts/microcode.sh >/dev/null 2>build/test-logs/microcode.log; then
	echo "# microcode: amd64-microcode not fetched (build/test-logs/microcode.log): test_ucode_real skips"
fi
rc=0
for t in $(make -s print-unit-tests); do
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "build/host/$t" 2>&1)
	st=$?
	# cmocka TAP: "ok 3 - name" / "not ok 3 - name"; keep diagnostics as they are.
	printf '%s\n' "$out" | sed -E "s/^(not ok|ok) [0-9]+ - /\1 - $t: /"
	if [ $st -ne 0 ]; then
		rc=1
		printf '%s\n' "$out" | grep -qE '^not ok' || echo "not ok - $t: exited with status $st"
	fi
done
exit $rc
