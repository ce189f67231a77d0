UNIT_TESTS += test_policy test_fmt test_pmm test_vmcb
test_policy_SRCS := tests/unit/test_policy.c hv/policy.c hv/hc.c svm/svm.c hv/fmt.c svm/msrpm.c
test_fmt_SRCS := tests/unit/test_fmt.c hv/fmt.c
test_pmm_SRCS := tests/unit/test_pmm.c mm/pmm.c
test_vmcb_SRCS := tests/unit/test_vmcb.c svm/seg.c
UNIT_TESTS += test_console
test_console_SRCS := tests/unit/test_console.c hv/console.c hv/fmt.c
