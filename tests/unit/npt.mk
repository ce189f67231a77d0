UNIT_TESTS += test_npt
test_npt_SRCS := tests/unit/test_npt.c mm/npt.c
