# MMIO store decoder (hv/mmio.c, on top of hv/insn.c): the store forms Linux
# and OVMF use for xAPIC writes, checked against binutils, plus refused forms,
# truncation and a seeded fuzz run.
UNIT_TESTS += test_mmio
test_mmio_SRCS := tests/unit/test_mmio.c hv/mmio.c hv/insn.c
