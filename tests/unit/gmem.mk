# Guest-physical memory access rules (mm/gmem.c).
UNIT_TESTS += test_gmem
test_gmem_SRCS := tests/unit/test_gmem.c mm/gmem.c
