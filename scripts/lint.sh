#!/usr/bin/env bash
# Static analysis: svmhv's C sources with cppcheck, then clang-tidy (bugprone/cert
# subsets); every shell script with shellcheck. Exit status non-zero on any finding.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
for t in cppcheck clang-tidy shellcheck; do
	command -v "$t" >/dev/null || { echo "lint: $t is missing (apt-get install $t)"; exit 1; }
done
mapfile -t srcs < <(find boot hv svm mm nested -name "*.c" | sort)
mapfile -t scripts < <(find scripts tests .ci -name '*.sh' -o -path .ci/run | sort)
rc=0
cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	--std=c11 -I. -DSVMHV_FREESTANDING --suppress=missingIncludeSystem \
	--inline-suppr "${srcs[@]}" || rc=1
clang-tidy --quiet -checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-bugprone-implicit-widening-of-multiplication-result,cert-err34-c,cert-flp30-c' \
	--warnings-as-errors='*' "${srcs[@]}" -- -std=c11 -I. -ffreestanding -fshort-wchar \
	-DGNU_EFI_USE_MS_ABI -isystem /usr/include/efi -isystem /usr/include/efi/x86_64 \
	2>/dev/null || rc=1
shellcheck -x "${scripts[@]}" || rc=1
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
