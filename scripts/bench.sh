#!/usr/bin/env bash
# make bench: run every scripts/bench-*.sh and print their figures.
# BENCHMARKS.md records the figures with the command that produced them.
set -euo pipefail
cd "$(dirname "$0")/.."
found=0
for b in scripts/bench-*.sh; do
	[ -x "$b" ] || continue
	found=1
	echo "=== $(basename "$b" .sh)"
	"$b"
done
[ $found -eq 1 ] || { echo "bench: no benchmark scripts found"; exit 1; }
