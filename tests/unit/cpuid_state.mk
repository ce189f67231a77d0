# State-derived CPUID bits (hv/cpuid_state.c), pure and through svmhv's CPUID exit.
UNIT_TESTS += test_cpuid_state
test_cpuid_state_SRCS := tests/unit/test_cpuid_state.c $(HARNESS_SRCS)
