#!/usr/bin/env bash
# A short run of every libFuzzer target (scripts/fuzz.sh --short: FUZZ_SECS
# seconds each, default 15, from the corpus kept in tests/fuzz/corpus): the
# vmcb12 check and merge, the instruction decoders, the config parser, the
# guest page walker, the MSR policy and MTRR rule, the GDB stub, the monitor,
# the shared UART, the AMD microcode container parser and errata table.
# `make fuzz` runs each for at least 10^7 executions.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
FUZZ_SECS=${FUZZ_SECS:-15} exec scripts/fuzz.sh --short
