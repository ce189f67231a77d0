# AMD microcode containers and errata fixes (hv/ucode/): the pure parser and
# errata table.
UNIT_TESTS += test_ucode
test_ucode_SRCS := tests/unit/test_ucode.c hv/ucode/container.c hv/ucode/errata.c
