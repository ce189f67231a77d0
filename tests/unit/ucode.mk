# AMD microcode containers and errata fixes (hv/ucode/): the pure parser and
# errata table, the real files of Debian's amd64-microcode (scripts/microcode.sh;
# skipped when not fetched) and their corrupted copies, and the per-CPU glue on
# the fake CPU of tests/harness/.
UNIT_TESTS += test_ucode test_ucode_real test_ucode_load
test_ucode_SRCS := tests/unit/test_ucode.c hv/ucode/container.c hv/ucode/errata.c
test_ucode_real_SRCS := tests/unit/test_ucode_real.c hv/ucode/container.c
test_ucode_load_SRCS := tests/unit/test_ucode_load.c hv/ucode/load.c hv/ucode/container.c \
	hv/ucode/errata.c $(HARNESS_SRCS)
