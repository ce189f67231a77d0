# MMIO store decoder (hv/insn/store.c, on top of hv/insn/insn.c): the store forms Linux
# and OVMF use for xAPIC writes, checked against binutils, plus refused forms,
# truncation and a seeded fuzz run.
UNIT_TESTS += test_mmio
test_mmio_SRCS := tests/unit/test_mmio.c hv/insn/store.c hv/insn/rmw.c hv/insn/insn.c
# Read-modify-write stores (OR, AND, BTS, XCHG, CMPXCHG, ...): every form decoded with every
# operand size, addressing and prefix, and executed against the host CPU (hv/insn/rmw.c).
UNIT_TESTS += test_rmw
test_rmw_SRCS := tests/unit/test_rmw.c hv/insn/store.c hv/insn/rmw.c hv/insn/insn.c
