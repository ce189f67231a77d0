# MMIO store decoder (hv/insn/store.c, on top of hv/insn/insn.c): the store forms Linux
# and OVMF use for xAPIC writes, checked against binutils, plus refused forms,
# truncation and a seeded fuzz run.
UNIT_TESTS += test_mmio
test_mmio_SRCS := tests/unit/test_mmio.c hv/insn/store.c hv/insn/insn.c
