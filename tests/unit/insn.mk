# Instruction length decoder (hv/insn/insn.c): encoding table checked against
# binutils' objdump, truncation, invalid opcodes, and a seeded fuzz run.
UNIT_TESTS += test_insn
test_insn_SRCS := tests/unit/test_insn.c hv/insn/insn.c
