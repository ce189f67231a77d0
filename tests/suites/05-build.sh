#!/usr/bin/env bash
# The build itself as tests: svmhv.efi and the EFI test applications build
# warning-free under -Werror, the PE image is what UEFI loads, and the static
# analysers (scripts/lint.sh: cppcheck, clang-tidy) find nothing.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/test-logs
rc=0
check() { # name command...
	local name=$1; shift
	if "$@" >"build/test-logs/build-$name.log" 2>&1; then
		echo "ok - build: $name"
	else
		tail -30 "build/test-logs/build-$name.log"
		echo "not ok - build: $name"
		rc=1
	fi
}
check "svmhv.efi and test apps (-Werror)" make -s efi-apps
check "svmhv.efi is a PE32+ EFI application" \
	sh -c 'objdump -f build/svmhv.efi | grep -q "file format pei-x86-64"'
check "ELF with symbols for gdb" sh -c 'nm build/svmhv.so | grep -q " T hv_entry$"'
check "svmhv's own code: every indirect branch and return through a thunk" scripts/thunk-check.sh
check "lint (cppcheck, clang-tidy)" scripts/lint.sh
exit $rc
