#!/usr/bin/env bash
# TLB contract figures from the model checker (tests/model/bench.c), the real
# svm/tlb.c in a simulated ASID-tagged TLB: flushes per steady-state nested
# round trip and TLB refills of an L2 workload, contract vs force_tlb_flush.
# Recorded in BENCHMARKS.md, section "TLB contract (model)". Deterministic.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/host/model >/dev/null
echo "# scripts/bench-tlb.sh (= make -s build/host/model && build/host/model --bench)"
build/host/model --bench
