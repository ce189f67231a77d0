# svmhv's host page tables built before the first call into the pool, and the
# walk of the firmware's tables for the pool (mm/hostpt.c).
UNIT_TESTS += test_hostpt
test_hostpt_SRCS := tests/unit/test_hostpt.c mm/hostpt.c mm/npt.c mm/pmm.c mm/gwalk.c
