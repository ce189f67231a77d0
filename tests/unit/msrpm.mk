UNIT_TESTS += test_msrpm
test_msrpm_SRCS := tests/unit/test_msrpm.c svm/msrpm.c
