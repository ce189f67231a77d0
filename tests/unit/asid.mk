UNIT_TESTS += test_asid
test_asid_SRCS := tests/unit/test_asid.c svm/asid.c
